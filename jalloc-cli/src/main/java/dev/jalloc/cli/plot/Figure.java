package dev.jalloc.cli.plot;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * What a chart shows, before it is drawn: a title, panels stacked one above the other, each a grouped bar chart
 * on an axis of its own, one legend for all (every series of every panel, in order of first appearance), and the
 * caption's lines (where the numbers come from: the command, the date, the machine). {@link FigureSvg} draws it.
 *
 * @param title the figure's title
 * @param caption lines printed small under the panels, in order (may be empty)
 * @param panels the panels, top to bottom (at least one)
 */
public record Figure(String title, List<String> caption, List<Panel> panels) {
    public Figure {
        Objects.requireNonNull(title, "title");
        caption = List.copyOf(caption);
        panels = List.copyOf(panels);
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("panels: [] (expected: at least one panel)");
        }
    }

    /** {@return every series of every panel, in order of first appearance: the legend's entries} */
    public List<String> series() {
        LinkedHashSet<String> series = new LinkedHashSet<>();
        for (Panel panel : panels) {
            for (Group group : panel.groups()) {
                for (Bar bar : group.bars()) {
                    series.add(bar.series());
                }
            }
        }
        return new ArrayList<>(series);
    }

    /** How a panel's value axis maps values to lengths. */
    public enum Scale {
        /** From 0, proportional: a bar's length is its value. */
        LINEAR,
        /** Logarithmic: equal ratios are equal distances; values are drawn as dots, since a length means nothing. */
        LOG
    }

    /** Which way a panel's values are better, said in its axis label. */
    public enum Better {
        LOWER("lower is better"), HIGHER("higher is better"), NEITHER("");

        private final String words;

        Better(String words) {
            this.words = words;
        }

        /** {@return "lower is better", "higher is better" or ""} */
        public String words() {
            return words;
        }
    }

    /**
     * One grouped bar chart.
     *
     * @param title the panel's title (may be empty when the figure has one panel)
     * @param unit the values' unit as the axis label names it ({@code ns/op}, {@code kops/s}, {@code bytes})
     * @param quantity how the values print
     * @param better which way is better
     * @param scale the value axis
     * @param groups the groups, top to bottom (or left to right)
     */
    public record Panel(String title, String unit, Quantity quantity, Better better, Scale scale, List<Group> groups) {
        public Panel {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(quantity, "quantity");
            Objects.requireNonNull(better, "better");
            Objects.requireNonNull(scale, "scale");
            groups = List.copyOf(groups);
        }

        /** {@return the bars of every group} */
        public List<Bar> bars() {
            return groups.stream().flatMap(g -> g.bars().stream()).toList();
        }

        /** {@return the axis label: the unit, which way is better, and "log scale" when it is logarithmic} */
        public String axisLabel() {
            String label = unit;
            if (!better.words().isEmpty()) {
                label += label.isEmpty() ? better.words() : ", " + better.words();
            }
            if (scale == Scale.LOG) {
                label += label.isEmpty() ? "log scale" : ", log scale";
            }
            return label;
        }
    }

    /**
     * The bars of one category, one per series.
     *
     * @param label the category's label (wrapped where long)
     * @param bars its bars, in the series' order
     */
    public record Group(String label, List<Bar> bars) {
        public Group {
            Objects.requireNonNull(label, "label");
            bars = List.copyOf(bars);
        }
    }

    /**
     * One value of one series in one group.
     *
     * @param series the series' name (the legend's entry, the colour's key)
     * @param value the value; NaN when it was not measured (drawn as missing, never as 0)
     * @param error the half-width of its error interval (JMH's 99.9 % error); NaN for none (no whisker)
     */
    public record Bar(String series, double value, double error) {
        public Bar {
            Objects.requireNonNull(series, "series");
            if (!Double.isNaN(error) && (error < 0 || Double.isInfinite(error))) {
                throw new IllegalArgumentException("error: " + error + " (expected: a finite value >= 0, or NaN)");
            }
            if (Double.isInfinite(value)) {
                throw new IllegalArgumentException("value: " + value + " (expected: a finite value, or NaN)");
            }
        }

        /** {@return a bar with no value: drawn as missing} */
        public static Bar missing(String series) {
            return new Bar(series, Double.NaN, Double.NaN);
        }

        /** {@return whether the bar has a value} */
        public boolean isMeasured() {
            return !Double.isNaN(value);
        }

        /** {@return whether the bar has a whisker: a value and a finite error} */
        public boolean hasError() {
            return isMeasured() && !Double.isNaN(error);
        }
    }
}
