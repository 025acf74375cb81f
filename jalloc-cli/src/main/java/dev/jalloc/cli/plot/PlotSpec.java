package dev.jalloc.cli.plot;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What {@code jalloc plot}'s options (or {@code jalloc replay --plot}) ask of a figure. A null list or key means
 * "the default of the files' kind" ({@link Source.Format}).
 *
 * @param title the figure's title; null for one made from the files' names
 * @param caption the caption's lines (the command, the date, the machine)
 * @param chartBy the keys a panel is made for each value of; null for the default; empty for one panel
 * @param groupBy the keys whose values are the groups; null for every other key that varies within a panel
 * @param seriesBy the key whose values are the series (the colours); null for the default; {@value #NONE} for one
 *        series
 * @param where per key, a regular expression its value must match whole for a value to be plotted
 * @param metrics the metrics to chart; null for the default
 * @param scale how each panel's axis is chosen
 * @param secondary whether JMH's secondary results ({@code :gc.alloc.rate}...) are plotted
 * @param labels the files' labels (their {@code file} key), in order; empty for labels made from their names
 * @param rename values of any key (a contender, a parameter's value, a trace) and the names to show instead
 */
public record PlotSpec(String title, List<String> caption, List<String> chartBy, List<String> groupBy, String seriesBy,
                       Map<String, Pattern> where, List<String> metrics, ScaleChoice scale, boolean secondary,
                       List<String> labels, Map<String, String> rename) {
    /** The series key that means "one series". */
    public static final String NONE = "none";

    public PlotSpec {
        caption = List.copyOf(caption);
        chartBy = chartBy == null ? null : List.copyOf(chartBy);
        groupBy = groupBy == null ? null : List.copyOf(groupBy);
        where = Map.copyOf(where);
        metrics = metrics == null ? null : List.copyOf(metrics);
        Objects.requireNonNull(scale, "scale");
        labels = List.copyOf(labels);
        rename = Map.copyOf(rename);
    }

    /** {@return the defaults of everything, with {@code title}, {@code caption} and {@code scale}} */
    public static PlotSpec defaults(String title, List<String> caption, ScaleChoice scale) {
        return new PlotSpec(title, caption, null, null, null, Map.of(), null, scale, false, List.of(), Map.of());
    }

    /** How a panel's value axis is chosen. */
    public enum ScaleChoice {
        /** Linear from 0, always. */
        LINEAR,
        /** Logarithmic, for every panel but those of ratios. */
        LOG,
        /** Logarithmic where a panel's positive values span more than {@value FigurePlan#AUTO_LOG_SPAN} times, but
         *  not for ratios; linear elsewhere. */
        AUTO
    }
}
