package dev.jalloc.cli.plot;

import dev.jalloc.cli.plot.Figure.Panel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Draws a {@link Figure} as a self-contained SVG document, {@value #WIDTH} pixels wide (GitHub shows it at that
 * width in a README): the title, the legend (when there are two series or more), each panel with its title, and
 * the caption. The same figure always gives the same bytes.
 * <pre>
 *   Title of the figure
 *   ■ jallocHeap  ■ glibcCritical  ■ mimallocCritical          legend: every series, one colour each
 *   Panel title
 *   [ HorizontalPanel or VerticalPanel ]                        one per panel, stacked
 *   caption line 1 (command)                                    small, grey
 *   caption line 2 (date, machine)
 * </pre>
 */
public final class FigureSvg {
    /** The figure's width in pixels. */
    public static final double WIDTH = 880;

    /** Which way a figure's bars lie. */
    public enum Orientation {
        /** Across, labels on the left: for long labels or few bars. */
        HORIZONTAL,
        /** Upright, groups side by side: for many bars with short labels. */
        VERTICAL,
        /** Upright where a panel has more than {@value FigureSvg#MANY_BARS} bars and its labels fit, across else. */
        AUTO
    }

    /** Above this many bars in a panel, {@link Orientation#AUTO} stands them upright if their labels fit. */
    static final int MANY_BARS = 36;
    private static final double PAD = 16;
    private static final double TITLE_FONT = 18;
    private static final double PANEL_FONT = 14;
    private static final double LEGEND_FONT = 12;
    private static final double CAPTION_FONT = 11;

    private FigureSvg() {
    }

    /** Writes {@code figure} to {@code file} as SVG (UTF-8), replacing it. */
    public static void write(Figure figure, Orientation orientation, Path file) throws IOException {
        Files.writeString(file, toSvg(figure, orientation), StandardCharsets.UTF_8);
    }

    /** {@return {@code figure} as an SVG document} */
    public static String toSvg(Figure figure, Orientation orientation) {
        Map<String, String> colours = Palette.colours(figure.series());
        Svg svg = new Svg();
        double right = WIDTH - PAD;
        double y = PAD;
        for (String line : TextMetrics.wrap(figure.title(), TITLE_FONT, true, right - PAD)) {
            y += TITLE_FONT + 4;
            svg.text(PAD, y, line, TITLE_FONT, PanelLayout.INK, "start", "bold", 0, Svg.attr("class", "title"));
        }
        y += 8;
        if (colours.size() > 1) {
            y = legend(svg, figure.series(), colours, y);
        }
        for (Panel panel : figure.panels()) {
            PanelLayout layout = layout(panel, orientation, colours, PAD, right);
            y += 12;
            for (String line : TextMetrics.wrap(panel.title(), PANEL_FONT, true, right - PAD)) {
                y += PANEL_FONT + 4;
                svg.text(PAD, y, line, PANEL_FONT, PanelLayout.INK, "start", "bold", 0,
                        Svg.attr("class", "panel-title"));
            }
            y += 8;
            svg.comment("panel: " + panel.title());
            layout.draw(svg, y);
            y += layout.height();
        }
        y += 6;
        for (String caption : figure.caption()) {
            for (String line : TextMetrics.wrap(caption, CAPTION_FONT, false, right - PAD)) {
                y += CAPTION_FONT + 3;
                svg.text(PAD, y, line, CAPTION_FONT, PanelLayout.GREY, "start", null, 0, Svg.attr("class", "caption"));
            }
        }
        return svg.finish(WIDTH, Math.ceil(y + PAD), figure.title());
    }

    private static PanelLayout layout(Panel panel, Orientation orientation, Map<String, String> colours, double left,
                                      double right) {
        return switch (orientation) {
            case HORIZONTAL -> new HorizontalPanel(panel, colours, left, right);
            case VERTICAL -> new VerticalPanel(panel, colours, left, right);
            case AUTO -> {
                if (panel.bars().size() > MANY_BARS) {
                    VerticalPanel upright = new VerticalPanel(panel, colours, left, right);
                    if (upright.labelsFit(3)) {
                        yield upright;
                    }
                }
                yield new HorizontalPanel(panel, colours, left, right);
            }
        };
    }

    /** Draws the legend's entries, flowing into rows; {@return the y below it} */
    private static double legend(Svg svg, List<String> series, Map<String, String> colours, double top) {
        double x = PAD;
        double y = top + 4;
        List<String> row = new ArrayList<>();
        for (String name : series) {
            double width = 16 + TextMetrics.width(name, LEGEND_FONT, false) + 18;
            if (x + width > WIDTH - PAD && !row.isEmpty()) {
                x = PAD;
                y += 18;
                row.clear();
            }
            svg.rect(x, y, 12, 12, colours.get(name), null, Svg.attr("class", "legend-swatch"));
            svg.text(x + 16, y + 10.5, name, LEGEND_FONT, PanelLayout.INK, "start", null, 0,
                    Svg.attr("class", "legend"));
            row.add(name);
            x += width;
        }
        return y + 18;
    }
}
