package dev.jalloc.heap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.heap.HeapPicture.Kind;
import dev.jalloc.heap.HeapPicture.Run;
import dev.jalloc.internal.heap.SizeClasses;
import dev.jalloc.internal.os.Os;
import dev.jalloc.testing.ProcMaps;
import dev.jalloc.testing.Seeds;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Guard pages after slabs and pools ({@link HeapBuilder#guardSlabInterval}), in this JVM, where nothing may fault:
 * no payload and no segment, live or stale, ever covers a guard; the interval is kept; statistics and the picture
 * count guards as neither committed nor free; a guard is an OS page; the builder's refusals. The faults themselves
 * are {@link HardenedFaultTest}'s (a child JVM); guard reuse, resizing next to a guard and random placement are
 * the engine's ({@code dev.jalloc.internal.heap.PlacementTest}). Where {@code /proc/self/maps} is there, every guard
 * the picture shows must be an inaccessible mapping, and no other mapping of the prefix may be.
 */
class GuardSlabTest {
    private static final long PAGE = HeapPicture.PAGE;
    /** The bytes a hardened heap adds to a slot's request: its canary. */
    private static final long CANARY = 8;
    /** Where reads through stale segments go, so that they are made. */
    static volatile long sink;

    /** {@return {address, bytes} of every guard the picture shows} */
    private static List<long[]> guards(HeapPicture picture) {
        List<long[]> guards = new ArrayList<>();
        for (Run r : picture.runs()) {
            if (r.kind() == Kind.GUARD) {
                guards.add(new long[] {picture.address() + r.firstPage() * PAGE, r.pages() * PAGE});
            }
        }
        return guards;
    }

    /**
     * Checks the guards against {@code /proc/self/maps} (where there is one): exactly the inaccessible mappings of the
     * committed prefix. {@return the guards}
     */
    private static List<long[]> checkedGuards(Heap heap) {
        HeapPicture picture = heap.picture();
        List<long[]> guards = guards(picture);
        if (ProcMaps.available()) {
            long from = picture.address();
            long to = from + picture.prefixPages() * PAGE;
            List<long[]> inaccessible = new ArrayList<>();
            for (ProcMaps.Mapping m : ProcMaps.read()) {
                if (m.overlaps(from, to) && m.perms().startsWith("---")) {
                    inaccessible.add(new long[] {Math.max(from, m.start()), Math.min(to, m.end()) - Math.max(from,
                            m.start())});
                }
            }
            assertEquals(guards.stream().map(g -> List.of(g[0], g[1])).toList(),
                    inaccessible.stream().map(g -> List.of(g[0], g[1])).toList(), "guards are the prefix's "
                    + "inaccessible mappings");
        }
        return guards;
    }

    private static boolean overlapsAGuard(long address, long bytes, List<long[]> guards) {
        for (long[] g : guards) {
            if (address < g[0] + g[1] && g[0] < address + bytes) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every class's slots, three spans' worth each: none lies in a guard, and at the default interval (1) every slab
     * and pool ends directly before one.
     */
    @ParameterizedTest
    @EnumSource(value = Hardening.class, names = {"STANDARD", "FULL"})
    void guardPagesAreNeverHandedOut(Hardening level) {
        try (Heap heap = Heap.builder().reserveSize(1L << 30).hardening(level).build()) {
            List<long[]> slots = new ArrayList<>();
            for (int c = 0; c < SizeClasses.COUNT; c++) {
                long request = SizeClasses.size(c) - CANARY;
                for (int i = 0; i < 3 * SizeClasses.slots(c); i++) {
                    long a = heap.allocateAddressNoInit(Math.max(1, request), 16);
                    slots.add(new long[] {a, heap.usableSize(a) + CANARY});
                }
            }
            List<long[]> guards = checkedGuards(heap);
            assertTrue(guards.size() >= 3 * SizeClasses.COUNT, guards.size() + " guards");
            for (long[] s : slots) {
                assertTrue(!overlapsAGuard(s[0], s[1], guards), "a slot at " + Long.toHexString(s[0]) + " in a guard");
            }
            List<Run> runs = heap.picture().runs();
            for (int i = 0; i < runs.size(); i++) {
                if (runs.get(i).kind() == Kind.SLAB || runs.get(i).kind() == Kind.POOL) {
                    assertEquals(Kind.GUARD, runs.get(i + 1).kind(), "the run after " + runs.get(i));
                }
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> heap.free(guards.getFirst()[0]));
            assertTrue(e.getMessage().endsWith("is in a guard page"), e.getMessage());
            heap.check();
        }
    }

    /** Slabs of one class, none freed: every {@code interval}-th has a guard, and only those. */
    @ParameterizedTest(name = "{0}, every {1}")
    @CsvSource({"STANDARD, 3", "LIGHT, 2", "FULL, 5", "STANDARD, 0", "LIGHT, 1"})
    void theIntervalIsKept(Hardening level, int interval) {
        try (Heap heap = Heap.builder().reserveSize(1L << 30).hardening(level).guardSlabInterval(interval).build()) {
            int c = SizeClasses.index(64);
            for (int i = 0; i < 31 * SizeClasses.slots(c); i++) {
                heap.allocateAddressNoInit(64 - CANARY, 16);
            }
            HeapPicture picture = heap.picture();
            long slabs = picture.runs().stream().filter(r -> r.kind() == Kind.SLAB).count();
            assertTrue(slabs >= 31, slabs + " slabs");   // and one more where the cache's last refill made one
            assertEquals(interval == 0 ? 0 : slabs / interval, checkedGuards(heap).size(), "guards");
            heap.check();
        }
    }

    /**
     * A random churn of payloads of every kind in the region, with every segment ever handed out kept, freed or not:
     * no segment covers a guard, and reading each one's first and last byte (a stale one's too) never faults.
     */
    @Test
    void staleSegmentsNeverCoverAGuard() {
        SplittableRandom random = Seeds.random("GuardSlabTest.staleSegmentsNeverCoverAGuard");
        List<MemorySegment> everHandedOut = new ArrayList<>();
        try (Heap heap = Heap.builder().reserveSize(1L << 30).hardening(Hardening.STANDARD).build()) {
            List<MemorySegment> live = new ArrayList<>();
            for (int i = 0; i < 30_000; i++) {
                int op = random.nextInt(10);
                if (op < 5 || live.isEmpty()) {
                    long size = random.nextInt(10) == 0 ? (32 << 10) + random.nextInt(96 << 10)
                            : 1 + random.nextInt(random.nextBoolean() ? 512 : 32 << 10);
                    live.add(heap.allocate(size, 16));
                    everHandedOut.add(live.getLast());
                } else if (op < 9) {
                    heap.free(live.remove(random.nextInt(live.size())));
                } else {
                    int k = random.nextInt(live.size());
                    live.set(k, heap.reallocate(live.get(k), 1 + random.nextInt(100 << 10)));
                    everHandedOut.add(live.get(k));
                }
                if (i % 10_000 == 9_999) {
                    heap.trim();
                }
            }
            List<long[]> guards = checkedGuards(heap);
            assertTrue(guards.size() > 100, guards.size() + " guards");
            long sum = 0;
            for (MemorySegment s : everHandedOut) {
                assertTrue(!overlapsAGuard(s.address(), s.byteSize(), guards), "a segment over a guard: " + s);
                sum += s.get(JAVA_BYTE, 0) + s.get(JAVA_BYTE, s.byteSize() - 1);
            }
            sink = sum;
            heap.check();
        }
    }

    /**
     * The statistics and the picture of a heap with guards: guard pages are neither free nor committed (after a trim,
     * the committed bytes are the prefix less its purged and guard pages), and the picture still agrees with the
     * statistics (at {@code LIGHT}, which quarantines nothing: the picture sees quarantined payloads as live).
     */
    @Test
    void statisticsAndPictureCountGuardsAsNeitherCommittedNorFree() {
        try (Heap heap = Heap.builder().reserveSize(1L << 30).hardening(Hardening.LIGHT).guardSlabInterval(1)
                .build()) {
            SplittableRandom random = Seeds.random("GuardSlabTest.statisticsAndPicture");
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                long size = random.nextInt(20) == 0 ? (32 << 10) + random.nextInt(200 << 10)
                        : 1 + random.nextInt(random.nextBoolean() ? 1024 : 32 << 10);
                live.add(heap.allocateAddressNoInit(size, 16));
                if (random.nextBoolean()) {
                    heap.free(live.remove(random.nextInt(live.size())));
                }
            }
            HeapPictureTest.check(heap.picture());
            heap.trim();
            HeapPicture picture = heap.picture();
            HeapPictureTest.check(picture);
            HeapStats stats = picture.stats();
            long guardPages = picture.pages(Kind.GUARD);
            assertTrue(guardPages > 0, picture.toText());
            assertEquals(stats.freePages(), stats.purgedPages(), "a trim purges every free page");
            assertEquals((picture.prefixPages() - stats.purgedPages() - guardPages) * PAGE, stats.committedBytes(),
                    "committed: the prefix less purged and guard pages\n" + stats);
            assertTrue(picture.toText().indexOf('#') > 0, "the text draws guards");
            heap.check();
        }
    }

    /**
     * Over 16 KiB OS pages, a guard is one OS page (four heap pages) and every slab or pool still ends directly
     * before one: its end rounded up to the OS page (the pages skipped stay free).
     */
    @Test
    void aGuardIsOneOsPage() {
        Os os = Os.withPageSize(Os.current(), 16 << 10);
        try (Heap heap = Heap.builder().reserveSize(1L << 30).hardening(Hardening.STANDARD).os(os).build()) {
            SplittableRandom random = Seeds.random("GuardSlabTest.aGuardIsOneOsPage");
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                live.add(heap.allocateAddressNoInit(1 + random.nextInt(random.nextBoolean() ? 256 : 20_000), 16));
                if (random.nextInt(3) == 0) {
                    heap.free(live.remove(random.nextInt(live.size())));
                }
            }
            List<long[]> guards = checkedGuards(heap);
            assertTrue(guards.size() > 10, guards.size() + " guards");
            for (long[] g : guards) {
                assertEquals(16 << 10, g[1], "one OS page");
                assertEquals(0, g[0] & ((16 << 10) - 1), "OS-page aligned");
            }
            for (long a : live) {
                assertTrue(!overlapsAGuard(a, heap.usableSize(a) + CANARY, guards), "a payload in a guard");
            }
            heap.check();
        }
    }

    @Test
    void theBuilderRefusesANegativeIntervalAndGuardsWithoutHardening() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Heap.builder().guardSlabInterval(-1));
        assertEquals("guardSlabInterval: -1 (expected: >= 0)", negative.getMessage());
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> Heap.builder().guardSlabInterval(2).build());
        assertEquals("guard slabs (guardSlabInterval 2) need a hardened heap, not hardening NONE", plain.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Heap.builder().checkedLifetimes(true).guardSlabInterval(1).build());
        try (Heap none = Heap.builder().guardSlabInterval(0).build()) {
            none.free(none.allocateAddress(64, 16));
        }
    }
}
