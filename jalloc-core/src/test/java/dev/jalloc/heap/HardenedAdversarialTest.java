package dev.jalloc.heap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jalloc.DebugLevel;
import dev.jalloc.LeakReport;
import dev.jalloc.MemoryCorruptionError;
import dev.jalloc.testing.ChildJvm;
import dev.jalloc.testing.OtherThread;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hostile user's tests of the hardened heap, through the public API (raw addresses only where a test writes
 * within what {@code usableSize} allows, or deliberately corrupts). Passing tests document what holds; each
 * {@code @Disabled("BUG: ...")} test is a reproducer of a bug found.
 */
class HardenedAdversarialTest {
    private static final long[] ALIGNMENTS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 1 << 20};
    private static final long[] SIZES = {0, 1, 7, 8, 9, 15, 16, 24, 100, 120, 128, 1000, 1016, 1024, 4080, 4088, 4096,
        8184, 16376, 32752, 32760, 32761, 32767, 32768, 32769, 40000, 65536, 100000, 131071, 131072, 131073, 300000};

    static MemorySegment raw(long address, long byteSize) {
        return HardenedMallocTest.raw(address, byteSize);
    }

    private static Heap heap(Hardening level) {
        return Heap.builder().hardening(level).reserveSize(4L << 30).build();
    }

    private static void assertZero(long address, long n) {
        MemorySegment s = raw(address, n);
        for (long i = 0; i < n; i++) {
            if (s.get(JAVA_BYTE, i) != 0) {
                throw new AssertionError("byte " + i + " of " + n + " at " + Long.toHexString(address) + " not zero");
            }
        }
    }

    // ---- sizes, alignments, canaries, usable size ----

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void everySizeAndAlignmentWritingExactlyUsableSizeIsNeverReported(Hardening level) {
        try (Heap heap = heap(level)) {
            for (int round = 0; round < 3; round++) {
                List<Long> held = new ArrayList<>();
                for (long size : SIZES) {
                    for (long align : ALIGNMENTS) {
                        long p = heap.allocateAddress(size, align);
                        assertEquals(0, p % align, "alignment " + align + " of " + size);
                        long usable = heap.usableSize(p);
                        assertTrue(usable >= size, size + " -> " + usable);
                        assertZero(p, Math.min(usable, 4096));
                        raw(p, usable).fill((byte) 0x5A);   // exactly what usableSize allows
                        held.add(p);
                    }
                }
                heap.check();
                for (int i = 0; i < held.size(); i += 2) {
                    heap.free(held.get(i));
                }
                heap.check();
                for (int i = 1; i < held.size(); i += 2) {
                    heap.free(held.get(i));
                }
                heap.check();
                assertEquals(0, heap.liveAllocations());
                assertEquals(0, heap.liveBytes());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void allocateAlwaysZeroAfterNoInitPayloadsWereFilledAndFreed(Hardening level) {
        try (Heap heap = heap(level)) {
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < 5000; i++) {
                long size = r.nextInt(4) == 0 ? r.nextLong(1, 200_000) : r.nextLong(0, 2000);
                long p = heap.allocateAddressNoInit(size, 8);
                raw(p, heap.usableSize(p)).fill((byte) -1);
                heap.free(p);
                long q = heap.allocateAddress(size, 8);
                assertZero(q, heap.usableSize(q));
                heap.free(q);
            }
            heap.check();
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void reallocateInPlaceKeepsTheCanaryRight(Hardening level) {
        try (Heap heap = heap(level)) {
            for (long start : new long[] {0, 1, 8, 100, 1000, 4088, 32760, 32768}) {
                long p = heap.allocateAddress(start, 8);
                for (long to : new long[] {start / 2, start + 1, start - 10 < 0 ? 3 : start - 10, start + 10, 1,
                    start * 2 + 7, 90, 110, 0, 200}) {
                    p = heap.reallocate(p, to);
                    long usable = heap.usableSize(p);
                    assertTrue(usable >= to);
                    raw(p, usable).fill((byte) 0x33);
                }
                heap.free(p);
            }
            MemorySegment s = heap.allocate(100, 8);
            s = heap.reallocate(s, 90);
            s = heap.reallocate(s, 110);
            s.fill((byte) 7);
            heap.free(s.address());
            heap.check();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"STANDARD", "FULL"})
    void reallocateAcrossTheGuardedThresholdKeepsBytesAndEndsOldSegments(Hardening level) {
        try (Heap heap = heap(level)) {
            long[] steps = {100, 20_000, 40_000, 100_000, 200_000, 50_000, 300_000, 10, 1 << 20, 33_000, 32_000,
                129 << 10, 127 << 10, 3 << 20, 16, 0, 5};
            MemorySegment s = heap.allocate(steps[0], 8);
            for (long i = 0; i < s.byteSize(); i++) {
                s.set(JAVA_BYTE, i, (byte) i);
            }
            long kept = s.byteSize();
            for (int k = 1; k < steps.length; k++) {
                MemorySegment old = s;
                long oldAddress = old.address();
                s = heap.reallocate(old, steps[k]);
                kept = Math.min(kept, steps[k]);
                for (long i = 0; i < kept; i++) {
                    assertEquals((byte) i, s.get(JAVA_BYTE, i), "step " + k + " byte " + i);
                }
                for (long i = kept; i < s.byteSize(); i++) {
                    s.set(JAVA_BYTE, i, (byte) i);
                }
                kept = s.byteSize();
                if (s.address() != oldAddress && old.byteSize() > 0 && heap.usableSize(s.address()) >= 0) {
                    // the old payload is freed: a guarded one's segment must be dead; a slot's reads zeros
                    try {
                        byte b = old.get(JAVA_BYTE, 0);
                        assertEquals(0, b, "stale read at step " + k);
                    } catch (IllegalStateException expected) {
                        // ended
                    }
                }
            }
            heap.free(s.address());
            heap.check();
            assertEquals(0, heap.liveAllocations());
        }
    }

    @Test
    void hugePayloadAtLight() {
        try (Heap heap = heap(Hardening.LIGHT)) {
            MemorySegment first = heap.allocate(16L << 20, 4096);
            first.fill((byte) 1);
            MemorySegment s = heap.reallocate(first, 40L << 20);
            assertEquals(1, s.get(JAVA_BYTE, (16L << 20) - 1));
            assertEquals(0, s.get(JAVA_BYTE, 16L << 20));
            long p = s.address();
            assertTrue(heap.usableSize(p) >= 40L << 20);
            heap.free(p);
            assertThrows(IllegalStateException.class, () -> s.get(JAVA_BYTE, 0));
            assertThrows(IllegalArgumentException.class, () -> heap.free(p));
            assertEquals(0, heap.liveAllocations());
            heap.check();
        }
    }

    // ---- guarded payloads through Java segments ----

    @ParameterizedTest
    @ValueSource(strings = {"STANDARD", "FULL"})
    void guardedSegmentAfterFreeAfterCloseAndFromAnotherThread(Hardening level) throws Exception {
        Heap heap = heap(level);
        MemorySegment s = heap.allocate(256 << 10, 8);
        s.set(JAVA_LONG, 0, 42);
        Throwable other = OtherThread.thrownBy(() -> s.get(JAVA_LONG, 0));
        assertTrue(other instanceof WrongThreadException, String.valueOf(other));
        heap.free(s.address());
        assertThrows(IllegalStateException.class, () -> s.get(JAVA_LONG, 0));
        assertThrows(IllegalArgumentException.class, () -> heap.free(s.address()));
        assertThrows(IllegalArgumentException.class, () -> heap.usableSize(s.address()));
        assertThrows(IllegalArgumentException.class, () -> heap.reallocate(s.address(), 10));
        MemorySegment live = heap.allocate(512 << 10, 8);
        heap.close();
        assertThrows(IllegalStateException.class, () -> live.get(JAVA_LONG, 0));
        assertThrows(IllegalStateException.class, heap::close);
    }

    @ParameterizedTest
    @ValueSource(strings = {"STANDARD", "FULL"})
    void doubleFreeOfAGuardedPayloadInAndAfterItsQuarantine(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(200 << 10, 8);
            heap.free(p);
            long before = heap.liveAllocations();
            assertThrows(IllegalArgumentException.class, () -> heap.free(p));
            for (int i = 0; i < 200; i++) {
                heap.free(heap.allocateAddress(200 << 10, 8));   // pushes p out of the quarantine
            }
            assertThrows(IllegalArgumentException.class, () -> heap.free(p));
            assertThrows(IllegalArgumentException.class, () -> heap.usableSize(p));
            assertEquals(before, heap.liveAllocations());
            heap.check();
        }
    }

    // ---- trim, quarantine, reuse ----

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void trimWithPayloadsInQuarantineThenReuseIsNotAWriteAfterFree(Hardening level) {
        try (Heap heap = heap(level)) {
            SplittableRandom r = new SplittableRandom(7);
            for (int round = 0; round < 4; round++) {
                List<Long> held = new ArrayList<>();
                for (int i = 0; i < 5000; i++) {
                    long size = r.nextInt(10) == 0 ? r.nextLong(32 << 10, 300 << 10) : r.nextLong(0, 4000);
                    long p = heap.allocateAddress(size, 1L << r.nextInt(8));
                    raw(p, heap.usableSize(p)).fill((byte) 9);
                    held.add(p);
                }
                for (long p : held) {
                    heap.free(p);
                }
                heap.trim();
                heap.check();
            }
            assertEquals(0, heap.liveAllocations());
        }
    }

    // ---- poison ----

    private static Heap poisoned(Hardening level, boolean shared) {
        Heap heap = Heap.builder().hardening(level).shared(shared).reserveSize(1L << 30).build();
        long p = heap.allocateAddress(24, 8);
        long usable = heap.usableSize(p);
        MemorySegment canary = raw(p, usable + 8);
        // The canary's second byte, changed (a fixed value would equal the secret's byte one run in 256).
        canary.set(JAVA_BYTE, usable + 1, (byte) ~canary.get(JAVA_BYTE, usable + 1));
        assertThrows(MemoryCorruptionError.class, () -> heap.free(p));
        return heap;
    }

    @ParameterizedTest
    @ValueSource(strings = {"LIGHT", "STANDARD", "FULL"})
    void poisonedHeapRefusesAllocationFreeAndCheckThenClosesClean(Hardening level) {
        for (boolean shared : new boolean[] {false, true}) {
            Heap heap = poisoned(level, shared);
            assertThrows(IllegalStateException.class, () -> heap.allocate(10, 8));
            assertThrows(IllegalStateException.class, () -> heap.allocateAddress(1 << 20, 8));
            assertThrows(IllegalStateException.class, () -> heap.usableSize(12345));
            assertThrows(IllegalStateException.class, heap::trim);
            assertThrows(IllegalStateException.class, heap::check);
            heap.close();
            assertThrows(IllegalStateException.class, heap::close);
        }
    }

    /**
     * The docs said a poisoned heap refuses every call but close; it answered its queries (found by this suite). The
     * queries read only metadata, out of band and undamaged, and are what a program logs after the error: the
     * contract now says they answer (MemoryCorruptionError, SECURITY.md), and this test holds it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"LIGHT", "STANDARD", "FULL"})
    void poisonedHeapStillAnswersItsQueries(Hardening level) {
        try (Heap heap = poisoned(level, false)) {
            org.junit.jupiter.api.Assertions.assertAll(
                    () -> assertDoesNotThrow(heap::stats, "stats"),
                    () -> assertDoesNotThrow(heap::picture, "picture"),
                    () -> assertDoesNotThrow(heap::liveBytes, "liveBytes"),
                    () -> assertDoesNotThrow(() -> heap.liveAllocations(), "liveAllocations"),
                    () -> assertDoesNotThrow(heap::committedBytes, "committedBytes"),
                    () -> assertDoesNotThrow(heap::fragmentation, "fragmentation"),
                    () -> assertDoesNotThrow(heap::leakReport, "leakReport"));
        }
    }

    // ---- lifetimes, threads, close ----

    @Test
    void checkedLifetimesOnAConfinedHeapSegmentInAnotherThread() throws Exception {
        try (Heap heap = Heap.builder().hardening(Hardening.STANDARD).checkedLifetimes(true).build()) {
            MemorySegment s = heap.allocate(100, 8);
            Throwable seen = OtherThread.thrownBy(() -> s.get(JAVA_BYTE, 0));
            assertTrue(seen instanceof WrongThreadException, String.valueOf(seen));
            heap.free(s.address());
            assertThrows(IllegalStateException.class, () -> s.get(JAVA_BYTE, 0));
            MemorySegment g = heap.allocate(300 << 10, 8);
            MemorySegment g2 = heap.reallocate(g, 600 << 10);
            assertThrows(IllegalStateException.class, () -> g.get(JAVA_BYTE, 0));
            heap.free(g2.address());
            assertThrows(IllegalStateException.class, () -> g2.get(JAVA_BYTE, 0));
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void closeTwiceAndCloseFromAnotherThreadOnShared(Hardening level) throws Exception {
        Heap heap = Heap.builder().hardening(level).shared(true).reserveSize(1L << 30).build();
        MemorySegment a = heap.allocate(100, 8);
        MemorySegment b = heap.allocate(300 << 10, 8);
        heap.free(heap.allocateAddress(300 << 10, 8));
        assertEquals(null, OtherThread.thrownBy(heap::close));
        assertThrows(IllegalStateException.class, heap::close);
        assertThrows(IllegalStateException.class, () -> a.get(JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> b.get(JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> heap.allocate(1, 1));
        assertThrows(IllegalStateException.class, heap::stats);
    }

    private static long mappings() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).size();
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void manyHeapsCreatedAndClosedLeaveNoMappings(Hardening level) throws IOException {
        assumeTrue(Files.exists(Path.of("/proc/self/maps")));
        for (int i = 0; i < 5; i++) {   // warm up
            cycle(level);
        }
        long before = mappings();
        for (int i = 0; i < 200; i++) {
            cycle(level);
        }
        long after = mappings();
        assertTrue(after - before < 20, "mappings before " + before + ", after " + after);
    }

    private static void cycle(Hardening level) {
        Heap heap = Heap.builder().hardening(level).build();
        heap.allocate(300 << 10, 8);
        heap.free(heap.allocateAddress(300 << 10, 8));
        heap.allocate(100, 8);
        heap.free(heap.allocateAddress(100, 8));
        heap.allocate(20L << 20, 8);
        heap.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"LIGHT", "STANDARD", "FULL"})
    void debugAllWithHardeningReportsOnlyLivePayloads(Hardening level) {
        try (Heap heap = Heap.builder().debug(DebugLevel.ALL).hardening(level).build()) {
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                live.add(heap.allocateAddress(100, 8));
                heap.free(heap.allocateAddress(100, 8));
                live.add(heap.allocateAddress(200 << 10, 8));
                heap.free(heap.allocateAddress(200 << 10, 8));
            }
            long r = heap.reallocate(live.remove(0), 5000);
            live.add(r);
            LeakReport report = heap.leakReport();
            assertEquals(100, report.liveBlocks(), report.toString());
            long sum = 0;
            for (LeakReport.Site s : report.sites()) {
                sum += s.blocks();
            }
            assertEquals(100, sum, report.toString());
            HeapStats st = heap.stats();
            assertEquals(100, st.liveBlocks());
            assertEquals(heap.liveBytes(), st.liveBytes());
            for (long p : live) {
                heap.free(p);
            }
            assertTrue(heap.leakReport().isEmpty(), heap.leakReport().toString());
            heap.check();
        }
    }

    // ---- crash-prone: in a child JVM ----

    @ParameterizedTest
    @ValueSource(strings = {"close_while_segments_in_use", "free_while_guarded_segment_in_use",
        "lifetimes_close_while_segments_in_use", "hammer_shared", "stale_segments_everywhere", "dropped_heap_segments"})
    void survivesInAChildJvm(String scenario) throws Exception {
        ChildJvm.Result r = ChildJvm.of(HardenedAdversarialChild.class).timeoutSeconds(120).run(scenario);
        assertTrue(r.exitCode() == 0 && r.output().contains("SURVIVED") && !r.output().contains("UNEXPECTED"),
                r.describe());
    }

    /**
     * Was a crash (found by this suite): checked-lifetimes segments of a heap on an arena's tail outlived the arena's
     * close, which unmaps the tail before the heap could end them, and a Java access was a SIGSEGV. Fixed by refusing
     * checked lifetimes on a tail; the child still tries the old sequence, and must survive it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tail_lifetimes_after_arena_close", "tail_lifetimes_after_arena_close_shared"})
    void checkedLifetimesOnAnArenasTailAreRefusedNotACrash(String scenario) throws Exception {
        ChildJvm.Result r = ChildJvm.of(HardenedAdversarialChild.class).timeoutSeconds(120)
                .jvmArgs("-XX:-CreateCoredumpOnCrash").run(scenario);
        assertTrue(r.exitCode() == 0 && r.output().contains("SURVIVED") && r.output().contains("REFUSED: ")
                && !r.output().contains("UNEXPECTED"), r.describe());
    }

    // ---- a downcall holds a guarded payload's segment while another thread closes ----

    /** nanosleep(req, NULL): holds {@code req}'s segment (acquired by the downcall) for its seconds. */
    static void sleepHolding(MemorySegment req, long seconds) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle nanosleep = linker.downcallHandle(linker.defaultLookup().findOrThrow("nanosleep"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        req.set(JAVA_LONG, 0, seconds);
        req.set(JAVA_LONG, 8, 0);
        int rc = (int) nanosleep.invokeExact(req, MemorySegment.NULL);
        assertEquals(0, rc);
    }

    /**
     * Was a leak (found by this suite): the close threw from the guarded mappings' release midway, after the heap
     * said closed, and the region and the other mappings stayed. Now the close completes; the held mapping stays under
     * the downcall (logged) and its cleaner unmaps it later.
     */
    @Test
    void closeWhileADowncallHoldsAGuardedSegmentLeaksTheHeap() throws Throwable {
        Heap heap = Heap.builder().hardening(Hardening.STANDARD).shared(true).reserveSize(1L << 30).build();
        MemorySegment g = heap.allocate(256 << 10, 8);
        CountDownLatch started = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            started.countDown();
            try {
                sleepHolding(g, 2);
            } catch (Throwable e) {
                throw new RuntimeException(e);
            }
        });
        started.await();
        Thread.sleep(300);
        Throwable refused = null;
        try {
            heap.close();
        } catch (IllegalStateException e) {
            refused = e;
        }
        t.join();
        if (refused != null) {
            // a refused close must leave the heap as it was: open and usable
            assertDoesNotThrow(heap::stats, "close threw " + refused + " but the heap is no longer usable");
            heap.close();
        }
    }

    @Disabled("KNOWN LIMITATION, documented in HeapBuilder.checkedLifetimes and SECURITY.md: a close refused because "
            + "a downcall holds one payload's segment has ended the segments of other payloads already (an arena "
            + "cannot be asked whether it can close without closing it)")
    @Test
    void refusedCloseWithCheckedLifetimesEndsOtherPayloadsSegments() throws Throwable {
        Heap heap = Heap.builder().hardening(Hardening.STANDARD).checkedLifetimes(true).shared(true)
                .reserveSize(1L << 30).build();
        MemorySegment held = heap.allocate(64, 8);
        List<MemorySegment> others = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            others.add(heap.allocate(64, 8));
        }
        CountDownLatch started = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            started.countDown();
            try {
                sleepHolding(held, 2);
            } catch (Throwable e) {
                throw new RuntimeException(e);
            }
        });
        started.await();
        Thread.sleep(300);
        assertThrows(IllegalStateException.class, heap::close);
        try {
            for (MemorySegment s : others) {
                s.set(JAVA_BYTE, 0, (byte) 1);   // the heap is open and these payloads live
            }
        } finally {
            t.join();
            heap.close();
        }
    }

    /** Was the same leak, counted in /proc/self/maps: at most the held mapping stays after the close. */
    @Test
    void closeWhileADowncallHoldsAGuardedSegmentLeavesMappingsBehind() throws Throwable {
        assumeTrue(Files.exists(Path.of("/proc/self/maps")));
        long before = mappings();
        Heap heap = Heap.builder().hardening(Hardening.STANDARD).shared(true).reserveSize(1L << 30).build();
        MemorySegment g = heap.allocate(256 << 10, 8);
        for (int i = 0; i < 10; i++) {
            heap.allocate(256 << 10, 8);
        }
        heap.allocate(100, 8).fill((byte) 1);
        CountDownLatch started = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            started.countDown();
            try {
                sleepHolding(g, 1);
            } catch (Throwable e) {
                throw new RuntimeException(e);
            }
        });
        started.await();
        Thread.sleep(300);
        try {
            heap.close();
        } catch (IllegalStateException refused) {
            // then it must be possible to close it later
        }
        t.join();
        try {
            heap.close();
        } catch (IllegalStateException alreadyClosed) {
            // the heap says it is closed
        }
        long after = mappings();
        assertTrue(after - before < 5, "mappings before " + before + ", after " + after);
    }

    @Test
    void freeOfAGuardedPayloadHeldByADowncallIsRefusedAndChangesNothing() throws Throwable {
        try (Heap heap = Heap.builder().hardening(Hardening.STANDARD).shared(true).reserveSize(1L << 30).build()) {
            MemorySegment g = heap.allocate(256 << 10, 8);
            CountDownLatch started = new CountDownLatch(1);
            Thread t = Thread.ofPlatform().start(() -> {
                started.countDown();
                try {
                    sleepHolding(g, 1);
                } catch (Throwable e) {
                    throw new RuntimeException(e);
                }
            });
            started.await();
            Thread.sleep(300);
            assertThrows(IllegalStateException.class, () -> heap.free(g.address()));
            assertThrows(IllegalStateException.class, () -> heap.reallocate(g, 1 << 20));
            assertEquals(1, heap.liveAllocations());
            t.join();
            g.set(JAVA_LONG, 0, 5);
            assertEquals(256 << 10, heap.usableSize(g.address()));
            heap.free(g.address());
            assertEquals(0, heap.liveAllocations());
            heap.check();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"STANDARD", "FULL"})
    void interiorAndGuardAddressesOfAGuardedPayloadAreRefused(Hardening level) {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(300 << 10, 8);
            for (long bad : new long[] {p - 4096, p - 8, p - 1, p + 8, p + 4096, p + (300 << 10),
                p + (300 << 10) + 4096, 0, -1, 16}) {
                assertThrows(IllegalArgumentException.class, () -> heap.free(bad), Long.toHexString(bad));
                assertThrows(IllegalArgumentException.class, () -> heap.usableSize(bad), Long.toHexString(bad));
                assertThrows(IllegalArgumentException.class, () -> heap.reallocate(bad, 10), Long.toHexString(bad));
            }
            assertEquals(1, heap.liveAllocations());
            heap.free(p);
            heap.check();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"STANDARD", "FULL"})
    void guardedPayloadsWithHugeAlignments(Hardening level) {
        try (Heap heap = heap(level)) {
            for (long align : new long[] {8192, 1 << 16, 1 << 20, 1 << 25, 1 << 30}) {
                MemorySegment s = heap.allocate(200 << 10, align);
                assertEquals(0, s.address() % align);
                s.fill((byte) 3);
                MemorySegment t = heap.reallocate(s, 150 << 10);
                assertEquals(3, t.get(JAVA_BYTE, (150 << 10) - 1));
                heap.free(t.address());
            }
            heap.check();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"STANDARD", "FULL"})
    void committedBytesDropAfterGuardedPayloadsAreFreed(Hardening level) {
        try (Heap heap = heap(level)) {
            long base = heap.committedBytes();
            List<Long> held = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                held.add(heap.allocateAddress(1 << 20, 8));
            }
            assertTrue(heap.committedBytes() >= base + (64L << 20));
            for (long p : held) {
                heap.free(p);
            }
            assertTrue(heap.committedBytes() < base + (4L << 20), base + " -> " + heap.committedBytes());
            HeapStats st = heap.stats();
            assertEquals(0, st.liveBlocks());
            assertEquals(0, st.hugeBlocks());
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void heapsDroppedWithoutCloseGiveTheirMappingsBack(Hardening level) throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/maps")));
        for (int i = 0; i < 3; i++) {
            drop(level);
        }
        System.gc();
        Thread.sleep(200);
        long before = mappings();
        for (int i = 0; i < 100; i++) {
            drop(level);
        }
        long after = before;
        for (int i = 0; i < 20 && after - before >= 20; i++) {
            System.gc();
            Thread.sleep(100);
            after = mappings();
        }
        after = mappings();
        for (int i = 0; i < 20 && after - before >= 20; i++) {
            System.gc();
            Thread.sleep(100);
            after = mappings();
        }
        assertTrue(after - before < 20, "mappings before " + before + ", after " + after);
    }

    private static void drop(Hardening level) {
        Heap heap = Heap.builder().hardening(level).checkedLifetimes(true).reserveSize(1L << 30).build();
        heap.allocate(300 << 10, 8).fill((byte) 1);
        heap.free(heap.allocateAddress(300 << 10, 8));
        heap.allocate(100, 8).fill((byte) 1);
        heap.allocate(20L << 20, 8);
    }

    @Test
    void debugAllReallocateRefusedKeepsTheSite() throws Throwable {
        try (Heap heap = Heap.builder().debug(DebugLevel.ALL).hardening(Hardening.STANDARD).shared(true)
                .reserveSize(1L << 30).build()) {
            MemorySegment g = heap.allocate(256 << 10, 8);
            MemorySegment small = heap.allocate(100, 8);
            heap.free(small.address());
            assertThrows(IllegalArgumentException.class, () -> heap.reallocate(small, 10));
            assertThrows(IllegalArgumentException.class, () -> heap.free(small.address()));
            assertEquals(1, heap.leakReport().liveBlocks());
            heap.free(g.address());
            assertTrue(heap.leakReport().isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void statsAddUpInEveryStateWithQuarantinesAndGuards(Hardening level) {
        try (Heap heap = heap(level)) {
            SplittableRandom r = new SplittableRandom(11);
            List<Long> held = new ArrayList<>();
            for (int i = 0; i < 30000; i++) {
                if (held.isEmpty() || r.nextInt(3) != 0) {
                    long size = r.nextInt(20) == 0 ? r.nextLong(30_000, 500_000) : r.nextLong(0, 5000);
                    held.add(heap.allocateAddress(size, 1L << r.nextInt(6)));
                } else {
                    heap.free(held.remove(r.nextInt(held.size())));
                }
                if (i % 5000 == 0) {
                    assertStatsAddUp(heap, held.size());
                }
            }
            assertStatsAddUp(heap, held.size());
            for (long p : held) {
                heap.free(p);
            }
            assertStatsAddUp(heap, 0);
            assertEquals(0, heap.liveBytes());
            heap.trim();
            assertStatsAddUp(heap, 0);
        }
    }

    private static void assertStatsAddUp(Heap heap, long live) {
        HeapStats st = heap.stats();
        assertEquals(live, st.liveBlocks(), st.toString());
        assertEquals(live, heap.liveAllocations());
        long blocks = st.largeBlocks() + st.hugeBlocks();
        long perClass = 0;
        for (SizeClassStats c : st.classes()) {
            assertTrue(c.liveBlocks() >= 0 && c.cachedSlots() >= 0, c.toString());
            blocks += c.liveBlocks();
            assertEquals(c.liveBlocks(), heap.liveAllocations(c.index()), c.toString());
        }
        assertEquals(live, blocks, st.toString());
        assertTrue(st.largeBlocks() >= 0 && st.largeBytes() >= 0 && st.liveBytes() >= 0, st.toString());
        assertEquals(heap.liveBytes(), st.liveBytes());
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void tinyAndHugeReservations(Hardening level) {
        try (Heap heap = Heap.builder().hardening(level).reserveSize(4096).build()) {
            long p = heap.allocateAddress(100, 8);
            assertThrows(dev.jalloc.OutOfNativeMemoryError.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    heap.allocateAddress(100, 8);
                }
            });
            MemorySegment g = heap.allocate(1 << 20, 8);   // guarded or huge: outside the region
            g.fill((byte) 1);
            heap.free(g.address());
            heap.free(p);
            heap.check();
        } catch (dev.jalloc.OutOfNativeMemoryError tooSmall) {
            // a 4 KiB reservation may hold nothing: then the build or the first allocation refuses
        }
        try (Heap heap = Heap.builder().hardening(level).reserveSize(Heap.MAX_RESERVE_SIZE).build()) {
            heap.free(heap.allocateAddress(100, 8));
            heap.check();
        }
    }

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void impossibleRequestsChangeNothing(Hardening level) throws IOException {
        try (Heap heap = heap(level)) {
            long p = heap.allocateAddress(100, 8);
            long g = heap.allocateAddress(300 << 10, 8);
            long live = heap.liveAllocations();
            long bytes = heap.liveBytes();
            long maps = mappings();
            for (long align : new long[] {8, 1 << 30}) {
                assertThrows(dev.jalloc.OutOfNativeMemoryError.class, () -> heap.allocateAddress(1L << 46, align));
            }
            assertThrows(IllegalArgumentException.class, () -> heap.allocateAddress(1L << 47, 8));
            assertThrows(IllegalArgumentException.class, () -> heap.allocateAddress(-1, 8));
            assertThrows(IllegalArgumentException.class, () -> heap.allocateAddress(8, 3));
            assertThrows(IllegalArgumentException.class, () -> heap.allocateAddress(8, 1L << 31));
            assertThrows(IllegalArgumentException.class, () -> heap.reallocate(p, -1));
            assertThrows(IllegalArgumentException.class, () -> heap.reallocate(p, Long.MAX_VALUE - 8));
            assertThrows(dev.jalloc.OutOfNativeMemoryError.class, () -> heap.reallocate(p, 1L << 46));
            assertThrows(dev.jalloc.OutOfNativeMemoryError.class, () -> heap.reallocate(g, 1L << 46));
            assertEquals(live, heap.liveAllocations());
            assertEquals(bytes, heap.liveBytes());
            assertTrue(mappings() - maps < 3, maps + " -> " + mappings());
            heap.free(p);
            heap.free(g);
            heap.check();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"STANDARD", "FULL"})
    void poisonedHeapWithParanoidDebugAndGuardedPayloadsClosesAndReturnsEveryMapping(Hardening level)
            throws IOException {
        assumeTrue(Files.exists(Path.of("/proc/self/maps")));
        for (int i = 0; i < 2; i++) {
            runPoisonedParanoid(level);
        }
        long before = mappings();
        for (int i = 0; i < 20; i++) {
            runPoisonedParanoid(level);
        }
        assertTrue(mappings() - before < 10, before + " -> " + mappings());
    }

    private static void runPoisonedParanoid(Hardening level) {
        Heap heap = Heap.builder().hardening(level).debug(DebugLevel.PARANOID).shared(true).reserveSize(1L << 30)
                .build();
        for (int i = 0; i < 5; i++) {
            heap.allocate(300 << 10, 8);
            heap.free(heap.allocateAddress(300 << 10, 8));
        }
        long p = heap.allocateAddress(40, 8);
        heap.free(p);   // in the quarantine
        raw(p, 8).set(JAVA_BYTE, 3, (byte) 1);   // a write after free
        assertThrows(MemoryCorruptionError.class, heap::check);
        assertThrows(IllegalStateException.class, heap::check);
        assertThrows(IllegalStateException.class, () -> heap.allocate(8, 8));
        heap.close();
        assertThrows(IllegalStateException.class, heap::close);
    }
}
