package dev.jalloc.cli.plot;

import dev.jalloc.cli.plot.Figure.Bar;
import dev.jalloc.cli.plot.Figure.Group;
import dev.jalloc.cli.plot.Figure.Panel;
import dev.jalloc.cli.plot.Figure.Scale;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the measurements of one or more results files into a {@link Figure}, as a {@link PlotSpec} asks:
 * <ol>
 *   <li>the files must be of one kind; with several, each measurement gets the key {@code file}, its file's label
 *       (given, or the file's name without what all the names share);</li>
 *   <li>keep the metrics asked for, JMH's secondary results only if asked, and what {@code where} lets through
 *       (matching the values as the files have them), then rename the values {@code rename} names;</li>
 *   <li>one panel per distinct value of the chart keys and unit (a panel never mixes units), in order of first
 *       appearance; in each, one group per distinct value of the group keys, one bar per series in each group:
 *       a series a group lacks is a missing bar, drawn as such;</li>
 *   <li>two measurements that would be one bar are refused, naming the key they differ in.</li>
 * </ol>
 * A label part is the bare value for the keys that name themselves ({@link #BARE}), {@code key=value} for the
 * others ({@code size=16}, {@code threads=2}). Where a panel's groups are benchmarks of one class, their labels
 * drop the class ({@code pair}, not {@code HeapBench.pair}) and the panel's title names it.
 */
public final class FigurePlan {
    /** {@link PlotSpec.ScaleChoice#AUTO} makes a panel logarithmic when its values span more than this many times. */
    public static final int AUTO_LOG_SPAN = 100;
    /** The keys whose values are printed bare in labels. */
    static final Set<String> BARE = Set.of("benchmark", "bench", "trace", "allocator", "contender",
            Measurement.FILE, "metric");
    private static final String SEPARATOR = " \u00b7 ";

    private FigurePlan() {
    }

    /**
     * {@return the figure of a {@code jalloc replay} table (plain or CSV) as {@code spec} asks}: what
     * {@code jalloc replay --plot} draws
     *
     * @param name the table's name, for messages
     * @param table the table's text, as the replay prints it
     * @throws PlotFormatException if the text is not such a table, or {@code spec} does not fit it
     */
    public static Figure ofReplayTable(String name, String table, PlotSpec spec) throws PlotFormatException {
        Source source = Source.parse(name, table);
        if (source.format() != Source.Format.REPLAY) {
            throw new PlotFormatException(name + ": " + name(source.format()) + " (expected: a replay table)");
        }
        return figure(List.of(source), spec);
    }

    /** {@return the figure of {@code sources} as {@code spec} asks} */
    static Figure figure(List<Source> sources, PlotSpec spec) throws PlotFormatException {
        Source.Format format = sources.getFirst().format();
        for (Source source : sources) {
            if (source.format() != format) {
                throw new PlotFormatException(source.name() + ": " + name(source.format()) + " among "
                        + name(format) + " files (expected: files of one kind)");
            }
        }
        List<String> labels = spec.labels().isEmpty() ? labels(sources) : spec.labels();
        List<Measurement> all = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            for (Measurement m : sources.get(i).measurements()) {
                all.add(sources.size() > 1 ? m.with(Measurement.FILE, labels.get(i)) : m);
            }
        }
        List<String> keys = keys(all);
        List<Measurement> kept = renamed(filter(all, keys, format, spec), spec.rename());
        List<String> chartKeys = spec.chartBy() != null ? checked(spec.chartBy(), keys, "--chart-by")
                : format.chartKeys().stream().filter(keys::contains).toList();
        String seriesKey = spec.seriesBy() != null ? spec.seriesBy() : keys.contains(format.seriesKey())
                ? format.seriesKey() : PlotSpec.NONE;
        if (!seriesKey.equals(PlotSpec.NONE)) {
            checked(List.of(seriesKey), keys, "--series-by");
        }
        List<String> groupBy = spec.groupBy() == null ? null : checked(spec.groupBy(), keys, "--group-by");
        List<String> series = distinct(kept, seriesKey);
        Map<String, List<Measurement>> byPanel = new LinkedHashMap<>();
        for (Measurement m : kept) {
            byPanel.computeIfAbsent(label(m, chartKeys, true) + "\u0000" + m.metric().unit(), k -> new ArrayList<>())
                    .add(m);
        }
        List<Panel> panels = new ArrayList<>();
        for (List<Measurement> members : byPanel.values()) {
            panels.add(panel(members, keys, chartKeys, groupBy, seriesKey, series, spec.scale()));
        }
        String title = spec.title() != null ? spec.title()
                : String.join(", ", sources.stream().map(Source::name).toList());
        return new Figure(title, spec.caption(), panels);
    }

    /** {@return the files' labels made from their names: without the extension and what all names share} */
    static List<String> labels(List<Source> sources) {
        List<String> names = new ArrayList<>();
        for (Source source : sources) {
            String name = source.name();
            int dot = name.lastIndexOf('.');
            names.add(dot > 0 ? name.substring(0, dot) : name);
        }
        if (names.size() < 2 || new LinkedHashSet<>(names).size() < names.size()) {
            return names;
        }
        String first = names.getFirst();
        int prefix = first.length();
        int suffix = first.length();
        for (String name : names) {
            prefix = Math.min(prefix, common(first, name, false));
            suffix = Math.min(suffix, common(first, name, true));
        }
        while (prefix > 0 && "-_.".indexOf(first.charAt(prefix - 1)) < 0) {
            prefix--;
        }
        while (suffix > 0 && "-_.".indexOf(first.charAt(first.length() - suffix)) < 0) {
            suffix--;
        }
        List<String> labels = new ArrayList<>();
        for (String name : names) {
            int end = name.length() - suffix;
            labels.add(end > prefix ? name.substring(prefix, end) : name);
        }
        return new LinkedHashSet<>(labels).size() == labels.size() ? labels : names;
    }

    private static Panel panel(List<Measurement> members, List<String> keys, List<String> chartKeys,
                               List<String> groupBy, String seriesKey, List<String> allSeries,
                               PlotSpec.ScaleChoice scaleChoice) throws PlotFormatException {
        Measurement first = members.getFirst();
        Metric metric = first.metric();
        List<String> groupKeys = new ArrayList<>();
        if (groupBy != null) {
            groupKeys.addAll(groupBy);
        } else {
            for (String key : keys) {
                if (!chartKeys.contains(key) && !key.equals(seriesKey) && distinct(members, key).size() > 1) {
                    groupKeys.add(key);
                }
            }
        }
        List<String> series = new ArrayList<>(allSeries);
        Set<String> present = new LinkedHashSet<>(distinct(members, seriesKey));
        series.retainAll(present);
        String shared = groupKeys.contains("benchmark") ? sharedClass(members) : "";
        Map<String, Map<String, Measurement>> cells = new LinkedHashMap<>();
        for (Measurement m : members) {
            String group = label(m, groupKeys, false);
            if (!shared.isEmpty() && group.startsWith(shared)) {
                group = group.substring(shared.length());
            }
            Map<String, Measurement> row = cells.computeIfAbsent(group, k -> new LinkedHashMap<>());
            String s = seriesOf(m, seriesKey);
            Measurement before = row.put(s, m);
            if (before != null) {
                throw new PlotFormatException("two values for one bar (panel '" + label(m, chartKeys, true)
                        + "', group '" + label(m, groupKeys, false) + "', series '" + s + "'): they differ in "
                        + differences(before, m) + " (expected: that key in --chart-by, --group-by or --series-by, "
                        + "or one of them left out with --where)");
            }
        }
        List<Group> groups = new ArrayList<>();
        for (Map.Entry<String, Map<String, Measurement>> row : cells.entrySet()) {
            List<Bar> bars = new ArrayList<>();
            for (String s : series) {
                Measurement m = row.getValue().get(s);
                bars.add(m == null ? Bar.missing(s) : new Bar(s, m.value(), m.error()));
            }
            groups.add(new Group(row.getKey(), bars));
        }
        if (groups.size() == 1 && groups.getFirst().label().isEmpty() && series.size() > 1) {
            List<Group> one = new ArrayList<>();
            for (Bar bar : groups.getFirst().bars()) {
                one.add(new Group(bar.series(), List.of(bar)));
            }
            groups = one;
        }
        List<String> parts = new ArrayList<>();
        for (String key : chartKeys) {
            String part = key.equals("metric") ? metric.title() : label(first, List.of(key), false);
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        if (!shared.isEmpty()) {
            parts.add(shared.substring(0, shared.length() - 1));
        }
        String title = String.join(SEPARATOR, parts);
        return new Panel(title, metric.unit(), metric.quantity(), metric.better(), scale(members, metric,
                scaleChoice), groups);
    }

    /**
     * {@return "HeapBench." when every benchmark of a panel whose groups are benchmarks is of that one class (the
     * groups' labels then go without it, and the panel's title says it once), else ""}
     */
    private static String sharedClass(List<Measurement> members) {
        String shared = null;
        for (Measurement m : members) {
            String benchmark = m.key("benchmark");
            int dot = benchmark.indexOf('.');
            String type = dot < 0 ? "" : benchmark.substring(0, dot + 1);
            if (shared == null) {
                shared = type;
            } else if (!shared.equals(type)) {
                return "";
            }
        }
        return shared == null ? "" : shared;
    }

    private static Scale scale(List<Measurement> members, Metric metric, PlotSpec.ScaleChoice choice) {
        if (choice == PlotSpec.ScaleChoice.LINEAR || metric.quantity() == Quantity.RATIO) {
            return Scale.LINEAR;
        }
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (Measurement m : members) {
            if (m.value() > 0) {
                min = Math.min(min, m.value());
                max = Math.max(max, m.value());
            }
        }
        if (max == 0) {
            return Scale.LINEAR;
        }
        return choice == PlotSpec.ScaleChoice.LOG || max / min > AUTO_LOG_SPAN ? Scale.LOG : Scale.LINEAR;
    }

    private static List<Measurement> filter(List<Measurement> all, List<String> keys, Source.Format format,
                                            PlotSpec spec) throws PlotFormatException {
        Set<String> metricsThere = new LinkedHashSet<>();
        for (Measurement m : all) {
            metricsThere.add(m.metric().name());
        }
        List<String> metrics;
        if (spec.metrics() != null) {
            for (String metric : spec.metrics()) {
                if (!metricsThere.contains(metric)) {
                    throw new PlotFormatException("--metric: '" + metric + "' (expected: one of "
                            + String.join(", ", metricsThere) + ")");
                }
            }
            metrics = spec.metrics();
        } else {
            metrics = format.metrics().stream().filter(metricsThere::contains).toList();
        }
        for (String key : spec.where().keySet()) {
            checked(List.of(key), keys, "--where");
        }
        List<Measurement> kept = new ArrayList<>();
        for (Measurement m : all) {
            if (!metrics.contains(m.metric().name())
                    || !spec.secondary() && format == Source.Format.JMH && m.key("benchmark").contains(":")) {
                continue;
            }
            boolean pass = true;
            for (Map.Entry<String, Pattern> where : spec.where().entrySet()) {
                pass &= where.getValue().matcher(m.key(where.getKey())).matches();
            }
            if (pass) {
                kept.add(m);
            }
        }
        if (kept.isEmpty()) {
            throw new PlotFormatException("nothing to plot: no value is left after the filters (metrics "
                    + metrics + (spec.where().isEmpty() ? "" : ", --where " + spec.where().keySet()) + ")");
        }
        // A panel per metric must follow the metrics' order as asked, not the file's column order.
        List<Measurement> ordered = new ArrayList<>();
        for (String metric : metrics) {
            for (Measurement m : kept) {
                if (m.metric().name().equals(metric)) {
                    ordered.add(m);
                }
            }
        }
        return ordered;
    }

    /** {@return the measurements with every key's value that {@code rename} names replaced by its new name} */
    private static List<Measurement> renamed(List<Measurement> measurements, Map<String, String> rename) {
        if (rename.isEmpty()) {
            return measurements;
        }
        List<Measurement> renamed = new ArrayList<>();
        for (Measurement m : measurements) {
            Measurement r = m;
            for (Map.Entry<String, String> key : m.keys().entrySet()) {
                String to = rename.get(key.getValue());
                if (to != null) {
                    r = r.with(key.getKey(), to);
                }
            }
            renamed.add(r);
        }
        return renamed;
    }

    /** {@return every key of the measurements, in order of first appearance, and "metric"} */
    private static List<String> keys(List<Measurement> all) {
        Set<String> keys = new LinkedHashSet<>();
        for (Measurement m : all) {
            keys.addAll(m.keys().keySet());
        }
        keys.add("metric");
        return new ArrayList<>(keys);
    }

    private static List<String> checked(List<String> asked, List<String> keys, String option)
            throws PlotFormatException {
        for (String key : asked) {
            if (!keys.contains(key)) {
                throw new PlotFormatException(option + ": no key '" + key + "' in these files (expected: one of "
                        + String.join(", ", keys) + ")");
            }
        }
        return asked;
    }

    private static List<String> distinct(List<Measurement> measurements, String key) {
        Set<String> values = new LinkedHashSet<>();
        for (Measurement m : measurements) {
            values.add(seriesOf(m, key));
        }
        return new ArrayList<>(values);
    }

    private static String seriesOf(Measurement m, String seriesKey) {
        return seriesKey.equals(PlotSpec.NONE) ? m.metric().name() : m.key(seriesKey);
    }

    private static String label(Measurement m, List<String> keys, boolean withMetric) {
        List<String> parts = new ArrayList<>();
        for (String key : keys) {
            String value = m.key(key);
            if (value.isEmpty() || key.equals("metric") && !withMetric) {
                continue;
            }
            parts.add(BARE.contains(key) ? value : key + "=" + value);
        }
        return String.join(SEPARATOR, parts);
    }

    private static String differences(Measurement a, Measurement b) {
        List<String> keys = new ArrayList<>();
        for (String key : a.keys().keySet()) {
            if (!a.key(key).equals(b.key(key))) {
                keys.add(key);
            }
        }
        return keys.isEmpty() ? "nothing (the same values twice)" : String.join(", ", keys);
    }

    private static int common(String a, String b, boolean fromEnd) {
        int n = 0;
        while (n < a.length() && n < b.length()
                && (fromEnd ? a.charAt(a.length() - 1 - n) == b.charAt(b.length() - 1 - n)
                        : a.charAt(n) == b.charAt(n))) {
            n++;
        }
        return n;
    }

    private static String name(Source.Format format) {
        return switch (format) {
            case JMH -> "a JMH CSV";
            case MTBENCH -> "an mtbench CSV";
            case REPLAY -> "a replay table";
        };
    }
}
