package dev.jalloc.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code jalloc replay} on the command line: columns, CSV, skipping, and every way it refuses or fails. */
class ReplayCommandTest {
    static final List<String> COLUMNS = List.of("trace", "allocator", "ops", "seconds", "kops_per_s",
            "peak_live_bytes", "peak_footprint_bytes", "utilization", "peak_rss_bytes", "rss_utilization");

    record Run(int status, String out, String err) {
    }

    @TempDir
    Path dir;

    static Run run(List<Allocators.Entry> known, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReplayCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), known);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run run(String... args) {
        return run(Allocators.known(), args);
    }

    @Test
    void thePlainTableHasTheColumnsInOrder() {
        Path small = Traces.small(dir);
        Run run = run(List.of(BumpAllocator.entry(BumpAllocator.Bug.NONE)), "--repeat", "2", small.toString(),
                small.toString());
        assertEquals(0, run.status(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(5, lines.size(), run.out());   // the header, then per trace: the noise pass, the allocator
        assertEquals(COLUMNS, Arrays.asList(lines.get(0).trim().split(" +")));
        for (int i : new int[] {1, 3}) {
            List<String> cells = Arrays.asList(lines.get(i).trim().split(" +"));
            assertEquals(List.of("small.rep", "(none)", "12", "-", "-", Long.toString(ReplayEngineTest.SMALL_PEAK_LIVE),
                    "-", "-"), cells.subList(0, 8), lines.get(i));
            assertTrue(Long.parseLong(cells.get(8)) >= 0, lines.get(i));
            assertEquals("-", cells.get(9), lines.get(i));
        }
        for (int i : new int[] {2, 4}) {
            List<String> cells = Arrays.asList(lines.get(i).trim().split(" +"));
            assertEquals(List.of("small.rep", "bump-none", "12"), cells.subList(0, 3), lines.get(i));
            assertTrue(Double.parseDouble(cells.get(3)) > 0, lines.get(i));
            assertTrue(Double.parseDouble(cells.get(4)) > 0, lines.get(i));
            assertEquals(List.of(Long.toString(ReplayEngineTest.SMALL_PEAK_LIVE),
                    Long.toString(ReplayEngineTest.SMALL_BUMP_FOOTPRINT), "0.729"), cells.subList(5, 8), lines.get(i));
            rssCellsAgree(cells.get(8), cells.get(9), ReplayEngineTest.SMALL_PEAK_LIVE, "-", lines.get(i));
        }
        for (String line : lines) {
            assertEquals(lines.get(0).length(), line.length(), "right-aligned under the header:\n" + run.out());
        }
    }

    @Test
    void csvHasTheSameColumns() {
        Run run = run(List.of(BumpAllocator.entry(BumpAllocator.Bug.NONE)), "--csv", "--repeat=1",
                Traces.small(dir).toString());
        assertEquals(0, run.status(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(3, lines.size(), run.out());
        assertEquals(String.join(",", COLUMNS), lines.get(0));
        String[] noise = lines.get(1).split(",", -1);
        assertEquals(10, noise.length, lines.get(1));
        assertEquals("small.rep,(none),12,,,200024,,", String.join(",", Arrays.copyOf(noise, 8)));
        assertTrue(Long.parseLong(noise[8]) >= 0, lines.get(1));
        assertEquals("", noise[9], lines.get(1));
        String[] cells = lines.get(2).split(",", -1);
        assertEquals(10, cells.length, lines.get(2));
        assertEquals("small.rep,bump-none,12", String.join(",", Arrays.copyOf(cells, 3)));
        assertEquals("200024,274528,0.729", String.join(",", Arrays.copyOfRange(cells, 5, 8)));
        rssCellsAgree(cells[8], cells[9], ReplayEngineTest.SMALL_PEAK_LIVE, "", lines.get(2));
    }

    /** The RSS cells of an allocator's row: a count, and the utilization it gives (or none if it is 0). */
    static void rssCellsAgree(String rss, String utilization, long peakLive, String noValue, String row) {
        long bytes = Long.parseLong(rss);
        assertTrue(bytes >= 0, row);
        assertEquals(bytes == 0 ? noValue : String.format(java.util.Locale.ROOT, "%.3f", (double) peakLive / bytes),
                utilization, row);
    }

    @Test
    void plotDrawsTheTableAPanelPerColumnTheNoisePassMissingWhereNotMeasured() throws Exception {
        Path figure = dir.resolve("replay.svg");
        Run run = run(List.of(BumpAllocator.entry(BumpAllocator.Bug.NONE)), "--repeat", "1", "--plot",
                figure.toString(), Traces.small(dir).toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.err().contains("jalloc replay: wrote " + figure), run.err());
        String svg = Files.readString(figure);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(
                svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", document.getDocumentElement().getTagName());
        List<String> panels = ofClass(document, "panel-title").stream().map(Element::getTextContent).toList();
        assertEquals(4, panels.size(), panels.toString());
        assertTrue(panels.getFirst().startsWith("throughput"), panels.toString());
        assertTrue(panels.getLast().startsWith("peak_rss_bytes"), panels.toString());
        // every '-' of the four columns charted is a missing mark, every number a bar or a dot
        List<String> header = Arrays.asList(run.out().lines().findFirst().orElseThrow().trim().split(" +"));
        long dashes = 0;
        long numbers = 0;
        for (String line : run.out().lines().skip(1).toList()) {
            List<String> cells = Arrays.asList(line.trim().split(" +"));
            for (String column : List.of("kops_per_s", "utilization", "rss_utilization", "peak_rss_bytes")) {
                boolean dash = cells.get(header.indexOf(column)).equals("-");
                dashes += dash ? 1 : 0;
                numbers += dash ? 0 : 1;
            }
        }
        List<Element> missing = ofClass(document, "missing");
        assertEquals(dashes, missing.size(), "one mark per '-':\n" + run.out());
        assertTrue(missing.stream().filter(m -> m.getAttribute("data-series").equals("(none)")).count() >= 3,
                "the noise pass has no speed and no utilizations");
        long drawn = ofClass(document, "bar").size() + ofClass(document, "dot").size();
        assertEquals(numbers, drawn, "one bar or dot per number, the noise pass's 0 bytes included");
        assertTrue(svg.contains("jalloc replay --repeat 1 --plot"), "the caption has the command");
    }

    private static List<Element> ofClass(Document document, String kind) {
        List<Element> found = new ArrayList<>();
        NodeList all = document.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (e.getAttribute("class").equals(kind)) {
                found.add(e);
            }
        }
        return found;
    }

    @Test
    void glibcReplaysASelfMadeTrace() {
        assumeTrue(ReplayEngineTest.reasonUnavailable(Allocators.byName("glibc").orElseThrow()) == null,
                "skipped: glibc is not this system's C library");
        Run run = run("--allocator", "glibc", "--csv", "--repeat", "2", Traces.small(dir).toString());
        assertEquals(0, run.status(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(3, lines.size(), run.out());
        assertTrue(lines.get(1).startsWith("small.rep,(none),12,"), lines.get(1));
        String[] cells = lines.get(2).split(",", -1);
        assertEquals(List.of("small.rep", "glibc", "12"), Arrays.asList(cells).subList(0, 3));
        assertEquals("200024", cells[5]);
        assertTrue(Long.parseLong(cells[6]) >= 200_000, lines.get(2));
        // its checked pass ran in a child JVM, whose resident memory grew by the 200000-byte block at least
        assertTrue(Long.parseLong(cells[8]) >= 200_000, lines.get(2));
    }

    @Test
    void byDefaultEveryAllocatorRunsAndTheUnavailableAreSkippedWithAMessage() {
        List<Allocators.Entry> known = new ArrayList<>(Allocators.known().subList(0, 3)); // jalloc, jalloc-shared, bestfit
        known.add(Allocators.Entry.fresh("absent", "an allocator this process cannot load", () -> {
            throw new AllocatorUnavailableException("libabsent.so not found: apt-get install libabsent");
        }));
        known.add(BumpAllocator.entry(BumpAllocator.Bug.NONE));
        Run run = run(known, "--repeat", "1", Traces.small(dir).toString());
        assertEquals(0, run.status(), run.err());
        assertEquals("""
                jalloc replay: skipping absent: libabsent.so not found: apt-get install libabsent
                """, run.err());
        assertEquals(6, run.out().lines().count(), run.out()); // the header, the noise pass, the three, the bump one
    }

    @Test
    void aCorruptingAllocatorFailsTheCommand() {
        List<Allocators.Entry> known = List.of(BumpAllocator.entry(BumpAllocator.Bug.NONE),
                BumpAllocator.entry(BumpAllocator.Bug.OVERLAP));
        Path small = Traces.small(dir);
        Run run = run(known, small.toString());
        assertEquals(1, run.status());
        assertTrue(run.err().startsWith("jalloc replay: FAILED: " + small + ":7: bump-overlap: the block of id 0 "),
                run.err());
        assertTrue(run.out().contains("bump-none"), "rows made before the failure are printed:\n" + run.out());
    }

    @Test
    void refusals() {
        Path small = Traces.small(dir);
        Path bad = Traces.write(dir, "bad.rep", "0", "1", "1", "1", "f 0");

        Run unknown = run("--allocator", "tcmalloc", small.toString());
        assertEquals(2, unknown.status());
        assertEquals("jalloc replay: unknown allocator 'tcmalloc' (known: jalloc, jalloc-shared, bestfit, glibc, "
                + "jemalloc, mimalloc, mimalloc-secure, hardened, hardened-light, jalloc-light, jalloc-standard, "
                + "jalloc-full)\ntry 'jalloc replay --help'\n",
                unknown.err());

        Run malformed = run("--allocator", "glibc", small.toString(), bad.toString());
        assertEquals(1, malformed.status());
        assertEquals("jalloc replay: " + bad + ":5: free of id 0, which is not allocated\n", malformed.err());
        assertEquals("", malformed.out(), "nothing replayed before every trace is read");

        Run missing = run(dir.resolve("nope.rep").toString());
        assertEquals(1, missing.status());
        assertEquals("jalloc replay: " + dir.resolve("nope.rep") + ": no such file\n", missing.err());

        Run none = run(List.of(Allocators.Entry.fresh("absent", "cannot load", () -> {
            throw new AllocatorUnavailableException("not available here");
        })), "--allocator", "absent", small.toString());
        assertEquals(1, none.status());
        assertTrue(none.err().endsWith("jalloc replay: no allocator to replay on\n"), none.err());

        assertEquals(2, run("--csv").status(), "no trace");
        assertEquals(2, run("--frobnicate", small.toString()).status());
        assertEquals(2, run("--repeat", "0", small.toString()).status());
        assertEquals(2, run("--repeat", small.toString()).status(), "--repeat takes the trace as its value");
        assertEquals(2, run(small.toString(), "--allocator").status());
    }

    @Test
    void helpListsTheAllocatorsAndExplainsTheColumns() {
        Run help = run("--help");
        assertEquals(0, help.status());
        for (String expected : new String[] {
                "Usage: jalloc replay [-h] [--allocator=NAME]... [--csv] [--repeat=N] [--[no-]progress]",
                "  jalloc          the jalloc heap", "  bestfit         ", "  glibc           ", "  jemalloc        ",
                "  mimalloc        ", "  mimalloc-secure mimalloc 2.0.9 built with MI_SECURE=ON",
                "  hardened        hardened_malloc, default", "  hardened-light  hardened_malloc, light",
                "  jalloc-standard the jalloc heap at Hardening.STANDARD", "[--plot=FIGURE.svg]",
                "but hardened,", "hardened_malloc counts none: '-'",
                "peak_footprint_bytes", "mallinfo2 arena + hblkhd", "stats.resident", "mi_process_info commit",
                "a child JVM", "replayed as a request for 1 byte", "peak_rss_bytes", "/proc/self/statm",
                "rss_utilization", "allocator (none)"}) {
            assertTrue(help.out().contains(expected), "help lacks '" + expected + "':\n" + help.out());
        }
    }
}
