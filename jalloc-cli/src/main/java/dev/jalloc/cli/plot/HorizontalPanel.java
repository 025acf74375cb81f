package dev.jalloc.cli.plot;

import dev.jalloc.cli.plot.Figure.Bar;
import dev.jalloc.cli.plot.Figure.Group;
import dev.jalloc.cli.plot.Figure.Panel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A panel whose bars lie across: group labels on the left (wrapped, never cut), one row per bar, the value and its
 * error printed after each bar's end, the value axis at the bottom. Reads best where labels are long or bars few.
 * <pre>
 *   group label   ███████████████├──┤ 3.17 ± 0.13
 *                 ██████████├─┤ 2.01 ± 0.20
 *                 no value
 *                 ├──────┬──────┬──────┬──────┤
 *                 0      1      2      3      4
 *                        ns/op, lower is better
 * </pre>
 */
final class HorizontalPanel extends PanelLayout {
    private static final double MAX_LABEL_SHARE = 0.42;
    private static final double LINE = 14;
    private static final double GROUP_GAP = 10;
    private static final double BAR_GAP = 2;
    private static final double AXIS_HEIGHT = 40;

    private final double thickness;
    private final double plotLeft;
    private final double plotRight;
    private final List<List<String>> labels = new ArrayList<>();
    private final double[] groupHeights;

    HorizontalPanel(Panel panel, Map<String, String> colours, double left, double right) {
        super(panel, Axis.of(panel, 6), colours, left, right);
        int bars = barsPerGroup();
        thickness = bars == 1 ? 18 : bars <= 3 ? 14 : bars <= 6 ? 12 : 10;
        double reserve = Math.max(TextMetrics.width(NO_VALUE, VALUE_FONT, false), widestValueLabel()) + 10;
        double widest = 0;
        for (Group group : panel.groups()) {
            widest = Math.max(widest, TextMetrics.width(group.label(), LABEL_FONT, false));
        }
        double labelWidth = Math.min(widest, (right - left - reserve) * MAX_LABEL_SHARE);
        groupHeights = new double[panel.groups().size()];
        double wrappedWidest = 0;
        for (int g = 0; g < groupHeights.length; g++) {
            List<String> lines = TextMetrics.wrap(panel.groups().get(g).label(), LABEL_FONT, false, labelWidth);
            labels.add(lines);
            for (String line : lines) {
                wrappedWidest = Math.max(wrappedWidest, TextMetrics.width(line, LABEL_FONT, false));
            }
            int n = panel.groups().get(g).bars().size();
            groupHeights[g] = Math.max(n * (thickness + BAR_GAP) - BAR_GAP, lines.size() * LINE) + GROUP_GAP;
        }
        plotLeft = left + wrappedWidest + 10;
        plotRight = right - reserve;
    }

    @Override
    double height() {
        double sum = 0;
        for (double h : groupHeights) {
            sum += h;
        }
        return sum + AXIS_HEIGHT;
    }

    @Override
    void draw(Svg svg, double top) {
        double bottom = top + height() - AXIS_HEIGHT;
        double y = top;
        for (int g = 0; g < groupHeights.length; g++) {
            if (g % 2 == 1) {
                svg.rect(left, y, right - left, groupHeights[g], BAND, null, null);
            }
            y += groupHeights[g];
        }
        List<Axis.Tick> ticks = axis.ticks();
        double[] xs = new double[ticks.size()];
        double[] widths = new double[ticks.size()];
        for (int i = 0; i < ticks.size(); i++) {
            xs[i] = x(ticks.get(i).value());
            widths[i] = TextMetrics.width(ticks.get(i).label(), TICK_FONT, false);
            boolean major = !ticks.get(i).label().isEmpty();
            svg.line(xs[i], top, xs[i], bottom, major ? GRID : MINOR_GRID, 1, null, null);
        }
        y = top;
        for (int g = 0; g < groupHeights.length; g++) {
            drawGroup(svg, panel.groups().get(g), labels.get(g), y + GROUP_GAP / 2, groupHeights[g] - GROUP_GAP);
            y += groupHeights[g];
        }
        svg.line(plotLeft, bottom, plotRight, bottom, INK, 1, null, null);
        boolean[] print = printable(ticks, xs, widths, 6);
        for (int i = 0; i < ticks.size(); i++) {
            boolean major = !ticks.get(i).label().isEmpty();
            svg.line(xs[i], bottom, xs[i], bottom + (major ? 5 : 3), INK, 1, null, null);
            if (print[i]) {
                svg.text(xs[i], bottom + 17, ticks.get(i).label(), TICK_FONT, INK, "middle", null, 0,
                        Svg.attr("class", "tick"));
            }
        }
        svg.text((plotLeft + plotRight) / 2, bottom + 34, panel.axisLabel(), LABEL_FONT, INK, "middle", null, 0,
                Svg.attr("class", "axis-label"));
    }

    private void drawGroup(Svg svg, Group group, List<String> lines, double top, double inner) {
        double bars = group.bars().size() * (thickness + BAR_GAP) - BAR_GAP;
        double labelTop = top + (inner - lines.size() * LINE) / 2;
        for (int i = 0; i < lines.size(); i++) {
            svg.text(plotLeft - 8, labelTop + LINE * i + 11, lines.get(i), LABEL_FONT, INK, "end", null, 0,
                    Svg.attr("class", "group-label"));
        }
        double y = top + (inner - bars) / 2;
        for (Bar bar : group.bars()) {
            double centre = y + thickness / 2;
            double zero = x(axis.low());
            if (!bar.isMeasured()) {
                svg.text(zero + 4, centre + 4, NO_VALUE, VALUE_FONT, GREY, "start", "italic", 0,
                        names("missing", bar, group));
                y += thickness + BAR_GAP;
                continue;
            }
            String colour = colours.get(bar.series());
            double end = x(bar.value());
            if (!dots()) {
                svg.rect(zero, y, Math.max(MIN_LENGTH, end - zero), thickness, colour, null, names("bar", bar, group));
            }
            double labelAt = end;
            if (bar.hasError()) {
                double low = bar.value() - bar.error();
                double to = x(bar.value() + bar.error());
                whisker(svg, true, x(low), to, centre, thickness * 0.7, axis.below(low) || low <= 0 && dots(),
                        names("whisker", bar, group));
                labelAt = to;
            }
            if (dots()) {
                boolean zeroOnLog = bar.value() <= 0;
                svg.circle(end, centre, Math.min(5, thickness / 2), zeroOnLog ? "none" : colour, zeroOnLog ? colour
                        : INK, names("dot", bar, group));
                labelAt = Math.max(labelAt, end + 2);
            }
            svg.text(labelAt + (dots() ? 7 : 4), centre + 3.8, valueLabel(bar), VALUE_FONT, INK, "start", null, 0,
                    names("value", bar, group));
            y += thickness + BAR_GAP;
        }
    }

    private double x(double value) {
        return plotLeft + axis.fraction(value) * (plotRight - plotLeft);
    }
}
