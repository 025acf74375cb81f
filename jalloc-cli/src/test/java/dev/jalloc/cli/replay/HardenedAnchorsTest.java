package dev.jalloc.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hardened anchors of {@code ../shared/natives} ({@link SharedNatives}): {@code mimalloc-secure} loaded like
 * Debian's mimalloc, {@code hardened} and {@code hardened-light} as the malloc of the child JVMs that run their
 * passes. They need the prebuilt files, which a clone does not have: a test that needs one is skipped naming it.
 */
class HardenedAnchorsTest {
    /** The anchors, by replay name, and their files. */
    static final Map<String, String> ANCHORS = Map.of("mimalloc-secure", SharedNatives.MIMALLOC_SECURE,
            "hardened", SharedNatives.HARDENED, "hardened-light", SharedNatives.HARDENED_LIGHT);

    @TempDir
    Path dir;

    @Test
    void everyAnchorReplaysATinyTraceAndGivesAPlausibleRow() {
        List<String> present = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : List.of("mimalloc-secure", "hardened", "hardened-light")) {
            (SharedNatives.isPresent(ANCHORS.get(name)) ? present : missing).add(name);
        }
        assumeTrue(!present.isEmpty(), () -> "skipped: no " + SharedNatives.directory().resolve(
                SharedNatives.HARDENED) + " nor the other anchors (../shared/natives is not part of a clone)");
        List<String> args = new ArrayList<>();
        for (String name : List.of("mimalloc-secure", "hardened", "hardened-light")) {
            args.addAll(List.of("--allocator", name));
        }
        args.addAll(List.of("--csv", "--repeat", "2", Traces.small(dir).toString()));
        Run run = run(args.toArray(String[]::new));
        System.out.print(run.out() + run.err());
        assertEquals(0, run.status(), run.err());
        for (String name : missing) {
            assertTrue(run.err().contains("jalloc replay: skipping " + name + ": no file "
                    + SharedNatives.directory().resolve(ANCHORS.get(name))), run.err());
        }
        List<String> rows = run.out().lines().skip(2).toList(); // the header, the noise pass
        assertEquals(present.size(), rows.size(), run.out());
        for (int i = 0; i < rows.size(); i++) {
            String[] cells = rows.get(i).split(",", -1);
            String row = rows.get(i);
            assertEquals(List.of("small.rep", present.get(i), "12"), List.of(cells).subList(0, 3), row);
            assertTrue(Double.parseDouble(cells[3]) > 0 && Double.parseDouble(cells[4]) > 0, row);
            assertEquals("200024", cells[5], row);
            if (present.get(i).equals("mimalloc-secure")) {
                assertTrue(Long.parseLong(cells[6]) >= 200_000, row); // mimalloc's own count of its commits
            } else {
                assertEquals("", cells[6], row); // hardened_malloc counts nothing: unknown, not 0
                assertEquals("", cells[7], row);
            }
            // the checked pass's child JVM touched the 200000-byte block
            assertTrue(Long.parseLong(cells[8]) >= 200_000, row);
        }
    }

    @Test
    void theHardenedChildRunsOnHardenedMallocAndOnlyThere() throws Exception {
        for (String name : List.of("hardened", "hardened-light")) {
            String file = ANCHORS.get(name);
            assumeTrue(SharedNatives.isPresent(file),
                    () -> "skipped: no " + SharedNatives.directory().resolve(file) + " (../shared/natives is not "
                            + "part of a clone)");
            Allocators.Entry entry = Allocators.byName(name).orElseThrow();
            Trace trace = TraceParser.parse(Traces.small(dir));
            Map<String, String> environment = entry.childEnvironment();
            assertEquals(Map.of("LD_PRELOAD", SharedNatives.directory().resolve(file).toString()), environment);
            // The same child, with and without the preload: its opener checks (dladdr) whose malloc the process runs.
            assertTrue(ChildTimedPass.run(trace, entry, 1, List.of("jalloc", "glibc", name)) > 0, name);
            AllocatorUnavailableException notPreloaded = assertThrows(AllocatorUnavailableException.class,
                    () -> ChildJvm.run(List.of(), ChildTimedPass.class, List.of(name, "1", trace.source()), Map.of(),
                            "fastest ", name));
            assertTrue(notPreloaded.getMessage().contains("libc.so.6's, not " + file + "'s: hardened_malloc runs "
                    + "only as the whole process's malloc (LD_PRELOAD="), notPreloaded.getMessage());
        }
        // This JVM is not preloaded: it cannot run them, and refuses to, rather than call glibc's malloc instead.
        assertFalse(HardenedMalloc.isProcessMalloc(SharedNatives.HARDENED));
        assertThrows(AllocatorUnavailableException.class, () -> HardenedMalloc.open(SharedNatives.HARDENED));
    }

    @Test
    void onlyThePresentAnchorsThatNeedNoPreloadAreInTheDefaultList() throws Exception {
        assertTrue(Allocators.byName("jalloc").orElseThrow().byDefault());
        assertTrue(Allocators.byName("glibc").orElseThrow().byDefault());
        assertEquals(SharedNatives.isPresent(SharedNatives.MIMALLOC_SECURE),
                Allocators.byName("mimalloc-secure").orElseThrow().byDefault());
        for (String name : List.of("hardened", "hardened-light")) {
            Allocators.Entry entry = Allocators.byName(name).orElseThrow();
            assertTrue(entry.preloaded(), name);
            assertFalse(entry.byDefault(), name);
            if (SharedNatives.isPresent(ANCHORS.get(name))) {
                entry.probe(); // the file is there: it can run, in a child
            }
        }
        assertFalse(Allocators.byName("mimalloc-secure").orElseThrow().preloaded());
        assertEquals(Map.of(), Allocators.byName("mimalloc-secure").orElseThrow().childEnvironment());
    }

    @Test
    void aMissingFileIsNamedAndTheAnchorSkipped() {
        String before = System.getProperty(SharedNatives.PROPERTY);
        System.setProperty(SharedNatives.PROPERTY, dir.toString());
        try {
            for (String name : List.of("hardened", "hardened-light")) {
                Allocators.Entry entry = Allocators.byName(name).orElseThrow();
                String expected = "no file " + dir.resolve(ANCHORS.get(name)) + " (the hardened anchors are "
                        + "prebuilt in ../shared/natives next to the repository, which a clone does not have; "
                        + "-Djalloc.natives=DIR or JALLOC_NATIVES=DIR points elsewhere)";
                assertEquals(expected, assertThrows(AllocatorUnavailableException.class, entry::probe).getMessage());
                assertEquals(expected,
                        assertThrows(AllocatorUnavailableException.class, entry::childEnvironment).getMessage());
            }
            assertFalse(Allocators.byName("mimalloc-secure").orElseThrow().byDefault());
            Run run = run("--allocator", "hardened", "--allocator", "hardened-light", Traces.small(dir).toString());
            assertEquals(1, run.status());
            assertEquals("jalloc replay: skipping hardened: no file " + dir.resolve(SharedNatives.HARDENED)
                    + " (the hardened anchors are prebuilt in ../shared/natives next to the repository, which a "
                    + "clone does not have; -Djalloc.natives=DIR or JALLOC_NATIVES=DIR points elsewhere)\n"
                    + "jalloc replay: skipping hardened-light: no file " + dir.resolve(SharedNatives.HARDENED_LIGHT)
                    + " (the hardened anchors are prebuilt in ../shared/natives next to the repository, which a "
                    + "clone does not have; -Djalloc.natives=DIR or JALLOC_NATIVES=DIR points elsewhere)\n"
                    + "jalloc replay: no allocator to replay on\n", run.err());
        } finally {
            if (before == null) {
                System.clearProperty(SharedNatives.PROPERTY);
            } else {
                System.setProperty(SharedNatives.PROPERTY, before);
            }
        }
    }

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReplayCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
