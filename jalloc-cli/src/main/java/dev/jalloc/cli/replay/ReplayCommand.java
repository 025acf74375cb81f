package dev.jalloc.cli.replay;

import dev.jalloc.cli.plot.Figure;
import dev.jalloc.cli.plot.FigurePlan;
import dev.jalloc.cli.plot.FigureSvg;
import dev.jalloc.cli.plot.Machine;
import dev.jalloc.cli.plot.PlotFormatException;
import dev.jalloc.cli.plot.PlotSpec;
import dev.jalloc.cli.ui.Cli;
import dev.jalloc.cli.ui.HelpOption;
import dev.jalloc.cli.ui.ProgressLine;
import dev.jalloc.cli.ui.Terminal;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code jalloc replay [--allocator NAME]... [--csv] [--repeat N] [--[no-]progress] [--plot FIGURE.svg] TRACE...}:
 * parses every trace (all of them, before replaying any), skips the allocators that cannot run here with a message
 * saying why, warms up, then for each trace runs its noise pass and replays it on each allocator, and prints the
 * table; with {@code --plot}, also draws the table as one SVG figure ({@link FigurePlan#ofReplayTable}: a panel
 * per column that matters). While it replays, a progress line on stderr when stderr is a terminal
 * ({@link ReplayProgressLine}). Exit status: 0 when every row was made (and the figure written); 1 when a trace is
 * malformed, an allocator broke a promise, no allocator could run, or the figure cannot be written; 2 for a usage
 * error.
 */
@Command(name = "replay", usageHelpWidth = 120, sortOptions = false, sortSynopsis = false,
        description = {
            "replay malloc-lab traces on jalloc and its peers (glibc, jemalloc, mimalloc), checking every payload "
                    + "byte; prints speed, peak live bytes, footprint, utilization",
            "",
            "Replays CS:APP malloc-lab traces (header: suggested heap size, number of ids, number of ops, weight;",
            "then 'a ID BYTES', 'f ID', 'r ID BYTES', one a line) on each allocator, writing every payload byte,",
            "and checks that every payload kept its bytes until freed (a failure stops with status 1).",
            ""})
public final class ReplayCommand implements Callable<Integer> {
    static final String FOOTER = """

            allocators:
            %s
            columns:
              ops                   the trace's ops (a, f and r lines)
              seconds               the fastest timed pass: the ops plus writing every payload byte (memset-like);
                                    passes run back to back on one instance (steady state); not timed: open, close
              kops_per_s            ops / seconds / 1000
              peak_live_bytes       the most bytes the trace had asked for and not freed, after any op
              peak_footprint_bytes  the allocator's committed bytes at their high-water, as it counts them itself,
                                    sampled after every op of a checked pass (of a trace over 100,000 ops: 2,000
                                    times, evenly spaced, at each 1/1024 of growth of the live bytes to a new high,
                                    at their peak and after the last op) (for glibc, jemalloc and mimalloc, growth
                                    over their state in the child JVM: glibc mallinfo2 arena + hblkhd, jemalloc
                                    stats.resident, mimalloc and mimalloc-secure mi_process_info commit;
                                    hardened_malloc counts none: '-')
              utilization           peak_live_bytes / peak_footprint_bytes ('-' if the footprint did not grow)
              peak_rss_bytes        the peak growth of the process's anonymous resident memory (/proc/self/statm
                                    resident - shared) during the checked pass, above a baseline taken just before
                                    its first op, sampled when the footprint is; every checked pass runs in
                                    a child JVM of its own, warmed up, whose Java heap is resident whole (-Xms =
                                    -Xmx, AlwaysPreTouch)
              rss_utilization       peak_live_bytes / peak_rss_bytes ('-' if the resident memory did not grow)
            Each trace first gets a row with allocator (none), its noise pass: the same child JVM and walk through
            the trace, calling no allocator. Its peak_rss_bytes is the harness's own, under every allocator's.
            A request for 0 bytes is replayed as a request for 1 byte (and counts 0 live bytes).
            """;

    @Spec
    private CommandSpec spec;

    @Option(names = "--allocator", paramLabel = "NAME", completionCandidates = AllocatorNames.class,
            description = "replay on NAME; repeat for several (default: every allocator available here, but "
                    + "hardened, hardened-light and jalloc's hardening levels jalloc-light, jalloc-standard and "
                    + "jalloc-full)")
    private List<String> allocatorNames = new ArrayList<>();

    @Option(names = "--csv", description = "print CSV instead of a plain table")
    private boolean csv;

    @Option(names = "--repeat", paramLabel = "N", converter = Repetitions.class,
            description = "timed passes per trace and allocator, the fastest counts (default: ${DEFAULT-VALUE})")
    private int repetitions = ReplayEngine.DEFAULT_REPETITIONS;

    @Option(names = "--progress", negatable = true, description = "show (or not) a progress line on stderr "
            + "(default: when stderr is a terminal)")
    private Boolean progress;

    @Option(names = "--plot", paramLabel = "FIGURE.svg", description = "also draw the table as an SVG figure: "
            + "kops_per_s, utilization, rss_utilization and peak_rss_bytes by trace and allocator, one panel each "
            + "(a log axis, labelled, where a panel's values span over " + FigurePlan.AUTO_LOG_SPAN + "x)")
    private Path plot;

    @Parameters(paramLabel = "TRACE", arity = "1..*", description = "a malloc-lab trace file")
    private List<Path> files;

    @Mixin
    private HelpOption help;

    private final List<Allocators.Entry> known;
    private final PrintStream out;
    private final PrintStream err;

    private ReplayCommand(List<Allocators.Entry> known, PrintStream out, PrintStream err) {
        this.known = known;
        this.out = out;
        this.err = err;
    }

    /**
     * {@return the command, on the known allocators, for {@code jalloc}'s tree}: tables on {@code out}, messages
     * and the progress line on {@code err}
     */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        return commandLine(Allocators.known(), out, err);
    }

    /** The command on {@code known} instead of {@link Allocators#known()} (tests add broken ones). */
    static CommandLine commandLine(List<Allocators.Entry> known, PrintStream out, PrintStream err) {
        CommandLine command = new CommandLine(new ReplayCommand(known, out, err));
        StringBuilder list = new StringBuilder();
        for (Allocators.Entry entry : known) {
            list.append(String.format("  %-15s %s%n", entry.name(), entry.description()));
        }
        String footer = FOOTER.formatted(list.toString().stripTrailing()).replace("%", "%%");
        command.getCommandSpec().usageMessage().footer(footer.split("\n", -1));
        return command;
    }

    /**
     * Runs the command alone on the known allocators (as {@code jalloc replay ARGS} does).
     *
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, Allocators.known());
    }

    /** Runs the command alone on {@code known} instead of {@link Allocators#known()} (tests add broken ones). */
    static int run(String[] args, PrintStream out, PrintStream err, List<Allocators.Entry> known) {
        return Cli.runAlone(commandLine(known, out, err), args, out, err);
    }

    /** {@return the exit status}, once the options are parsed */
    @Override
    public Integer call() {
        Set<String> names = new LinkedHashSet<>();
        for (String name : allocatorNames) {
            if (known.stream().noneMatch(e -> e.name().equals(name))) {
                throw new ParameterException(spec.commandLine(), "unknown allocator '" + name + "' (known: "
                        + String.join(", ", known.stream().map(Allocators.Entry::name).toList()) + ")");
            }
            names.add(name);
        }
        List<Trace> traces = new ArrayList<>();
        for (Path file : files) {
            try {
                traces.add(TraceParser.parse(file));
            } catch (TraceFormatException e) {
                err.println("jalloc replay: " + e.getMessage());
                return 1;
            } catch (NoSuchFileException e) {
                err.println("jalloc replay: " + file + ": no such file");
                return 1;
            } catch (IOException e) {
                err.println("jalloc replay: " + file + ": cannot read: " + e);
                return 1;
            }
        }
        List<Allocators.Entry> allocators = available(names.isEmpty()
                ? known.stream().filter(Allocators.Entry::byDefault).toList()
                : known.stream().filter(e -> names.contains(e.name())).toList(), err);
        if (allocators.isEmpty()) {
            err.println("jalloc replay: no allocator to replay on");
            return 1;
        }
        boolean showProgress = progress != null ? progress : Terminal.isTerminal(err);
        ReplayProgressLine line = new ReplayProgressLine(showProgress ? ProgressLine.on(err) : ProgressLine.OFF,
                traces.size() * allocators.size());
        List<ReplayResult> results = new ArrayList<>();
        if (csv) {
            out.println(ReplayTable.csvHeader());
        }
        try (ReplayEngine engine = new ReplayEngine(repetitions, true)) {
            engine.progress(showProgress ? line : ReplayProgress.NONE);
            line.warmingUp(allocators.size());
            engine.warmUp(allocators);
            for (Trace trace : traces) {
                ReplayResult noise = engine.noiseFloor(trace);
                results.add(noise);
                if (csv) {
                    out.println(ReplayTable.csvRow(noise));
                }
                for (Allocators.Entry allocator : allocators) {
                    ReplayResult result = engine.replay(trace, allocator);
                    results.add(result);
                    if (csv) {
                        line.clear();
                        out.println(ReplayTable.csvRow(result));
                    }
                }
            }
        } catch (ReplayException | AllocatorUnavailableException e) {
            line.clear();
            if (!csv && !results.isEmpty()) {
                out.print(ReplayTable.plain(results));
            }
            err.println("jalloc replay: FAILED: " + e.getMessage());
            return 1;
        } finally {
            line.clear();
        }
        if (!csv) {
            out.print(ReplayTable.plain(results));
        }
        return plot == null ? 0 : plot(results, traces);
    }

    /** Draws the results in {@link #plot}; {@return 0, or 1 with a message if it cannot be written} */
    private int plot(List<ReplayResult> results, List<Trace> traces) {
        String title = "jalloc replay: " + (traces.size() == 1 ? traces.getFirst().name()
                : traces.size() + " traces") + ", by allocator";
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        // picocli gives the whole command line, from the subcommand's name on
        int from = !args.isEmpty() && args.getFirst().equals(spec.name()) ? 1 : 0;
        List<String> caption = List.of(
                "jalloc replay " + String.join(" ", args.subList(from, args.size())),
                Machine.now() + "; " + Machine.describe(),
                "Bars: each allocator's value on each trace. 'no value': not measured (the (none) row is the noise "
                        + "pass, with no allocator: only its peak_rss_bytes is measured).");
        try {
            Figure figure = FigurePlan.ofReplayTable("the replay's table", ReplayTable.plain(results),
                    PlotSpec.defaults(title, caption, PlotSpec.ScaleChoice.AUTO));
            FigureSvg.write(figure, FigureSvg.Orientation.AUTO, plot);
        } catch (PlotFormatException e) {
            err.println("jalloc replay: --plot: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("jalloc replay: " + plot + ": cannot write: " + e);
            return 1;
        }
        err.println("jalloc replay: wrote " + plot);
        return 0;
    }

    /** The names {@code --allocator} completes to in a shell. */
    static final class AllocatorNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Allocators.known().stream().map(Allocators.Entry::name).iterator();
        }
    }

    /** {@code --repeat N}: an integer in [1, 1000]. */
    static final class Repetitions implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long n = TraceParser.number(value, 1000);
            if (n < 1) {
                throw new TypeConversionException("'" + value + "' (expected: an integer in [1, 1000])");
            }
            return (int) n;
        }
    }

    /** {@return the allocators of {@code wanted} that open here; a message on {@code err} for each other} */
    private static List<Allocators.Entry> available(List<Allocators.Entry> wanted, PrintStream err) {
        List<Allocators.Entry> available = new ArrayList<>();
        for (Allocators.Entry entry : wanted) {
            Optional<String> problem = probe(entry);
            if (problem.isEmpty()) {
                available.add(entry);
            } else {
                err.println("jalloc replay: skipping " + entry.name() + ": " + problem.get());
            }
        }
        return available;
    }

    private static Optional<String> probe(Allocators.Entry entry) {
        try {
            entry.probe();
            return Optional.empty();
        } catch (AllocatorUnavailableException e) {
            return Optional.of(e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("cannot open it: " + e);
        }
    }
}
