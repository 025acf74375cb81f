package dev.jalloc.cli.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code jalloc replay [--allocator NAME]... [--csv] [--repeat N] TRACE...}: parses every trace (all of them,
 * before replaying any), skips the allocators that cannot run here with a message saying why, warms up, then
 * for each trace runs its noise pass and replays it on each allocator, and prints the table. Exit status: 0 when every row was made; 1 when a
 * trace is malformed, an allocator broke a promise, or no allocator could run; 2 for a usage error.
 */
public final class ReplayCommand {
    static final String USAGE = """
            usage: jalloc replay [--allocator NAME]... [--csv] [--repeat N] TRACE...

            Replays CS:APP malloc-lab traces (header: suggested heap size, number of ids, number of ops, weight;
            then 'a ID BYTES', 'f ID', 'r ID BYTES', one a line) on each allocator, writing every payload byte,
            and checks that every payload kept its bytes until freed (a failure stops with status 1).

              --allocator NAME  replay on NAME; repeat for several (default: every allocator available here)
              --csv             print CSV instead of a plain table
              --repeat N        timed passes per trace and allocator, the fastest counts (default: %d)

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
                                    stats.resident, mimalloc mi_process_info commit)
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

    private ReplayCommand() {
    }

    /**
     * Runs the command on the known allocators.
     *
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, Allocators.known());
    }

    /** Runs the command on {@code known} instead of {@link Allocators#known()} (tests add broken ones). */
    static int run(String[] args, PrintStream out, PrintStream err, List<Allocators.Entry> known) {
        Set<String> names = new LinkedHashSet<>();
        List<Path> files = new ArrayList<>();
        boolean csv = false;
        int repetitions = ReplayEngine.DEFAULT_REPETITIONS;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                value = arg.substring(equals + 1);
                arg = arg.substring(0, equals);
            }
            switch (arg) {
                case "-h", "--help" -> {
                    out.print(usage(known));
                    return 0;
                }
                case "--csv" -> csv = true;
                case "--allocator", "--repeat" -> {
                    if (value == null) {
                        if (i + 1 == args.length) {
                            return usageError(err, known, arg + " needs a value");
                        }
                        value = args[++i];
                    }
                    if (arg.equals("--allocator")) {
                        String name = value;
                        if (known.stream().noneMatch(e -> e.name().equals(name))) {
                            return usageError(err, known, "unknown allocator '" + name + "' (known: "
                                    + String.join(", ", known.stream().map(Allocators.Entry::name).toList()) + ")");
                        }
                        names.add(name);
                    } else {
                        long n = TraceParser.number(value, 1000);
                        if (n < 1) {
                            return usageError(err, known,
                                    "--repeat: '" + value + "' (expected: an integer in [1, 1000])");
                        }
                        repetitions = (int) n;
                    }
                }
                default -> {
                    if (arg.startsWith("-") && !arg.equals("-")) {
                        return usageError(err, known, "unknown option '" + args[i] + "'");
                    }
                    files.add(Path.of(args[i]));
                }
            }
        }
        if (files.isEmpty()) {
            return usageError(err, known, "no trace given");
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
        List<Allocators.Entry> allocators = available(names.isEmpty() ? known
                : known.stream().filter(e -> names.contains(e.name())).toList(), err);
        if (allocators.isEmpty()) {
            err.println("jalloc replay: no allocator to replay on");
            return 1;
        }
        List<ReplayResult> results = new ArrayList<>();
        if (csv) {
            out.println(ReplayTable.csvHeader());
        }
        try (ReplayEngine engine = new ReplayEngine(repetitions, true)) {
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
                        out.println(ReplayTable.csvRow(result));
                    }
                }
            }
        } catch (ReplayException | AllocatorUnavailableException e) {
            if (!csv && !results.isEmpty()) {
                out.print(ReplayTable.plain(results));
            }
            err.println("jalloc replay: FAILED: " + e.getMessage());
            return 1;
        }
        if (!csv) {
            out.print(ReplayTable.plain(results));
        }
        return 0;
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
        try (ReplayAllocator probe = entry.opener().open()) {
            return Optional.empty();
        } catch (AllocatorUnavailableException e) {
            return Optional.of(e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("cannot open it: " + e);
        }
    }

    private static int usageError(PrintStream err, List<Allocators.Entry> known, String problem) {
        err.println("jalloc replay: " + problem);
        err.print(usage(known));
        return 2;
    }

    private static String usage(List<Allocators.Entry> known) {
        StringBuilder list = new StringBuilder();
        for (Allocators.Entry entry : known) {
            list.append(String.format("  %-9s %s%n", entry.name(), entry.description()));
        }
        return USAGE.formatted(ReplayEngine.DEFAULT_REPETITIONS, list.toString().stripTrailing());
    }
}
