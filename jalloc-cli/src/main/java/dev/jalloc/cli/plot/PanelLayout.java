package dev.jalloc.cli.plot;

import dev.jalloc.cli.plot.Figure.Bar;
import dev.jalloc.cli.plot.Figure.Group;
import dev.jalloc.cli.plot.Figure.Panel;
import dev.jalloc.cli.plot.Figure.Scale;
import java.util.List;
import java.util.Map;

/**
 * How one panel is laid out and drawn, bars across ({@link HorizontalPanel}) or upright ({@link VerticalPanel}):
 * what both share. Every drawn value carries {@code class} and {@code data-} attributes naming what it is
 * ({@code bar}, {@code dot}, {@code whisker}, {@code missing}, {@code value}), its series and its group, so that
 * a test (or a reader of the source) can find it.
 * <ul>
 *   <li>A measured value on a linear axis is a bar from 0, at least {@value #MIN_LENGTH} pixels long so that a
 *       value too small to see (a utilization of 0.001) is still there in its colour, unlike a missing one; on a
 *       log axis a dot (a length from an arbitrary low end would mean nothing).</li>
 *   <li>A whisker spans value ± error, with caps; a low end below the axis' is cut at it, without its cap, and
 *       marked with an arrowhead.</li>
 *   <li>A missing value is the words "no value" where the bar would start: never a bar of length 0.</li>
 * </ul>
 */
abstract sealed class PanelLayout permits HorizontalPanel, VerticalPanel {
    static final double TICK_FONT = 11;
    static final double LABEL_FONT = 12;
    static final double VALUE_FONT = 10.5;
    static final String INK = "#222222";
    static final String GREY = "#666666";
    static final String GRID = "#d9d9d9";
    static final String MINOR_GRID = "#efefef";
    static final String BAND = "#f5f5f5";
    static final String NO_VALUE = "no value";
    static final double MIN_LENGTH = 2;

    final Panel panel;
    final Axis axis;
    final Map<String, String> colours;
    final double left;
    final double right;
    private final double largest;

    PanelLayout(Panel panel, Axis axis, Map<String, String> colours, double left, double right) {
        this.panel = panel;
        this.largest = panel.bars().stream().filter(Bar::isMeasured).mapToDouble(b -> Math.abs(b.value())).max()
                .orElse(0);
        this.axis = axis;
        this.colours = colours;
        this.left = left;
        this.right = right;
    }

    /** {@return the panel's height in pixels, its title not included} */
    abstract double height();

    /** Draws the panel with its top at {@code top}. */
    abstract void draw(Svg svg, double top);

    /** {@return the most bars a group of the panel has} */
    int barsPerGroup() {
        return panel.groups().stream().mapToInt(g -> g.bars().size()).max().orElse(1);
    }

    /** {@return the label printed beside a bar: its value (and error), or nothing for a missing one} */
    String valueLabel(Bar bar) {
        return bar.isMeasured() ? panel.quantity().format(bar.value(), bar.error(), largest) : "";
    }

    /** {@return the widest value label of the panel, in pixels} */
    double widestValueLabel() {
        double widest = 0;
        for (Bar bar : panel.bars()) {
            widest = Math.max(widest, TextMetrics.width(valueLabel(bar), VALUE_FONT, false));
        }
        return widest;
    }

    /** {@return the attributes that name a drawn value: its kind, series and group} */
    static String names(String kind, Bar bar, Group group) {
        return Svg.attr("class", kind) + " " + Svg.attr("data-series", bar.series()) + " "
                + Svg.attr("data-group", group.label())
                + (bar.isMeasured() ? " " + Svg.attr("data-value", Double.toString(bar.value())) : "");
    }

    /** {@return whether values are dots (log axis) rather than bars} */
    boolean dots() {
        return panel.scale() == Scale.LOG;
    }

    /** {@return the tick labels that can be printed without overlapping, at their positions} */
    static boolean[] printable(List<Axis.Tick> ticks, double[] positions, double[] widths, double gap) {
        boolean[] print = new boolean[ticks.size()];
        double lastEnd = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < ticks.size(); i++) {
            if (ticks.get(i).label().isEmpty()) {
                continue;
            }
            double start = positions[i] - widths[i] / 2;
            if (start >= lastEnd + gap) {
                print[i] = true;
                lastEnd = positions[i] + widths[i] / 2;
            }
        }
        return print;
    }

    /**
     * Draws a whisker across or upright: from {@code from} to {@code to} along the value axis, at {@code across} on
     * the other, caps {@code cap} pixels long; {@code cut} when its low end was cut at the axis.
     */
    static void whisker(Svg svg, boolean horizontal, double from, double to, double across, double cap, boolean cut,
                        String attributes) {
        svg.group(attributes);
        if (horizontal) {
            svg.line(from, across, to, across, INK, 1.2, null, null);
            svg.line(to, across - cap / 2, to, across + cap / 2, INK, 1.2, null, null);
            if (cut) {
                svg.polygon(INK, null, from, across, from + 5, across - 3, from + 5, across + 3);
            } else {
                svg.line(from, across - cap / 2, from, across + cap / 2, INK, 1.2, null, null);
            }
        } else {
            svg.line(across, from, across, to, INK, 1.2, null, null);
            svg.line(across - cap / 2, to, across + cap / 2, to, INK, 1.2, null, null);
            if (cut) {
                svg.polygon(INK, null, across, from, across - 3, from - 5, across + 3, from - 5);
            } else {
                svg.line(across - cap / 2, from, across + cap / 2, from, INK, 1.2, null, null);
            }
        }
        svg.end();
    }
}
