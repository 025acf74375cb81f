package dev.jalloc.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.cli.plot.Figure.Bar;
import dev.jalloc.cli.plot.Figure.Better;
import dev.jalloc.cli.plot.Figure.Group;
import dev.jalloc.cli.plot.Figure.Panel;
import dev.jalloc.cli.plot.Figure.Scale;
import dev.jalloc.cli.plot.FigureSvg.Orientation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The SVG writer: well-formed XML in every orientation and scale, one drawn bar (or dot) per value, one whisker per
 * finite error, missing values drawn as missing, every label escaped, the same bytes for the same figure.
 */
class FigureSvgTest {
    static final String NASTY = "<script>alert('x')</script> & \"quoted\" \u0001";

    /** A figure of two panels: errors, a NaN error, a 0, a missing value, a label that needs escaping. */
    static Figure sample(Scale scale) {
        List<Group> pair = List.of(
                new Group("size=16", List.of(new Bar("jallocHeap", 3.17, 0.13), new Bar("glibcCritical", 9.28, 5.86),
                        new Bar(NASTY, 5.0, Double.NaN))),
                new Group("size=1048576 " + NASTY, List.of(new Bar("jallocHeap", 18.37, 0.61),
                        Bar.missing("glibcCritical"), new Bar(NASTY, 723.02, 17.19))));
        List<Group> window = List.of(new Group("", List.of(new Bar("jallocHeap", 13.01, 0.42),
                new Bar("glibcCritical", 0, Double.NaN), new Bar(NASTY, 9.26, 12.0))));
        return new Figure("Title " + NASTY, List.of("caption " + NASTY, "2026-12-02, 2 CPUs"), List.of(
                new Panel("HeapBench.pair", "ns/op", Quantity.NUMBER, Better.LOWER, scale, pair),
                new Panel("HeapBench.window " + NASTY, "ns/op", Quantity.NUMBER, Better.LOWER, scale, window)));
    }

    @Test
    void everyValueIsDrawnOnceAndEveryFiniteErrorHasAWhisker() throws Exception {
        for (Orientation orientation : List.of(Orientation.HORIZONTAL, Orientation.VERTICAL)) {
            for (Scale scale : Scale.values()) {
                Figure figure = sample(scale);
                Document svg = Svgs.parse(FigureSvg.toSvg(figure, orientation));
                String kind = scale == Scale.LOG ? "dot" : "bar";
                List<Bar> bars = figure.panels().stream().flatMap(p -> p.bars().stream()).toList();
                long measured = bars.stream().filter(Bar::isMeasured).count();
                long errors = bars.stream().filter(Bar::hasError).count();
                long missing = bars.stream().filter(b -> !b.isMeasured()).count();
                String where = orientation + ", " + scale;
                assertEquals(measured, Svgs.ofClass(svg, kind).size(), where + ": one " + kind + " per value");
                assertEquals(0, Svgs.ofClass(svg, scale == Scale.LOG ? "bar" : "dot").size(), where);
                assertEquals(errors, Svgs.ofClass(svg, "whisker").size(), where + ": one whisker per finite error");
                assertEquals(missing, Svgs.ofClass(svg, "missing").size(), where + ": one mark per missing value");
                for (Element mark : Svgs.ofClass(svg, "missing")) {
                    assertEquals("no value", mark.getTextContent(), where);
                    assertEquals("glibcCritical", mark.getAttribute("data-series"), where);
                    assertFalse(mark.hasAttribute("data-value"), where + ": a missing value has no value, not 0");
                }
                for (Element bar : Svgs.ofClass(svg, kind)) {
                    assertTrue(bar.hasAttribute("data-value"), where);
                }
            }
        }
    }

    @Test
    void labelsAreEscapedAndReadBackAsGiven() throws Exception {
        String text = FigureSvg.toSvg(sample(Scale.LINEAR), Orientation.HORIZONTAL);
        assertFalse(text.contains("<script"), "no markup from a label gets through");
        assertFalse(text.contains("\u0001"), "no character XML forbids");
        Document svg = Svgs.parse(text);
        String readBack = NASTY.replace('\u0001', '\uFFFD');
        assertTrue(Svgs.texts(svg, "legend").contains(readBack), Svgs.texts(svg, "legend").toString());
        assertTrue(String.join("", Svgs.texts(svg, "title")).contains(readBack.substring(0, 20)));
        assertTrue(Svgs.texts(svg, "caption").stream().anyMatch(t -> t.contains("caption")));
        assertTrue(Svgs.ofClass(svg, "bar").stream().anyMatch(b -> b.getAttribute("data-series").equals(readBack)));
        assertEquals(0, svg.getElementsByTagNameNS("*", "script").getLength());
    }

    @Test
    void theSameFigureGivesTheSameBytes() {
        for (Orientation orientation : Orientation.values()) {
            assertEquals(FigureSvg.toSvg(sample(Scale.LOG), orientation), FigureSvg.toSvg(sample(Scale.LOG),
                    orientation));
            assertEquals(FigureSvg.toSvg(sample(Scale.LINEAR), orientation), FigureSvg.toSvg(sample(Scale.LINEAR),
                    orientation));
        }
    }

    @Test
    void valuesAndErrorsPrintAsTheTablesPrintThem() throws Exception {
        Document svg = Svgs.parse(FigureSvg.toSvg(sample(Scale.LINEAR), Orientation.HORIZONTAL));
        List<String> values = Svgs.texts(svg, "value");
        assertTrue(values.containsAll(List.of("3.17 ± 0.13", "9.28 ± 5.86", "5.00", "723.0 ± 17.2", "0")),
                values.toString());
        assertEquals("37.24 M", Quantity.NUMBER.format(37_240_810.1, Double.NaN, 188_899_027.3));
        assertEquals("0.0185 M", Quantity.NUMBER.format(18_456, Double.NaN, 28_000_000));
        assertEquals("5,874 ± 291", Quantity.NUMBER.format(5874.2, 291.3, 7000));
        assertEquals("1.164 ± 0.013", Quantity.NUMBER.format(1.163834, 0.013036, 3));
        assertEquals("0.666 ± 0.086", Quantity.NUMBER.format(0.665687, 0.085924, 3));
        assertEquals("14.94 ± 2.67 M", Quantity.NUMBER.format(14_936_796.2, 2_669_824.7, 3e7));
        assertEquals("16.0 KiB", Quantity.BYTES.format(16384, Double.NaN, 1e6));
        assertEquals("193.4 MiB", Quantity.BYTES.format(202_805_248, Double.NaN, 1e6));
        assertEquals("2.1 MiB", Quantity.BYTES.format(2_179_072, Double.NaN, 1e6));
        assertEquals("16 KiB", Quantity.byteTick(16384));
        assertEquals("0.923", Quantity.RATIO.format(0.9231, Double.NaN, 1));
    }

    @Test
    void linearAxesStartAtZeroAndCoverEveryWhisker() {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 1000; i++) {
            double value = random.nextDouble() * Math.pow(10, random.nextInt(-3, 10));
            double error = random.nextDouble() * value;
            Panel panel = new Panel("", "ns/op", Quantity.NUMBER, Better.LOWER, Scale.LINEAR,
                    List.of(new Group("g", List.of(new Bar("s", value, error)))));
            Axis axis = Axis.of(panel, 6);
            assertEquals(0, axis.low());
            assertTrue(axis.high() >= value + error, value + " ± " + error + ": " + axis.high());
            assertTrue(axis.high() <= (value + error) * 2.5 + 1e-12, value + " ± " + error + ": " + axis.high());
            assertEquals(0, axis.ticks().getFirst().value());
            assertEquals(axis.high(), axis.ticks().getLast().value(), 1e-9 * axis.high());
        }
        Axis ratios = Axis.of(new Panel("", "ratio", Quantity.RATIO, Better.HIGHER, Scale.LINEAR,
                List.of(new Group("g", List.of(new Bar("s", 0.3, Double.NaN))))), 5);
        assertEquals(1, ratios.high(), "a ratio's axis runs to 1 at least");
    }

    @Test
    void logAxesAreLabelledAndSpanWholePowers() throws Exception {
        Axis axis = Axis.log(3.1, 7001, Quantity.NUMBER);
        assertEquals(2, axis.low());
        assertEquals(10_000, axis.high());
        List<String> labels = axis.ticks().stream().map(Axis.Tick::label).filter(l -> !l.isEmpty()).toList();
        assertEquals(List.of("2", "10", "100", "1,000", "10,000"), labels);
        Axis narrow = Axis.log(0.98, 14.3, Quantity.NUMBER);
        assertEquals(0.5, narrow.low());
        assertEquals(20, narrow.high());
        assertEquals(List.of("0.5", "1", "2", "5", "10", "20"),
                narrow.ticks().stream().map(Axis.Tick::label).filter(l -> !l.isEmpty()).toList());
        Axis bytes = Axis.log(8190, 17_000_000, Quantity.BYTES);
        assertEquals(4096, bytes.low());
        assertEquals("4 KiB", bytes.ticks().getFirst().label());
        Document svg = Svgs.parse(FigureSvg.toSvg(sample(Scale.LOG), Orientation.HORIZONTAL));
        assertTrue(Svgs.texts(svg, "axis-label").stream().allMatch(l -> l.equals("ns/op, lower is better, log scale")),
                Svgs.texts(svg, "axis-label").toString());
    }

    @Test
    void longLabelsAreWrappedNotCut() {
        String label = "ArenaPushBench.jallocPushAddressNoInit growth=virtual · file=before-f2fed1b";
        List<String> lines = TextMetrics.wrap(label, 12, false, 120);
        assertTrue(lines.size() > 1, lines.toString());
        assertEquals(label.replace(" ", ""), String.join("", lines).replace(" ", ""), "no character lost");
        for (String line : lines) {
            assertTrue(TextMetrics.width(line, 12, false) <= 120, line);
        }
    }

    @Test
    void coloursAreTheSameForAContenderInEveryFigure() {
        Map<String, String> one = Palette.colours(List.of("jallocHeap", "mimallocCritical", "somethingNew"));
        Map<String, String> two = Palette.colours(List.of("glibcCritical", "mimallocCritical", "jallocHeap"));
        assertEquals(one.get("jallocHeap"), two.get("jallocHeap"));
        assertEquals(one.get("mimallocCritical"), two.get("mimallocCritical"));
        assertEquals(Palette.colours(List.of("jalloc")).get("jalloc"), one.get("jallocHeap"), "replay and JMH alike");
        assertEquals(one.get("jallocHeap"), Palette.colours(List.of("OFF (jallocHeap)")).get("OFF (jallocHeap)"),
                "renamed, it keeps its colour");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            many.add("series" + i);
        }
        assertEquals(12, Palette.colours(many).values().stream().distinct().count(), "distinct colours");
    }

    @Test
    void aBarRefusesAnInfiniteOrNegativeError() {
        assertThrows(IllegalArgumentException.class, () -> new Bar("s", 1, -1));
        assertThrows(IllegalArgumentException.class, () -> new Bar("s", 1, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new Bar("s", Double.NEGATIVE_INFINITY, 1));
        assertThrows(IllegalArgumentException.class, () -> new Figure("t", List.of(), List.of()));
    }
}
