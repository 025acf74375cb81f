package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.heap.HeapPicture.Kind;
import dev.jalloc.heap.HeapPicture.Run;
import dev.jalloc.testing.Seeds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The picture's HTML page: one entry per run in its embedded JSON, whose spans add up to the picture's, escaped text,
 * no network address, the file written; and the aggregation of very many runs, which keeps the count of spans.
 * (HeapPictureBrowserTest in jalloc-cli renders it in Chromium.)
 */
class HeapPictureHtmlTest {
    private static final String DATA_START = "<script type=\"application/json\" id=\"heap-data\">";

    @Test
    void thePageEmbedsEveryRun() {
        try (Heap heap = Heap.create(1L << 30)) {
            SplittableRandom random = Seeds.random("HeapPictureHtmlTest");
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                int kind = random.nextInt(100);
                long size = kind < 80 ? 1 + random.nextInt(1024) : kind < 98 ? 1025 + random.nextInt(31 << 10)
                        : (32 << 10) + random.nextInt(1 << 20);
                live.add(heap.allocateAddressNoInit(size, 16));
                if (random.nextBoolean()) {
                    heap.free(live.remove(random.nextInt(live.size())));
                }
            }
            live.add(heap.allocateAddressNoInit(17 << 20, 16));
            HeapPicture picture = heap.picture();
            String page = picture.toHtml();
            List<long[]> entries = entries(page);
            assertEquals(picture.runs().size(), entries.size(), "one entry per run");
            assertEquals(picture.spans(), entries.stream().mapToLong(e -> e[9]).sum(), "spans");
            assertTrue(picture.spans() > 10, "a mixed heap: " + picture.spans());
            for (int i = 0; i < entries.size(); i++) {
                Run r = picture.runs().get(i);
                long[] e = entries.get(i);
                assertEquals(r.firstPage(), e[0]);
                assertEquals(r.pages(), e[1]);
                assertEquals(r.kind().ordinal(), e[2]);
                assertEquals(r.liveSlots(), e[6]);
            }
            assertTrue(page.startsWith("<!DOCTYPE html>"));
            assertTrue(page.contains("<title>jalloc heap</title>"));
            assertTrue(page.contains("\"huge\":[[" + picture.huge().getFirst().address() + "," + (17 << 20) + "]]"),
                    "the huge mapping");
            assertTrue(page.contains("data-drawn-spans") || page.contains("dataset.drawnSpans"), "the marker");
            assertFalse(page.contains("http://") || page.contains("https://"), "no network address");
            assertFalse(page.contains("{{"), "every placeholder filled");
            live.forEach(heap::free);
        }
    }

    @Test
    void textIsEscaped() {
        try (Heap heap = Heap.ofConfined()) {
            heap.free(heap.allocateAddressNoInit(100, 16));
            String hostile = "</script><script>alert('x')</script> & \"{{DATA}}\" <b>";
            String page = heap.picture().toHtml(hostile);
            assertFalse(page.contains("<script>alert"), "no script from the title");
            assertFalse(page.contains("<b>"), "no markup from the title");
            assertTrue(page.contains("<title>&lt;/script&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "
                    + "&quot;{{DATA}}&quot; &lt;b&gt;</title>"), page.substring(0, 2000));
            assertTrue(page.contains("\"title\":\"\\u003c/script\\u003e\\u003cscript\\u003ealert('x')"),
                    "the JSON cannot end its script element");
            assertEquals(2, page.split("</script>", -1).length - 1, "the page's own two script elements only");
        }
    }

    @Test
    void writeHtmlWritesThePage(@TempDir Path dir) throws Exception {
        try (Heap heap = Heap.ofShared()) {
            heap.free(heap.allocateAddressNoInit(5000, 16));
            HeapPicture picture = heap.picture();
            Path file = dir.resolve("heap.html");
            picture.writeHtml(file);
            assertEquals(picture.toHtml(), Files.readString(file, StandardCharsets.UTF_8));
            picture.writeHtml(file, "two");
            assertTrue(Files.readString(file).contains("<title>two</title>"));
            assertTrue(Files.readString(file).contains("\"shared\":true"));
        }
    }

    @Test
    void manyRunsAreMergedKeepingTheSpans() {
        HeapStats stats;
        try (Heap heap = Heap.ofConfined()) {
            stats = heap.stats();
        }
        int n = 3 * HeapPictureHtml.MAX_ENTRIES;
        // neighbours of one class merge: a few entries
        List<Run> sameClass = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sameClass.add(new Run(i, 1, Kind.SLAB, i / 1000, 16, 256, 100, 120, Run.NO_OWNER));
        }
        HeapPicture merged = new HeapPicture(stats, 1L << 40, n, n, sameClass, List.of());
        List<long[]> entries = entries(merged.toHtml());
        assertEquals(n / 1000, entries.size());
        assertEquals(n, entries.stream().mapToLong(e -> e[9]).sum());
        assertEquals(100L * 1000, entries.getFirst()[6], "live slots summed");
        // slabs between free pages: groups of pages
        List<Run> alternating = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            alternating.add(new Run(2L * i, 1, Kind.SLAB, 0, 16, 256, 1, 1, Run.NO_OWNER));
            alternating.add(new Run(2L * i + 1, i % 3 + 1, Kind.FREE, -1, 0, 0, 0, 0, Run.NO_OWNER));
        }
        long pages = 0;
        List<Run> laidOut = new ArrayList<>();
        for (Run r : alternating) {   // first pages that follow the sizes
            laidOut.add(new Run(pages, r.pages(), r.kind(), r.sizeClass(), r.slotSize(), r.slots(), r.liveSlots(),
                    r.usedSlots(), r.owner()));
            pages += r.pages();
        }
        HeapPicture grouped = new HeapPicture(stats, 1L << 40, pages, pages, laidOut, List.of());
        String page = grouped.toHtml();
        entries = entries(page);
        assertTrue(entries.size() <= HeapPictureHtml.MAX_ENTRIES, "entries: " + entries.size());
        assertEquals(grouped.spans(), entries.stream().mapToLong(e -> e[9]).sum(), "spans kept");
        assertEquals(2L * n, entries.stream().mapToLong(e -> e[10]).sum(), "runs kept");
        assertTrue(page.contains("pages, each of the kind of most of its pages"));
        assertTrue(page.length() < 4 << 20, "a small page: " + page.length());
    }

    /** {@return the entries of data.runs, each as its 11 numbers (owner null as -1)} */
    static List<long[]> entries(String page) {
        int start = page.indexOf(DATA_START) + DATA_START.length();
        String json = page.substring(start, page.indexOf("</script>", start));
        String runs = json.substring(json.indexOf("\"runs\":[") + 8, json.indexOf("],\"huge\":"));
        List<long[]> entries = new ArrayList<>();
        if (runs.isEmpty()) {
            return entries;
        }
        for (String line : runs.split("\n")) {
            String[] fields = line.replaceAll("^\\[|],?$", "").split(",");
            assertEquals(11, fields.length, line);
            long[] e = new long[fields.length];
            for (int i = 0; i < fields.length; i++) {
                e[i] = fields[i].equals("null") ? -1 : Long.parseLong(fields[i]);
            }
            entries.add(e);
        }
        return entries;
    }
}
