package dev.jalloc.cli.plot;

import dev.jalloc.cli.plot.Figure.Bar;
import dev.jalloc.cli.plot.Figure.Group;
import dev.jalloc.cli.plot.Figure.Panel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A panel whose bars stand upright: the value axis on the left, groups side by side with their labels wrapped
 * under them, each bar's value printed along it above its end (turned a quarter, reading upward) where the bars are
 * wide enough for a line of text, and left to the table beside the chart otherwise. Reads best where there are many
 * bars and short group labels (traces by allocator, threads by contender).
 */
final class VerticalPanel extends PanelLayout {
    static final double PLOT_HEIGHT = 230;
    private static final double GROUP_FONT = 11;
    private static final double LINE = 13;
    private static final double MAX_THICKNESS = 26;
    private static final double LABELLED_THICKNESS = 10;

    private final double plotLeft;
    private final double slot;
    private final double thickness;
    private final double labelReserve;
    private final List<List<String>> labels = new ArrayList<>();
    private final int labelLines;

    VerticalPanel(Panel panel, Map<String, String> colours, double left, double right) {
        super(panel, Axis.of(panel, 5), colours, left, right);
        double widestTick = 0;
        for (Axis.Tick tick : axis.ticks()) {
            widestTick = Math.max(widestTick, TextMetrics.width(tick.label(), TICK_FONT, false));
        }
        int axisLines = TextMetrics.wrap(panel.axisLabel(), LABEL_FONT, false, PLOT_HEIGHT).size();
        plotLeft = left + 6 + 14 * axisLines + widestTick + 8;
        int groups = Math.max(1, panel.groups().size());
        slot = (right - plotLeft) / groups;
        int bars = barsPerGroup();
        double pad = Math.min(14, slot * 0.2);
        thickness = Math.max(2, Math.min(MAX_THICKNESS, (slot - pad) / bars - 1));
        labelReserve = thickness >= LABELLED_THICKNESS
                ? Math.max(widestValueLabel(), TextMetrics.width(NO_VALUE, 9, false)) + 8 : 8;
        int most = 1;
        for (Group group : panel.groups()) {
            List<String> lines = TextMetrics.wrap(group.label(), GROUP_FONT, false, slot - 4);
            labels.add(lines);
            most = Math.max(most, lines.size());
        }
        labelLines = most;
    }

    /** {@return whether a group's label fits its slot in {@code lines} lines or fewer} */
    boolean labelsFit(int lines) {
        return labelLines <= lines;
    }

    @Override
    double height() {
        return labelReserve + PLOT_HEIGHT + 6 + labelLines * LINE + 6;
    }

    @Override
    void draw(Svg svg, double top) {
        double plotTop = top + labelReserve;
        double bottom = plotTop + PLOT_HEIGHT;
        for (int g = 0; g < panel.groups().size(); g++) {
            if (g % 2 == 1) {
                svg.rect(plotLeft + g * slot, plotTop, slot, PLOT_HEIGHT + 6 + labelLines * LINE, BAND, null, null);
            }
        }
        List<Axis.Tick> ticks = axis.ticks();
        double[] ys = new double[ticks.size()];
        double[] heights = new double[ticks.size()];
        for (int i = 0; i < ticks.size(); i++) {
            ys[i] = -y(ticks.get(i).value(), plotTop);
            heights[i] = TICK_FONT;
            boolean major = !ticks.get(i).label().isEmpty();
            svg.line(plotLeft, -ys[i], right, -ys[i], major ? GRID : MINOR_GRID, 1, null, null);
        }
        boolean[] print = printable(ticks, ys, heights, 2);
        for (int i = 0; i < ticks.size(); i++) {
            boolean major = !ticks.get(i).label().isEmpty();
            svg.line(plotLeft - (major ? 5 : 3), -ys[i], plotLeft, -ys[i], INK, 1, null, null);
            if (print[i]) {
                svg.text(plotLeft - 8, -ys[i] + 4, ticks.get(i).label(), TICK_FONT, INK, "end", null, 0,
                        Svg.attr("class", "tick"));
            }
        }
        svg.line(plotLeft, plotTop, plotLeft, bottom, INK, 1, null, null);
        svg.line(plotLeft, bottom, right, bottom, INK, 1, null, null);
        List<String> axisLines = TextMetrics.wrap(panel.axisLabel(), LABEL_FONT, false, PLOT_HEIGHT);
        for (int i = 0; i < axisLines.size(); i++) {
            svg.text(left + 12 + i * 14, plotTop + PLOT_HEIGHT / 2, axisLines.get(i),
                    LABEL_FONT, INK, "middle", null, -90, Svg.attr("class", "axis-label"));
        }
        for (int g = 0; g < panel.groups().size(); g++) {
            drawGroup(svg, panel.groups().get(g), labels.get(g), plotLeft + g * slot, plotTop, bottom);
        }
    }

    private void drawGroup(Svg svg, Group group, List<String> lines, double slotLeft, double plotTop, double bottom) {
        double centreX = slotLeft + slot / 2;
        for (int i = 0; i < lines.size(); i++) {
            svg.text(centreX, bottom + 6 + LINE * i + 10, lines.get(i), GROUP_FONT, INK, "middle", null, 0,
                    Svg.attr("class", "group-label"));
        }
        int n = group.bars().size();
        double x = centreX - (n * (thickness + 1) - 1) / 2;
        boolean labelled = thickness >= LABELLED_THICKNESS;
        for (Bar bar : group.bars()) {
            double centre = x + thickness / 2;
            double zero = y(axis.low(), plotTop);
            if (!bar.isMeasured()) {
                svg.text(centre + 3, zero - 4, NO_VALUE, Math.min(9, thickness + 1), GREY, "start", "italic", -90,
                        names("missing", bar, group));
                x += thickness + 1;
                continue;
            }
            String colour = colours.get(bar.series());
            double end = y(bar.value(), plotTop);
            if (!dots()) {
                double length = Math.max(MIN_LENGTH, zero - end);
                svg.rect(x, zero - length, thickness, length, colour, null, names("bar", bar, group));
            }
            double labelAt = end;
            if (bar.hasError()) {
                double low = bar.value() - bar.error();
                double to = y(bar.value() + bar.error(), plotTop);
                whisker(svg, false, y(low, plotTop), to, centre, Math.max(3, thickness * 0.7),
                        axis.below(low) || low <= 0 && dots(), names("whisker", bar, group));
                labelAt = to;
            }
            if (dots()) {
                boolean zeroOnLog = bar.value() <= 0;
                svg.circle(centre, end, Math.min(5, thickness / 2 + 1), zeroOnLog ? "none" : colour,
                        zeroOnLog ? colour : INK, names("dot", bar, group));
                labelAt = Math.min(labelAt, end - 2);
            }
            if (labelled) {
                svg.text(centre + 3.8, labelAt - (dots() ? 8 : 4), valueLabel(bar), VALUE_FONT, INK, "start", null,
                        -90, names("value", bar, group));
            }
            x += thickness + 1;
        }
    }

    private double y(double value, double plotTop) {
        return plotTop + PLOT_HEIGHT - axis.fraction(value) * PLOT_HEIGHT;
    }
}
