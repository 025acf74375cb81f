package dev.jalloc.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The results files {@code jalloc plot} reads: JMH's CSV, mtbench's CSV, the replay's table; and what it refuses. */
class SourceTest {
    static final String JMH = """
            "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: contender","Param: size"
            "dev.jalloc.bench.HeapBench.pair","avgt",1,8,3.173805,0.127047,"ns/op",jallocHeap,16
            "dev.jalloc.bench.HeapBench.pair","avgt",1,1,11.5,NaN,"ns/op","jalloc, ""quoted""\",16
            "dev.jalloc.bench.HeapBench.window","avgt",1,8,14.175249,0.536189,"ns/op",jallocHeap,
            "dev.jalloc.bench.HeapBench.window:gc.alloc.rate","avgt",1,8,0.006,0.001,"MB/sec",jallocHeap,
            """;

    @Test
    void jmhCsvQuotedFieldsParametersAndNaNErrors() throws Exception {
        Source source = Source.parse("heap.csv", JMH);
        assertEquals(Source.Format.JMH, source.format());
        List<Measurement> rows = source.measurements();
        assertEquals(4, rows.size());
        Measurement first = rows.getFirst();
        assertEquals(Map.of("benchmark", "HeapBench.pair", "contender", "jallocHeap", "size", "16", "threads", "1",
                "mode", "avgt"), first.keys());
        assertEquals(List.of("benchmark", "contender", "size", "threads", "mode"), List.copyOf(first.keys().keySet()));
        assertEquals(3.173805, first.value());
        assertEquals(0.127047, first.error());
        assertEquals("ns/op", first.metric().unit());
        assertEquals(Figure.Better.LOWER, first.metric().better());
        assertEquals("jalloc, \"quoted\"", rows.get(1).key("contender"));
        assertTrue(Double.isNaN(rows.get(1).error()), "a single sample's NaN error: no whisker");
        assertEquals("", rows.get(2).key("size"), "a parameter the benchmark does not have");
        assertEquals("HeapBench.window:gc.alloc.rate", rows.get(3).key("benchmark"));
    }

    @Test
    void jmhCsvWithCrlfAndNoParameters() throws Exception {
        String text = "\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\",\"Score Error (99.9%)\",\"Unit\"\r\n"
                + "\"dev.jalloc.bench.ThreadLookupBench.currentThread\",\"thrpt\",2,10,1.9e3,51,\"ops/ms\"\r\n";
        Measurement m = Source.parse("t.csv", text).measurements().getFirst();
        assertEquals("ThreadLookupBench.currentThread", m.key("benchmark"));
        assertEquals(1900, m.value());
        assertEquals(Figure.Better.HIGHER, m.metric().better());
    }

    @Test
    void malformedFilesAreRefusedWithTheLineAndTheProblem() {
        String header = JMH.lines().findFirst().orElseThrow() + "\n";
        Map<String, String> cases = Map.of(
                header + "\"dev.X.y\",\"avgt\",1,5,3.2,0.1,\"ns/op\",jallocHeap\n",
                "bad.csv:2: 8 fields (expected: 9, as the header has)",
                header + "\"dev.X.y\",\"avgt\",1,5,fast,0.1,\"ns/op\",jallocHeap,16\n",
                "bad.csv:2: Score: 'fast' (expected: a number)",
                header + "\"dev.X.y\",\"avgt\",1,5,3.2,-0.1,\"ns/op\",jallocHeap,16\n",
                "bad.csv:2: Score Error (99.9%): '-0.1' (expected: a number >= 0, or NaN)",
                header + "\"dev.X.y,\"avgt\",1,5,3.2,0.1,\"ns/op\",jallocHeap,16\n",
                "bad.csv:2: text after a closing quote (expected: a comma or the line's end)",
                header + "\"dev.X.y\",\"avgt\",1,5,3.2,0.1,\"ns/op\",jallocHeap,\"16\n",
                "bad.csv:2: a quoted field is not closed",
                header + "\"dev.X.y\",\"avgt\",1,5,3\"2,0.1,\"ns/op\",jallocHeap,16\n",
                "bad.csv:2: a quote inside an unquoted field (expected: RFC 4180 CSV, a quoted field's quotes doubled)",
                header, "bad.csv:1: a header and no result",
                "\"Benchmark\",\"Mode\",\"Score\"\n", "bad.csv:1: header [Benchmark, Mode, Score] (expected: JMH's "
                        + "columns [Benchmark, Mode, Threads, Samples, Score, Score Error (99.9%), Unit], then its "
                        + "parameters)",
                "hello, world\n", "bad.csv:1: 'hello, world' (expected: JMH's CSV (-rf csv), mtbench's CSV (--csv) "
                        + "or jalloc replay's table, plain or --csv)",
                "", "bad.csv:1: empty (expected: JMH's CSV (-rf csv), mtbench's CSV (--csv) or jalloc replay's "
                        + "table, plain or --csv)");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            PlotFormatException e = assertThrows(PlotFormatException.class, () -> Source.parse("bad.csv", c.getKey()),
                    c.getKey());
            assertEquals(c.getValue(), e.getMessage(), c.getKey());
        }
    }

    @Test
    void mtbenchCsvSkippedRunsAreMissingInTheirBenchmarksUnit() throws Exception {
        String text = """
                bench,contender,threads,status,metric,unit,ops,seconds,base_rss_mib,peak_rss_mib,end_rss_mib,jalloc_committed_peak_mib,note,reason
                larson,arenaShared,1,skipped,,,0,0.000,,,,,"","why, with a comma"
                larson,jallocShared,1,ok,37240810.1,ops/s,149000000,4.001,62.8,97.5,97.5,7.7,"",""
                """;
        List<Measurement> rows = Source.parse("mt.csv", text).measurements();
        assertEquals(4, rows.size(), "speed and peak RSS per run");
        Measurement skipped = rows.getFirst();
        assertEquals("speed", skipped.metric().name());
        assertEquals("ops/s", skipped.metric().unit(), "the benchmark's unit, so it joins its panel");
        assertTrue(Double.isNaN(skipped.value()));
        assertEquals(37240810.1, rows.get(2).value());
        assertEquals(97.5 * 1024 * 1024, rows.get(3).value());
        assertEquals(Quantity.BYTES, rows.get(3).metric().quantity());
    }

    @Test
    void replayTablesPlainAndCsvDashesAreNotZero() throws Exception {
        String plain = """
                trace           allocator  ops      seconds  kops_per_s  peak_live_bytes  peak_footprint_bytes  utilization  peak_rss_bytes  rss_utilization
                amptjp-bal.rep  (none)     5694           -           -          2012279                     -            -               0                -
                amptjp-bal.rep  jalloc     5694  0.000926083      6148.5          2012279               2113536        0.952         2179072            0.923
                """;
        String csv = """
                trace,allocator,ops,seconds,kops_per_s,peak_live_bytes,peak_footprint_bytes,utilization,peak_rss_bytes,rss_utilization
                amptjp-bal.rep,(none),5694,,,2012279,,,0,
                amptjp-bal.rep,jalloc,5694,0.000926083,6148.5,2012279,2113536,0.952,2179072,0.923
                """;
        for (String text : List.of(plain, csv)) {
            List<Measurement> rows = Source.parse("replay.txt", text).measurements();
            assertEquals(14, rows.size(), "7 columns charted, 2 rows");
            Measurement noiseKops = rows.stream().filter(m -> m.key("allocator").equals("(none)")
                    && m.metric().name().equals("kops_per_s")).findFirst().orElseThrow();
            assertTrue(Double.isNaN(noiseKops.value()), "'-' is not measured, not 0");
            Measurement noiseRss = rows.stream().filter(m -> m.key("allocator").equals("(none)")
                    && m.metric().name().equals("peak_rss_bytes")).findFirst().orElseThrow();
            assertEquals(0, noiseRss.value(), "0 is a measurement");
            Measurement kops = rows.stream().filter(m -> m.key("allocator").equals("jalloc")
                    && m.metric().name().equals("kops_per_s")).findFirst().orElseThrow();
            assertEquals(6148.5, kops.value());
            assertEquals("amptjp-bal.rep", kops.key("trace"));
        }
        String old = """
                trace               allocator    ops      seconds  kops_per_s  peak_live_bytes  peak_footprint_bytes  utilization
                amptjp-bal.rep      jalloc      5694  0.001924353      2958.9          2012279               2265088        0.888
                """;
        assertEquals(5, Source.parse("old.txt", old).measurements().size(), "an older table without the RSS columns");
        PlotFormatException e = assertThrows(PlotFormatException.class, () -> Source.parse("r.txt",
                old + "amptjp-bal.rep jalloc 5694 0.1 fast 1 2 0.5\n"));
        assertEquals("r.txt:3: kops_per_s: 'fast' (expected: a number)", e.getMessage());
    }
}
