package dev.jalloc.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.cli.plot.Figure.Bar;
import dev.jalloc.cli.plot.Figure.Group;
import dev.jalloc.cli.plot.Figure.Panel;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** From measurements to panels, groups and bars: defaults, options, missing cells, and what is refused. */
class FigurePlanTest {
    static final String HEADER = "\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\",\"Score Error (99.9%)\","
            + "\"Unit\",\"Param: contender\",\"Param: size\"\n";

    static String row(String method, String contender, String size, double score, String error) {
        return "\"dev.jalloc.bench.HeapBench." + method + "\",\"avgt\",1,5," + score + "," + error + ",\"ns/op\","
                + contender + "," + size + "\n";
    }

    static final String RUN1 = HEADER + row("pair", "jallocHeap", "16", 5.03, "0.61")
            + row("pair", "jallocAll", "16", 5874, "291") + row("window", "jallocHeap", "", 14.62, "2.17");
    static final String RUN2 = HEADER + row("pair", "jallocHeap", "16", 3.17, "0.13")
            + row("window", "jallocHeap", "", 14.18, "NaN");

    static PlotSpec spec(PlotSpec.ScaleChoice scale) {
        return PlotSpec.defaults("t", List.of(), scale);
    }

    @Test
    void aPanelPerBenchmarkAColourPerContenderGroupsByFileAndMissingCellsStayMissing() throws Exception {
        Figure figure = FigurePlan.figure(List.of(Source.parse("levels-run1.csv", RUN1),
                Source.parse("levels-run2.csv", RUN2)), spec(PlotSpec.ScaleChoice.LINEAR));
        assertEquals(List.of("HeapBench.pair", "HeapBench.window"), figure.panels().stream().map(Panel::title).toList());
        Panel pair = figure.panels().getFirst();
        assertEquals(List.of("run1", "run2"), pair.groups().stream().map(Group::label).toList(),
                "groups by what varies: the file, labelled without what the names share");
        Group run2 = pair.groups().get(1);
        assertEquals(List.of(new Bar("jallocHeap", 3.17, 0.13), Bar.missing("jallocAll")), run2.bars());
        assertEquals(List.of("jallocHeap", "jallocAll"), figure.series());
        Panel window = figure.panels().get(1);
        assertTrue(Double.isNaN(window.groups().get(1).bars().getFirst().error()), "NaN error: no whisker");
        assertEquals("ns/op, lower is better", pair.axisLabel());
    }

    @Test
    void autoScaleIsLogOnlyWhereValuesSpanOverAHundredTimes() throws Exception {
        Figure figure = FigurePlan.figure(List.of(Source.parse("a.csv", RUN1)), spec(PlotSpec.ScaleChoice.AUTO));
        assertEquals(Figure.Scale.LOG, figure.panels().getFirst().scale(), "5.03 to 5874");
        assertEquals(Figure.Scale.LINEAR, figure.panels().get(1).scale());
    }

    @Test
    void optionsChooseThePanelsGroupsSeriesAndValues() throws Exception {
        List<Source> sources = List.of(Source.parse("levels-run1.csv", RUN1), Source.parse("levels-run2.csv", RUN2));
        PlotSpec spec = new PlotSpec("t", List.of("c"), List.of(), List.of("benchmark"), "file",
                Map.of("contender", Pattern.compile("jallocHeap")), null, PlotSpec.ScaleChoice.LINEAR, false,
                List.of("run 1", "run 2"), Map.of("run 1", "first run"));
        Figure figure = FigurePlan.figure(sources, spec);
        assertEquals(1, figure.panels().size());
        assertEquals(List.of("first run", "run 2"), figure.series());
        assertEquals(List.of("pair", "window"), figure.panels().getFirst().groups().stream().map(Group::label).toList(),
                "benchmarks of one class: the class is said once, in the panel's title");
        assertEquals("HeapBench", figure.panels().getFirst().title());
        assertEquals(List.of("c"), figure.caption());
    }

    @Test
    void twoValuesForOneBarAreRefusedNamingTheirDifference() throws Exception {
        Source twoSizes = Source.parse("s.csv", HEADER + row("pair", "jallocHeap", "16", 3, "0.1")
                + row("pair", "jallocHeap", "256", 4, "0.1"));
        PlotSpec spec = new PlotSpec(null, List.of(), null, List.of("benchmark"), null, Map.of(), null,
                PlotSpec.ScaleChoice.LINEAR, false, List.of(), Map.of());
        PlotFormatException e = assertThrows(PlotFormatException.class, () -> FigurePlan.figure(List.of(twoSizes),
                spec));
        assertEquals("two values for one bar (panel 'HeapBench.pair', group 'HeapBench.pair', series 'jallocHeap'): "
                + "they differ in size (expected: that key in --chart-by, --group-by or --series-by, or one of them "
                + "left out with --where)", e.getMessage());
        Figure bySize = FigurePlan.figure(List.of(twoSizes), spec(PlotSpec.ScaleChoice.LINEAR));
        assertEquals(List.of("size=16", "size=256"),
                bySize.panels().getFirst().groups().stream().map(Group::label).toList());
    }

    @Test
    void unknownKeysMetricsAndMixedKindsAreRefused() throws Exception {
        Source jmh = Source.parse("a.csv", RUN1);
        PlotSpec badKey = new PlotSpec(null, List.of(), List.of("sise"), null, null, Map.of(), null,
                PlotSpec.ScaleChoice.LINEAR, false, List.of(), Map.of());
        assertEquals("--chart-by: no key 'sise' in these files (expected: one of benchmark, contender, size, threads, "
                + "mode, metric)", assertThrows(PlotFormatException.class,
                () -> FigurePlan.figure(List.of(jmh), badKey)).getMessage());
        PlotSpec badMetric = new PlotSpec(null, List.of(), null, null, null, Map.of(), List.of("kops"),
                PlotSpec.ScaleChoice.LINEAR, false, List.of(), Map.of());
        assertEquals("--metric: 'kops' (expected: one of score)", assertThrows(PlotFormatException.class,
                () -> FigurePlan.figure(List.of(jmh), badMetric)).getMessage());
        PlotSpec nothing = new PlotSpec(null, List.of(), null, null, null, Map.of("contender", Pattern.compile("x")),
                null, PlotSpec.ScaleChoice.LINEAR, false, List.of(), Map.of());
        assertTrue(assertThrows(PlotFormatException.class, () -> FigurePlan.figure(List.of(jmh), nothing))
                .getMessage().startsWith("nothing to plot"));
        Source replay = Source.parse("r.txt", "trace allocator kops_per_s\nx.rep jalloc 5\n");
        assertEquals("r.txt: a replay table among a JMH CSV files (expected: files of one kind)",
                assertThrows(PlotFormatException.class, () -> FigurePlan.figure(List.of(jmh, replay),
                        spec(PlotSpec.ScaleChoice.LINEAR))).getMessage());
    }

    @Test
    void filesAreLabelledByWhatTellsTheirNamesApart() {
        assertEquals(List.of("run1", "run2"), FigurePlan.labels(List.of(
                new Source("heap-levels-issue11-run1.csv", Source.Format.JMH, List.of()),
                new Source("heap-levels-issue11-run2.csv", Source.Format.JMH, List.of()))));
        assertEquals(List.of("before", "after"), FigurePlan.labels(List.of(
                new Source("heap-off-vs-before-issue11-before-1.csv", Source.Format.JMH, List.of()),
                new Source("heap-off-vs-before-issue11-after-1.csv", Source.Format.JMH, List.of()))));
        assertEquals(List.of("before-1", "after-1", "before-2"), FigurePlan.labels(List.of(
                new Source("heap-off-vs-before-issue11-before-1.csv", Source.Format.JMH, List.of()),
                new Source("heap-off-vs-before-issue11-after-1.csv", Source.Format.JMH, List.of()),
                new Source("heap-off-vs-before-issue11-before-2.csv", Source.Format.JMH, List.of()))));
        assertEquals(List.of("t1", "t2"), FigurePlan.labels(List.of(
                new Source("shared-push-t1.csv", Source.Format.JMH, List.of()),
                new Source("shared-push-t2.csv", Source.Format.JMH, List.of()))));
        assertEquals(List.of("heap"), FigurePlan.labels(List.of(new Source("heap.csv", Source.Format.JMH, List.of()))));
    }
}
