package dev.jalloc.cli.plot;

import dev.jalloc.cli.plot.FigureSvg.Orientation;
import dev.jalloc.cli.plot.PlotSpec.ScaleChoice;
import dev.jalloc.cli.ui.Cli;
import dev.jalloc.cli.ui.HelpOption;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
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
 * {@code jalloc plot FILE... --out FIGURE.svg [options]}: reads results files (JMH's CSV, mtbench's CSV,
 * {@code jalloc replay}'s table), makes a {@link Figure} of them ({@link FigurePlan}) and writes it as SVG
 * ({@link FigureSvg}). Exit status: 0 when written; 1 when a file cannot be read or does not make a figure as
 * asked; 2 for a usage error.
 */
@Command(name = "plot", usageHelpWidth = 120, sortOptions = false, sortSynopsis = false,
        description = {"draw benchmark results as an SVG bar chart: JMH CSVs, mtbench CSVs, replay tables",
            "",
            "Reads JMH's CSV (-rf csv), mtbench's CSV (--csv) or jalloc replay's table (plain or --csv), told apart",
            "by their first line, and draws grouped bars with JMH's 99.9%% error as whiskers: one panel per benchmark",
            "(JMH, mtbench) or per column (replay), one colour per contender or allocator (the same colour in every",
            "chart), groups by what else varies (a parameter, the thread count, the file). A value a file does not",
            "have, or marks as not measured, is drawn as 'no value', never as 0. Axes are linear from 0 unless",
            "--scale says otherwise; a log axis is labelled so and draws dots, not bars. The SVG is plain (no script,",
            "no font, no link), 880 pixels wide, and the same input always gives the same bytes.",
            ""},
        footer = {"", "keys (for --chart-by, --group-by, --series-by, --where):",
            "  JMH       benchmark (HeapBench.pair), each parameter by its name (contender, size...), threads, mode",
            "  mtbench   bench, contender, threads",
            "  replay    trace, allocator",
            "  all       metric; and file (the file's label) when there are several files",
            "metrics (--metric): JMH score; mtbench speed, peak_rss; replay kops_per_s, utilization,",
            "  rss_utilization, peak_rss_bytes, peak_footprint_bytes, peak_live_bytes, seconds",
            "examples:",
            "  jalloc plot heap.csv --out heap.svg",
            "  jalloc plot run1.csv run2.csv --label 'run 1' --label 'run 2' --scale log --out levels.svg",
            "  jalloc plot heap.csv --where contender='jalloc.*|mimalloc.*' --group-by size --out pairs.svg",
            "  jalloc plot replay.txt --metric kops_per_s,rss_utilization --scale auto --out replay.svg"})
public final class PlotCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "a results file: JMH CSV, mtbench CSV or replay "
            + "table")
    private List<Path> files;

    @Option(names = "--out", paramLabel = "FIGURE.svg", description = "write the figure to this file (needed)")
    private Path out;

    @Option(names = "--title", paramLabel = "TEXT", description = "the figure's title (default: the files' names)")
    private String title;

    @Option(names = "--caption", paramLabel = "TEXT", description = "a line under the chart: the command, the date, "
            + "the machine; repeat for more lines (a last line names the files)")
    private List<String> caption = new ArrayList<>();

    @Option(names = "--chart-by", paramLabel = "KEY", split = ",", description = "a panel per value of these keys "
            + "('none': one panel; default: benchmark, or bench and metric, or metric)")
    private List<String> chartBy;

    @Option(names = "--group-by", paramLabel = "KEY", split = ",", description = "groups by these keys (default: "
            + "every other key whose value varies within a panel)")
    private List<String> groupBy;

    @Option(names = "--series-by", paramLabel = "KEY", description = "a colour per value of KEY ('none': one "
            + "colour; default: contender or allocator)")
    private String seriesBy;

    @Option(names = "--where", paramLabel = "KEY=REGEX", description = "plot only values whose KEY matches REGEX "
            + "whole; repeat for more keys")
    private Map<String, String> where = new LinkedHashMap<>();

    @Option(names = "--metric", paramLabel = "NAME", split = ",", description = "the metrics to chart (default: "
            + "score; speed; kops_per_s, utilization, rss_utilization, peak_rss_bytes)")
    private List<String> metrics;

    @Option(names = "--scale", paramLabel = "SCALE", converter = Scales.class, completionCandidates = Scales.class,
            description = "linear (from 0), log, or auto (log where a panel's values span over "
                    + FigurePlan.AUTO_LOG_SPAN + "x; ratios stay linear) (default: linear)")
    private ScaleChoice scale = ScaleChoice.LINEAR;

    @Option(names = "--log", description = "the same as --scale log")
    private boolean log;

    @Option(names = "--orientation", paramLabel = "WAY", converter = Orientations.class,
            completionCandidates = Orientations.class, description = "horizontal (bars across), vertical, or auto "
            + "(upright where a panel has over " + FigureSvg.MANY_BARS + " bars and short labels) (default: auto)")
    private Orientation orientation = Orientation.AUTO;

    @Option(names = "--label", paramLabel = "NAME", description = "the label of each file, in order (default: its "
            + "name without what all the names share)")
    private List<String> labels = new ArrayList<>();

    @Option(names = "--rename", paramLabel = "VALUE=NAME", description = "show NAME instead of VALUE (a contender, "
            + "a parameter's value, a trace...); repeat for more")
    private Map<String, String> rename = new LinkedHashMap<>();

    @Option(names = "--secondary", description = "also plot JMH's secondary results (-prof gc's :gc.alloc.rate...)")
    private boolean secondary;

    @Mixin
    private HelpOption help;

    private final PrintStream stdout;
    private final PrintStream err;

    private PlotCommand(PrintStream stdout, PrintStream err) {
        this.stdout = stdout;
        this.err = err;
    }

    /** {@return the command for {@code jalloc}'s tree}: its report on {@code stdout}, errors on {@code err} */
    public static CommandLine commandLine(PrintStream stdout, PrintStream err) {
        return new CommandLine(new PlotCommand(stdout, err));
    }

    /**
     * Runs the command alone (as {@code jalloc plot ARGS} does).
     *
     * @return the exit status
     */
    public static int run(String[] args, PrintStream stdout, PrintStream err) {
        return Cli.runAlone(commandLine(stdout, err), args, stdout, err);
    }

    /** {@return the exit status}, once the options are parsed */
    @Override
    public Integer call() {
        if (out == null) {
            throw usage("give --out FIGURE.svg");
        }
        if (!labels.isEmpty() && labels.size() != files.size()) {
            throw usage("--label: " + labels.size() + " labels for " + files.size() + " files (expected: one per "
                    + "file, in order)");
        }
        Map<String, Pattern> filters = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : where.entrySet()) {
            try {
                filters.put(entry.getKey(), Pattern.compile(entry.getValue()));
            } catch (PatternSyntaxException e) {
                throw usage("--where: '" + entry.getKey() + "=" + entry.getValue() + "' (expected: KEY=REGEX, a Java "
                        + "regular expression: " + e.getDescription() + ")");
            }
        }
        List<String> chart = chartBy == null ? null : chartBy.equals(List.of("none")) ? List.of() : chartBy;
        List<String> lines = new ArrayList<>(caption);
        lines.add("data: " + String.join(", ", files.stream().map(Path::toString).toList()));
        PlotSpec plotSpec = new PlotSpec(title, lines, chart, groupBy, seriesBy, filters, metrics,
                log ? ScaleChoice.LOG : scale, secondary, labels, rename);
        Figure figure;
        try {
            List<Source> sources = new ArrayList<>();
            for (Path file : files) {
                sources.add(Source.read(file));
            }
            figure = FigurePlan.figure(sources, plotSpec);
        } catch (PlotFormatException e) {
            err.println("jalloc plot: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("jalloc plot: cannot read: " + e);
            return 1;
        }
        try {
            FigureSvg.write(figure, orientation, out);
        } catch (IOException e) {
            err.println("jalloc plot: " + out + ": cannot write: " + e);
            return 1;
        }
        hintLog(figure);
        long bars = figure.panels().stream().mapToLong(p -> p.bars().size()).sum();
        stdout.println("jalloc plot: wrote " + out + " (" + figure.panels().size() + " panel"
                + (figure.panels().size() == 1 ? "" : "s") + ", " + bars + " bars, " + size(out) + ")");
        return 0;
    }

    /** Says on stderr which linear panels span so much that a log scale would read better. */
    private void hintLog(Figure figure) {
        for (Figure.Panel panel : figure.panels()) {
            if (panel.scale() != Figure.Scale.LINEAR || panel.quantity() == Quantity.RATIO) {
                continue;
            }
            double min = panel.bars().stream().mapToDouble(Figure.Bar::value).filter(v -> v > 0).min().orElse(1);
            double max = panel.bars().stream().mapToDouble(Figure.Bar::value).filter(v -> v > 0).max().orElse(1);
            if (max / min > FigurePlan.AUTO_LOG_SPAN) {
                err.printf(Locale.ROOT, "jalloc plot: panel '%s': its values span %,.0f times; --scale auto or log "
                        + "may read better%n", panel.title(), max / min);
            }
        }
    }

    private ParameterException usage(String problem) {
        return new ParameterException(spec.commandLine(), problem);
    }

    private static String size(Path file) {
        try {
            return (Files.size(file) + 1023) / 1024 + " KiB";
        } catch (IOException e) {
            return "size unknown";
        }
    }

    /** {@code --scale}: linear, log or auto; the names completion offers. */
    static final class Scales implements ITypeConverter<ScaleChoice>, Iterable<String> {
        @Override
        public ScaleChoice convert(String value) {
            return lowerCase(ScaleChoice.class, value);
        }

        @Override
        public Iterator<String> iterator() {
            return names(ScaleChoice.class);
        }
    }

    /** {@code --orientation}: horizontal, vertical or auto; the names completion offers. */
    static final class Orientations implements ITypeConverter<Orientation>, Iterable<String> {
        @Override
        public Orientation convert(String value) {
            return lowerCase(Orientation.class, value);
        }

        @Override
        public Iterator<String> iterator() {
            return names(Orientation.class);
        }
    }

    private static <E extends Enum<E>> E lowerCase(Class<E> type, String value) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().toLowerCase(Locale.ROOT).equals(value)) {
                return constant;
            }
        }
        throw new TypeConversionException("'" + value + "' (expected: one of "
                + String.join(", ", Stream.of(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT))
                .toList()) + ")");
    }

    private static <E extends Enum<E>> Iterator<String> names(Class<E> type) {
        return Stream.of(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).iterator();
    }
}
