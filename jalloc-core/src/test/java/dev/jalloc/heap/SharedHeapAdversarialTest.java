package dev.jalloc.heap;

import static dev.jalloc.testing.Stamps.fill;
import static dev.jalloc.testing.Stamps.verify;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jalloc.arena.LinearArena;
import dev.jalloc.internal.heap.SharedHeapEngine;
import dev.jalloc.internal.heap.SizeClasses;
import dev.jalloc.testing.ChildJvm;
import dev.jalloc.testing.ProcMaps;
import dev.jalloc.testing.Seeds;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A hostile user of {@link Heap#ofShared()}: the slot math of every class, interior and stale frees from other
 * threads, aligned allocations, statistics at quiescence, thread-id collisions in the 1024-slot table, reclaim racing
 * new threads, work stealing, reallocate and usableSize racing frees, close racing downcalls and workers, a pinned
 * virtual thread waiting for a stripe, and a shared heap on the tail of a shared arena closed under working threads.
 *
 * <p>Tests marked <b>BUG</b> fail on the code they were written against (commit 8305965); each says what it shows:
 * <ul>
 *   <li>a virtual thread waiting for a stripe spins with Thread.yield and starves the holders (one carrier; pinned
 *       or not): {@link #anUnpinnedVirtualThreadWaitingForAStripeDoesNotStarveTheHolders},
 *       {@link #aPinnedVirtualThreadWaitingForAStripeDoesNotHangTheScheduler};</li>
 *   <li>lock-order inversion engine lock / arena lock when a shared arena closes under a working shared heap:
 *       {@link #closingTheSharedArenaUnderAWorkingSharedHeapDoesNotDeadlock};</li>
 *   <li>reallocate copies before it claims the old payload: it frees a block allocated meanwhile
 *       ({@link #reallocateNeverFreesABlockAllocatedWhileItCopied}), and racing a huge free it throws
 *       IllegalStateException and leaves the caller interrupted
 *       ({@link #reallocateRacingAFreeOfAHugePayloadThrowsIllegalArgumentOnly});</li>
 *   <li>close refused by a downcall leaves the heap closed and its reservation mapped for good:
 *       {@link #closeRefusedByADowncallLeavesTheHeapClosableOrReleasesItLater};</li>
 *   <li>memory freed into idle stripes is never returned without trim():
 *       {@link #memoryFreedIntoIdleStripesIsReturnedWithoutAnExplicitTrim};</li>
 *   <li>the ThreadLocal fallback keeps a closed heap reachable:
 *       {@link #aClosedHeapIsNotKeptAliveByTheThreadLocalFallbackOfALiveThread};</li>
 *   <li>toString throws when it races close: {@link #toStringRacingCloseFromAnotherThreadNeverThrows}.</li>
 * </ul>
 * Scenarios that can hang or crash run in a child JVM ({@link Child}).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SharedHeapAdversarialTest {

    // ---- helpers ----

    /** Writes and checks only the first and last words (the last if it is not the first): cheap for big blocks. */
    private static void stamp(MemorySegment s, long cookie) {
        if (s.byteSize() >= 8) {
            s.set(JAVA_LONG, 0, cookie);
        }
        if (s.byteSize() >= 16) {
            s.set(JAVA_LONG, (s.byteSize() - 8) & ~7L, ~cookie);
        }
    }

    private static void checkStamp(MemorySegment s, long cookie) {
        if ((s.byteSize() >= 8 && s.get(JAVA_LONG, 0) != cookie)
                || (s.byteSize() >= 16 && s.get(JAVA_LONG, (s.byteSize() - 8) & ~7L) != ~cookie)) {
            throw new AssertionError("block at " + Long.toHexString(s.address()) + " damaged: handed out twice?");
        }
    }

    /** {@return the offset of the first byte of {@code s} that is not zero, or -1} */
    private static long firstNonZero(MemorySegment s) {
        long n = s.byteSize();
        long k = 0;
        for (; k + 8 <= n; k += 8) {
            if (s.get(JAVA_LONG, k) != 0) {
                return k;
            }
        }
        for (; k < n; k++) {
            if (s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, k) != 0) {
                return k;
            }
        }
        return -1;
    }

    private static Thread platform(Runnable r) {
        return Thread.ofPlatform().start(r);
    }

    private static void joinAll(List<Thread> threads, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                fail("thread " + t + " still running after " + seconds + " s: a hang");
            }
        }
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        Field f = target.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
    }

    /** A platform thread running tasks one at a time, so that a test chooses which thread runs what. */
    static final class Worker {
        final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
        final Thread thread;

        Worker() {
            thread = Thread.ofPlatform().unstarted(this::loop);
        }

        private void loop() {
            try {
                while (true) {
                    tasks.take().run();   // no local keeps the last task alive while waiting
                }
            } catch (InterruptedException e) {
                // stopped
            }
        }

        void run(Runnable r) throws Exception {
            FutureTask<Void> f = new FutureTask<>(r, null);
            tasks.put(f);
            f.get(60, TimeUnit.SECONDS);
        }

        FutureTask<Void> submit(Runnable r) throws InterruptedException {
            FutureTask<Void> f = new FutureTask<>(r, null);
            tasks.put(f);
            return f;
        }

        void stop() throws InterruptedException {
            thread.interrupt();
            thread.join(10_000);
        }
    }

    /** {@return {@code n} unstarted workers whose thread ids are equal modulo 1024: one slot of the heap's table} */
    private static List<Worker> collidingWorkers(int n) {
        Worker first = new Worker();
        long slot = first.thread.threadId() & 1023;
        List<Worker> found = new ArrayList<>(List.of(first));
        for (int tries = 0; found.size() < n && tries < 100_000; tries++) {
            Worker w = new Worker();   // ids are given at construction: unstarted threads cost only the object
            if ((w.thread.threadId() & 1023) == slot) {
                found.add(w);
            }
        }
        assertEquals(n, found.size(), "no thread-id collision found");
        return found;
    }

    // ---- slot math ----

    /**
     * SlotMath.divide against a real division for every class, every span size the class can have (the first,
     * second and full pools), and every 16-byte offset of the span: the index of every slot start, and -1 for every
     * other offset (through SharedSpan.slotAt's multiply-back).
     */
    @Test
    void slotMathIsExactForEveryClassSpanSizeAndOffset() throws Exception {
        Class<?> math = Class.forName("dev.jalloc.internal.heap.SlotMath");
        Method reciprocal = math.getDeclaredMethod("reciprocal", int.class);
        Method divide = math.getDeclaredMethod("divide", long.class, long.class);
        reciprocal.setAccessible(true);
        divide.setAccessible(true);
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            int size = SizeClasses.size(c);
            long r = (long) reciprocal.invoke(null, size);
            int spanBytes = Math.max(SizeClasses.spanBytes(c, 0), Math.max(SizeClasses.spanBytes(c, 1),
                    SizeClasses.spanBytes(c)));
            assertTrue(spanBytes <= SizeClasses.POOL_BYTES, "class " + c + " span of " + spanBytes);
            for (long rel = 0; rel < spanBytes; rel += 16) {
                int q = (int) divide.invoke(null, rel, r);
                assertEquals(rel / size, q, "class " + c + " (" + size + " bytes), offset " + rel);
            }
        }
        // And the claim of SlotMath's comment beyond the classes: every multiple of 16 up to 2^15, rel < 2^16.
        for (int size = 16; size <= 32768; size += 16) {
            long r = (long) reciprocal.invoke(null, size);
            for (long rel = 0; rel < 65536; rel += 16) {
                if ((long) (int) divide.invoke(null, rel, r) != rel / size) {
                    fail("SlotMath wrong for size " + size + " at " + rel);
                }
            }
        }
    }

    /**
     * Through the public API, from a thread that did not allocate: for every class, every interior 16-byte offset of
     * a few slots (and of the span's tail past the last slot) is refused with IllegalArgumentException and frees
     * nothing; the real starts free once; a second free is refused.
     */
    @Test
    void interiorFreesOfEveryClassFromAnotherThreadAreRefusedAndFreeNothing() throws Exception {
        try (Heap heap = Heap.ofShared()) {
            Worker other = new Worker();
            other.thread.start();
            try {
                for (int c = 0; c < SizeClasses.COUNT; c++) {
                    int size = SizeClasses.size(c);
                    int slots = Math.min(8, SizeClasses.slots(c));
                    List<MemorySegment> blocks = new ArrayList<>();
                    for (int i = 0; i < slots; i++) {
                        MemorySegment s = heap.allocate(size, 16);
                        fill(s, s.address() * 31 + c);
                        blocks.add(s);
                    }
                    int cls = c;
                    other.run(() -> {
                        for (MemorySegment s : blocks) {
                            int step = Math.max(16, size / 64 / 16 * 16);
                            for (long d = 16; d < size; d += step) {
                                long bad = s.address() + d;
                                assertThrows(IllegalArgumentException.class, () -> heap.free(bad),
                                        "class " + cls + ": interior free at +" + d);
                                assertThrows(IllegalArgumentException.class, () -> heap.usableSize(bad));
                            }
                            for (long d = 1; d < 16; d++) {
                                long bad = s.address() + d;
                                assertThrows(IllegalArgumentException.class, () -> heap.free(bad));
                            }
                        }
                    });
                    for (MemorySegment s : blocks) {
                        verify(s, s.address() * 31 + cls);
                        assertEquals(size, heap.usableSize(s.address()));
                    }
                    assertEquals(slots, heap.liveAllocations(c), "class " + c);
                    other.run(() -> blocks.forEach(heap::free));   // remote frees
                    for (MemorySegment s : blocks) {
                        assertThrows(IllegalArgumentException.class, () -> heap.free(s), "double free, class " + cls);
                    }
                    assertEquals(0, heap.liveAllocations(c), "class " + c);
                }
                heap.trim();
                heap.check();
                assertEquals(0, heap.liveBytes());
            } finally {
                other.stop();
            }
        }
    }

    // ---- alignment and statistics ----

    /**
     * Every alignment from 32 to 4096 (slots of a class that is a multiple of it), 8 KiB to 2 MiB (large spans)
     * and 4 MiB (a huge mapping), from two platform threads and virtual threads, each block freed by another thread;
     * at quiescence liveBytes is the sum of usableSize and liveAllocations(class) counts the blocks.
     */
    @Test
    void alignedAllocationsFromSeveralThreadsAreAlignedAndCountedExactly() throws Exception {
        SplittableRandom seeds = Seeds.random("alignedAllocationsFromSeveralThreads");
        try (Heap heap = Heap.ofShared()) {
            ConcurrentLinkedQueue<MemorySegment> made = new ConcurrentLinkedQueue<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                SplittableRandom random = seeds.split();
                Runnable work = () -> {
                    try {
                        for (int i = 0; i < 1500; i++) {
                            int shift = 5 + random.nextInt(8);   // 32 .. 4096
                            if (random.nextInt(50) == 0) {
                                shift = 13 + random.nextInt(9);   // 8 KiB .. 2 MiB: large
                            } else if (random.nextInt(400) == 0) {
                                shift = 22;                        // 4 MiB: huge
                            }
                            long align = 1L << shift;
                            long size = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 200
                                    : 40_000);
                            MemorySegment s = heap.allocate(size, align);
                            if (s.address() % align != 0) {
                                throw new AssertionError("allocate(" + size + ", " + align + ") gave "
                                        + Long.toHexString(s.address()));
                            }
                            long usable = heap.usableSize(s.address());
                            if (usable < size) {
                                throw new AssertionError("usable " + usable + " < " + size);
                            }
                            long nonZero = firstNonZero(s);
                            if (nonZero >= 0) {
                                throw new AssertionError("allocate(" + size + ", " + align + ") not zeroed at "
                                        + nonZero);
                            }
                            stamp(s, s.address());
                            made.add(s);
                            if (random.nextInt(3) != 0) {   // free what another thread made
                                MemorySegment o = made.poll();
                                if (o != null) {
                                    checkStamp(o, o.address());
                                    stamp(o, 0x5a5a5a5a5a5a5a5aL);   // as a program may, before freeing
                                    heap.free(o);
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                };
                threads.add(t == 2 ? Thread.ofVirtual().start(work) : platform(work));
            }
            joinAll(threads, 120);
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            long usable = 0;
            for (MemorySegment s : made) {
                checkStamp(s, s.address());
                usable += heap.usableSize(s.address());
            }
            heap.check();
            assertEquals(made.size(), heap.liveAllocations());
            assertEquals(usable, heap.liveBytes(), "liveBytes at quiescence is the sum of usableSize");
            made.forEach(heap::free);
            heap.trim();
            heap.check();
            assertEquals(0, heap.liveBytes());
            assertEquals(0, heap.liveAllocations());
        }
    }

    /**
     * Platform and virtual threads hand blocks of every kind (slots, large, rarely huge) to each other while a
     * thread trims: at quiescence the per-class counts, liveBytes and check() agree with what the program holds,
     * and after freeing everything and a trim the footprint is small again.
     */
    @Test
    void statisticsAreExactAtQuiescenceAfterMixedCrossThreadWork() throws Exception {
        long seed = Seeds.seed("statisticsAreExactAtQuiescence");
        try (Heap heap = Heap.ofShared()) {
            ConcurrentLinkedQueue<MemorySegment> pool = new ConcurrentLinkedQueue<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread trimmer = platform(() -> {
                try {
                    while (!stop.get()) {
                        heap.trim();
                        Thread.onSpinWait();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                SplittableRandom random = new SplittableRandom(seed + t);
                Runnable work = () -> {
                    try {
                        for (int i = 0; i < 4000; i++) {
                            int kind = random.nextInt(1000);
                            long size = kind == 0 ? (16L << 20) + random.nextInt(1 << 20)
                                    : kind < 30 ? 32_769 + random.nextInt(300_000)
                                    : 1 + random.nextInt(random.nextBoolean() ? 256 : 32_768);
                            MemorySegment s = heap.allocateNoInit(size, 16);
                            stamp(s, s.address());
                            pool.add(s);
                            if (random.nextInt(10) < 6) {
                                MemorySegment o = pool.poll();
                                if (o != null) {
                                    checkStamp(o, o.address());
                                    heap.free(o);
                                }
                            }
                            if (i % 100 == 0) {
                                Thread.yield();
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                };
                threads.add(t % 2 == 0 ? platform(work) : Thread.ofVirtual().start(work));
            }
            joinAll(threads, 150);
            stop.set(true);
            trimmer.join();
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            heap.check();
            long[] perClass = new long[SizeClasses.COUNT + 2];
            long usable = 0;
            for (MemorySegment s : pool) {
                checkStamp(s, s.address());
                long u = heap.usableSize(s.address());
                usable += u;
                perClass[s.byteSize() >= (16L << 20) ? SizeClasses.COUNT + 1
                        : s.byteSize() > SizeClasses.MEDIUM_MAX ? SizeClasses.COUNT : SizeClasses.index(s.byteSize())]++;
            }
            for (int c = 0; c < perClass.length; c++) {
                assertEquals(perClass[c], heap.liveAllocations(c), "class " + c);
            }
            assertEquals(usable, heap.liveBytes());
            pool.forEach(heap::free);
            heap.trim();
            heap.check();
            assertEquals(0, heap.liveAllocations());
            assertEquals(0, heap.liveBytes());
            // What stays: the empty caches' metadata only; every page of every span went back.
            assertTrue(heap.committedBytes() <= 1L << 20, "footprint after freeing all and trim: "
                    + heap.committedBytes());
        }
    }

    /**
     * A 4 MiB shared heap filled by platform and virtual threads at once (slots and large payloads): every call either
     * works or throws OutOfNativeMemoryError; afterwards the heap is consistent, everything can be freed from other
     * threads, and the freed room can be allocated again.
     */
    @Test
    void aFullHeapFromSeveralThreadsThrowsOutOfNativeMemoryAndRecovers() throws Exception {
        long seed = Seeds.seed("aFullHeapFromSeveralThreads");
        try (Heap heap = Heap.builder().reserveSize(4L << 20).shared(true).build()) {
            ConcurrentLinkedQueue<MemorySegment> held = new ConcurrentLinkedQueue<>();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            AtomicInteger refusals = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                SplittableRandom random = new SplittableRandom(seed + t);
                Runnable work = () -> {
                    int failures = 0;
                    while (failures < 200) {
                        try {
                            long size = random.nextInt(8) == 0 ? 40_000 + random.nextInt(200_000)
                                    : 1 + random.nextInt(4000);
                            MemorySegment s = heap.allocate(size, 16);
                            stamp(s, s.address());
                            held.add(s);
                        } catch (dev.jalloc.OutOfNativeMemoryError full) {
                            failures++;
                            refusals.incrementAndGet();
                        } catch (Throwable e) {
                            unexpected.compareAndSet(null, e);
                            return;
                        }
                    }
                };
                threads.add(t % 2 == 0 ? platform(work) : Thread.ofVirtual().start(work));
            }
            joinAll(threads, 120);
            if (unexpected.get() != null) {
                throw new AssertionError(unexpected.get());
            }
            assertTrue(refusals.get() > 0);
            heap.check();
            long usable = 0;
            for (MemorySegment s : held) {
                checkStamp(s, s.address());
                usable += heap.usableSize(s.address());
            }
            assertEquals(held.size(), heap.liveAllocations());
            assertEquals(usable, heap.liveBytes());
            System.out.println("full at " + usable + " live bytes in " + held.size() + " blocks, committed "
                    + heap.committedBytes());
            Thread freer = platform(() -> held.forEach(heap::free));
            freer.join();
            heap.trim();
            heap.check();
            assertEquals(0, heap.liveAllocations());
            heap.free(heap.allocate(2L << 20, 16));   // the room is back
        }
    }

    /** The shared heap over 64 KiB OS pages (commits and purges in whole OS pages, 4 KiB heap pages inside). */
    @Test
    void sharedHeapOnLargerOsPagesFromSeveralThreads() throws Exception {
        long seed = Seeds.seed("sharedHeapOnLargerOsPages");
        try (Heap heap = Heap.builder().reserveSize(1L << 30).shared(true)
                .os(dev.jalloc.internal.os.Os.withPageSize(dev.jalloc.internal.os.Os.current(), 64 << 10)).build()) {
            ConcurrentLinkedQueue<MemorySegment> passed = new ConcurrentLinkedQueue<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                SplittableRandom random = new SplittableRandom(seed + t);
                threads.add(platform(() -> {
                    try {
                        for (int i = 0; i < 5000; i++) {
                            MemorySegment s = heap.allocate(1 + random.nextInt(random.nextInt(10) == 0 ? 300_000
                                    : 3000), 16);
                            long nonZero = firstNonZero(s);
                            if (nonZero >= 0) {
                                throw new AssertionError("not zeroed at " + nonZero + " of " + s.byteSize());
                            }
                            fill(s, s.address());
                            passed.add(s);
                            MemorySegment o = passed.poll();
                            if (o != null && random.nextInt(3) != 0) {
                                verify(o, o.address());
                                heap.free(o);
                            } else if (o != null) {
                                passed.add(o);
                            }
                            if (i % 1000 == 999) {
                                heap.trim();
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            joinAll(threads, 120);
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            heap.check();
            for (MemorySegment s : passed) {
                verify(s, s.address());
                heap.free(s);
            }
            heap.trim();
            heap.check();
            assertEquals(0, heap.liveAllocations());
        }
    }

    // ---- stale frees ----

    /**
     * One thread churns spans (slabs of 48-byte slots and large spans, released and made again at the same pages);
     * another frees, without any happens-before edge, addresses 16 bytes into blocks the first one had: never a slot
     * start of any span that can be at those pages. Every such free must be refused and must free nothing: the
     * churning thread's blocks stay intact and its own frees all succeed.
     */
    @Test
    void staleInteriorFreesRacingSpanChurnAreAlwaysRefused() throws Exception {
        try (Heap heap = Heap.ofShared()) {
            long[] stale = new long[4096];
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong refused = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread staleFreer = platform(() -> {
                int k = 0;
                while (!stop.get()) {
                    long a = stale[k++ & (stale.length - 1)];   // a racy read, as a buggy program would do
                    if (a == 0) {
                        continue;
                    }
                    try {
                        heap.free(a + 16);
                        failure.compareAndSet(null, new AssertionError("a stale interior free at "
                                + Long.toHexString(a + 16) + " succeeded"));
                    } catch (IllegalArgumentException expected) {
                        refused.incrementAndGet();
                    }
                }
            });
            try {
                int w = 0;
                for (int round = 0; round < 300 && failure.get() == null; round++) {
                    List<MemorySegment> mine = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        MemorySegment s = heap.allocateNoInit(i % 20 == 0 ? 8192 : 48, 16);
                        fill(s, s.address() ^ round);
                        mine.add(s);
                        stale[w++ & (stale.length - 1)] = s.address();
                    }
                    for (MemorySegment s : mine) {
                        verify(s, s.address() ^ round);
                        heap.free(s);   // must succeed: nobody else may have freed it
                    }
                    if (round % 10 == 0) {
                        heap.trim();   // releases the empty slabs: their pages are made into new spans again
                    }
                }
            } finally {
                stop.set(true);
                staleFreer.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertTrue(refused.get() > 0);
            heap.check();
            assertEquals(0, heap.liveAllocations());
        }
    }

    /**
     * Blocks of every class and large payloads made by a thread that then dies, freed by another thread (remote frees
     * into a dead cache), its spans released by a trim: exact frees and usableSize of the old addresses, from a
     * third thread, are refused with IllegalArgumentException and change nothing.
     */
    @Test
    void exactStaleFreesIntoReleasedSpansAreRefusedFromAnyThread() throws Exception {
        try (Heap heap = Heap.ofShared()) {
            List<Long> made = Collections.synchronizedList(new ArrayList<>());
            Thread maker = platform(() -> {
                for (int c = 0; c < SizeClasses.COUNT; c++) {
                    for (int i = 0; i < 3; i++) {
                        made.add(heap.allocateAddress(SizeClasses.size(c), 16));
                    }
                }
                for (int i = 0; i < 5; i++) {
                    made.add(heap.allocateAddress(40_000 + i * 5000, 16));
                }
            });
            maker.join();   // dies holding its cache and every span
            Thread freer = platform(() -> made.forEach(heap::free));
            freer.join();
            heap.trim();    // reclaims the dead cache: drains the remote frees, releases the empty spans
            heap.check();
            long committed = heap.committedBytes();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread stale = platform(() -> {
                try {
                    for (long a : made) {
                        assertThrows(IllegalArgumentException.class, () -> heap.free(a));
                        assertThrows(IllegalArgumentException.class, () -> heap.usableSize(a));
                        assertThrows(IllegalArgumentException.class, () -> heap.reallocate(a, 100));
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            stale.join();
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            heap.check();
            assertEquals(0, heap.liveAllocations());
            assertEquals(committed, heap.committedBytes());
        }
    }

    // ---- thread-id collisions in the table ----

    /**
     * Three live platform threads whose ids are equal modulo 1024 (one table slot: two of them use the ThreadLocal
     * fallback) allocate, pass blocks around and free each other's blocks; then one dies and a fourth colliding thread
     * takes over. Nothing is handed out twice and check() holds.
     */
    @Test
    void threadsCollidingInTheTableEachGetTheirOwnCache() throws Exception {
        SplittableRandom seeds = Seeds.random("threadsCollidingInTheTable");
        List<Worker> workers = collidingWorkers(4);
        try (Heap heap = Heap.ofShared()) {
            ConcurrentLinkedQueue<MemorySegment> passed = new ConcurrentLinkedQueue<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            java.util.function.Function<SplittableRandom, Runnable> work = random -> () -> {
                try {
                    List<MemorySegment> mine = new ArrayList<>();
                    for (int i = 0; i < 30_000; i++) {
                        if (mine.size() < 100 && random.nextBoolean()) {
                            MemorySegment s = heap.allocateNoInit(1 + random.nextInt(random.nextInt(10) == 0
                                    ? 60_000 : 600), 16);
                            fill(s, s.address());
                            mine.add(s);
                        } else if (!mine.isEmpty()) {
                            MemorySegment s = mine.remove(random.nextInt(mine.size()));
                            verify(s, s.address());
                            if (random.nextBoolean()) {
                                passed.add(s);
                            } else {
                                heap.free(s);
                            }
                        }
                        MemorySegment o = random.nextInt(4) == 0 ? passed.poll() : null;
                        if (o != null) {
                            verify(o, o.address());
                            heap.free(o);
                        }
                    }
                    mine.forEach(heap::free);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            };
            for (int i = 0; i < 3; i++) {
                workers.get(i).thread.start();
            }
            List<FutureTask<Void>> running = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                running.add(workers.get(i).submit(work.apply(seeds.split())));
            }
            for (FutureTask<Void> f : running) {
                f.get(120, TimeUnit.SECONDS);
            }
            workers.get(0).stop();   // the table slot's owner dies: its cache is adopted by the next one
            workers.get(3).thread.start();
            running.clear();
            for (int i = 1; i < 4; i++) {
                running.add(workers.get(i).submit(work.apply(seeds.split())));
            }
            for (FutureTask<Void> f : running) {
                f.get(120, TimeUnit.SECONDS);
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            passed.forEach(heap::free);
            heap.check();
            assertEquals(0, heap.liveAllocations());
            assertTrue(heap.shared().threadCaches() <= 5, "caches: " + heap.shared().threadCaches());
            heap.trim();
            heap.check();
        } finally {
            for (Worker w : workers) {
                w.stop();
            }
        }
    }

    private static WeakReference<SharedHeapEngine> useAndClose(List<Worker> users) throws Exception {
        Heap heap = Heap.ofShared();
        for (Worker w : users) {
            w.run(() -> heap.free(heap.allocateAddress(48, 16)));
        }
        WeakReference<SharedHeapEngine> ref = new WeakReference<>(heap.shared());
        heap.close();
        return ref;
    }

    private static boolean collected(WeakReference<?> ref) throws InterruptedException {
        for (int i = 0; i < 20 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        return ref.get() == null;
    }

    /**
     * BUG: a closed, unreachable shared heap stays in memory (its directory chunks, spans and caches: Java heap) for
     * as long as any live thread that collided in the table is alive. The thread's ThreadLocal fallback holds its
     * ThreadCache as the value, the cache holds the engine, and the engine holds the ThreadLocal (the key): the
     * key never becomes weakly reachable, the classic ThreadLocal leak. With thread ids growing over an
     * application's life, collisions of pool threads with newer threads are common; a heap per request then leaks
     * its metadata per request.
     */
    @Test
    void aClosedHeapIsNotKeptAliveByTheThreadLocalFallbackOfALiveThread() throws Exception {
        List<Worker> pair = collidingWorkers(2);
        pair.forEach(w -> w.thread.start());
        try {
            // Control: the same two threads, but only one of them uses the heap: no fallback, collected.
            assertTrue(collected(useAndClose(List.of(pair.get(0)))), "control: a closed heap used by one thread");
            // The second thread collides with the first (alive): it uses the ThreadLocal fallback.
            WeakReference<SharedHeapEngine> ref = useAndClose(pair);
            assertTrue(collected(ref), "a closed shared heap is still reachable from the ThreadLocal of a live "
                    + "thread (" + pair.get(1).thread + ") that collided in the table: a leak");
        } finally {
            for (Worker w : pair) {
                w.stop();
            }
        }
    }

    // ---- dying threads, reclaim, new threads ----

    /**
     * Waves of short-lived platform threads each leave blocks and a full cache behind, while one thread trims in a
     * loop (so reclaim holds dead caches when new threads look for one) and the main thread frees the survivors
     * (remote frees into dead or adopted caches). Nothing is handed out twice; counts are exact at the end.
     */
    @Test
    void reclaimRacingNewAndDyingThreadsNeverHandsOutASlotTwice() throws Exception {
        long seed = Seeds.seed("reclaimRacingNewAndDyingThreads");
        try (Heap heap = Heap.ofShared()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread trimmer = platform(() -> {
                try {
                    while (!stop.get()) {
                        heap.trim();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            List<MemorySegment> survivors = Collections.synchronizedList(new ArrayList<>());
            int maxCaches = 0;
            for (int wave = 0; wave < 40 && failure.get() == null; wave++) {
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    SplittableRandom random = new SplittableRandom(seed + wave * 7L + t);
                    threads.add(platform(() -> {
                        try {
                            for (int i = 0; i < 400; i++) {
                                MemorySegment s = heap.allocateNoInit(1 + random.nextInt(2000), 16);
                                fill(s, s.address());
                                if (random.nextInt(4) == 0) {
                                    survivors.add(s);
                                } else {
                                    heap.free(s);
                                }
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    }));
                }
                joinAll(threads, 60);
                synchronized (survivors) {
                    if (wave % 2 == 1) {
                        for (MemorySegment s : survivors) {
                            verify(s, s.address());
                            heap.free(s);
                        }
                        survivors.clear();
                    }
                }
                maxCaches = Math.max(maxCaches, heap.shared().threadCaches());
            }
            stop.set(true);
            trimmer.join();
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            for (MemorySegment s : survivors) {
                verify(s, s.address());
                heap.free(s);
            }
            System.out.println("caches made for 120 threads, at most 5 alive at once: " + maxCaches);
            heap.trim();
            heap.check();
            assertEquals(0, heap.liveAllocations());
            assertEquals(0, heap.liveBytes());
        }
    }

    /**
     * Producers allocate 32 MiB of 4000-byte blocks and end; a platform consumer frees them all (remote frees) and
     * goes on working (slow paths, large frees: the events at which the heap reclaims and decays) for at least two
     * seconds, twice the heap's reuse window (free pages it used within about a second are kept for reuse), without
     * calling trim(). {@return the footprint after that}
     */
    private static long footprintAfterProducersEnd(boolean virtualProducers) throws Exception {
        try (Heap heap = Heap.ofShared()) {
            ConcurrentLinkedQueue<Long> made = new ConcurrentLinkedQueue<>();
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Runnable produce = () -> {
                    for (int i = 0; i < 2048; i++) {
                        made.add(heap.allocateAddressNoInit(4000, 16));
                    }
                };
                producers.add(virtualProducers ? Thread.ofVirtual().start(produce) : platform(produce));
            }
            joinAll(producers, 60);
            long peak = heap.committedBytes();
            Worker consumer = new Worker();
            consumer.thread.start();
            try {
                consumer.run(() -> made.forEach(heap::free));
                consumer.run(() -> {
                    long until = System.nanoTime() + 2_000_000_000L;
                    for (int round = 0; round < 30 || System.nanoTime() < until; round++) {
                        List<Long> mine = new ArrayList<>();
                        for (int i = 0; i < 500; i++) {
                            mine.add(heap.allocateAddressNoInit(16 + (i % 40) * 16, 16));
                        }
                        for (int i = 0; i < 20; i++) {
                            mine.add(heap.allocateAddressNoInit(40_000, 16));
                        }
                        mine.forEach(heap::free);
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    }
                });
                long after = heap.committedBytes();
                System.out.println((virtualProducers ? "virtual" : "platform") + " producers: footprint at the peak "
                        + peak + ", after the consumer freed everything and worked on " + after);
                assertEquals(0, heap.liveAllocations());
                return after;
            } finally {
                consumer.stop();
            }
        }
    }

    /**
     * BUG (memory not returned): blocks allocated by virtual threads live in stripe-owned spans; freed by a platform
     * thread, they go on the stripe's pending stack, and only a virtual thread holding that stripe on a slow path, or
     * an explicit trim(), takes them back. The slow paths of platform threads reclaim dead platform caches
     * (reclaim(false)) but never idle stripes, and decay never sees those spans: with virtual producers and platform
     * consumers, everything the producers ever allocated stays committed until somebody calls trim(). The same
     * workload with platform producers that end gives it back (the control).
     */
    @Test
    void memoryFreedIntoIdleStripesIsReturnedWithoutAnExplicitTrim() throws Exception {
        long platform = footprintAfterProducersEnd(false);
        assertTrue(platform < 8L << 20, "control: platform producers, footprint " + platform);
        long virtual = footprintAfterProducersEnd(true);
        assertTrue(virtual < 8L << 20, "virtual producers: " + virtual + " bytes stay committed in idle stripes "
                + "after every block was freed (platform producers: " + platform + ")");
    }

    /**
     * A ForkJoinPool of its own: tasks fork subtasks that allocate, and blocks are freed by whichever worker runs the
     * joining task (work stealing moves them between threads); then the pool shuts down (its workers die) and a
     * second pool's workers adopt their caches.
     */
    @Test
    void forkJoinWorkStealingAndPoolShutdown() throws Exception {
        try (Heap heap = Heap.ofShared()) {
            class Tree extends RecursiveAction {
                final int depth;
                MemorySegment made;

                Tree(int depth) {
                    this.depth = depth;
                }

                @Override
                protected void compute() {
                    made = heap.allocate(16 + depth * 48L, 16);
                    fill(made, made.address());
                    if (depth > 0) {
                        Tree l = new Tree(depth - 1);
                        Tree r = new Tree(depth - 1);
                        invokeAll(l, r);
                        verify(l.made, l.made.address());
                        verify(r.made, r.made.address());
                        heap.free(l.made);
                        heap.free(r.made);
                    }
                }
            }
            for (int p = 0; p < 3; p++) {
                ForkJoinPool pool = new ForkJoinPool(3);
                try {
                    for (int i = 0; i < 20; i++) {
                        Tree root = new Tree(10);
                        pool.invoke(root);
                        verify(root.made, root.made.address());
                        heap.free(root.made);
                    }
                } finally {
                    pool.shutdown();
                    assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
                }
            }
            assertEquals(0, heap.liveAllocations());
            heap.trim();
            heap.check();
            assertTrue(heap.shared().threadCaches() <= 10, "caches: " + heap.shared().threadCaches());
        }
    }

    // ---- reallocate, usableSize and free racing ----

    /**
     * A reallocation that must move (slot to bigger slot, slot to large) on one thread races a free of the same
     * address on another: exactly one of them frees the old payload; the loser gets IllegalArgumentException and
     * leaves nothing behind.
     */
    @Test
    void reallocateRacingAFreeFromAnotherThreadHasExactlyOneWinner() throws Exception {
        SplittableRandom random = Seeds.random("reallocateRacingAFree");
        try (Heap heap = Heap.ofShared()) {
            int rounds = 3000;
            AtomicLong target = new AtomicLong();
            CyclicBarrier start = new CyclicBarrier(2);
            CyclicBarrier done = new CyclicBarrier(2);
            AtomicInteger freeWins = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread freer = platform(() -> {
                try {
                    for (int r = 0; r < rounds; r++) {
                        start.await();
                        try {
                            heap.free(target.get());
                            freeWins.incrementAndGet();
                        } catch (IllegalArgumentException lost) {
                            // the reallocation won
                        }
                        done.await();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            List<Long> moved = new ArrayList<>();
            int reallocWins = 0;
            for (int r = 0; r < rounds; r++) {
                long a = heap.allocateAddress(50 + random.nextInt(100), 16);
                target.set(a);
                long to = random.nextBoolean() ? 3000 : 40_000 + random.nextInt(60_000);
                start.await();
                try {
                    moved.add(heap.reallocate(a, to));
                    reallocWins++;
                } catch (IllegalArgumentException lost) {
                    // the free won
                }
                done.await();
            }
            freer.join();
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals(rounds, reallocWins + freeWins.get(), "exactly one winner per round");
            assertEquals(moved.size(), heap.liveAllocations(), "the losers left nothing behind");
            moved.forEach(heap::free);
            heap.check();
            assertEquals(0, heap.liveAllocations());
        }
    }

    /**
     * Found as a bug, and fixed: reallocate read usableSize, allocated, copied, and only then freed the old address,
     * so an owner's free and new allocation of the same slot could land inside that window and both calls "won"
     * the old payload. reallocate now claims the old payload (its compare-and-set) before it allocates and copies.
     * <p>What remains is address reuse, which no allocator handing out raw addresses can tell apart: if the owner
     * frees the block and is handed the same address again before the other thread's reallocate even starts, that
     * reallocate works on the owner's new block, a live payload at that address. So this test asserts what holds:
     * every call either wins or is refused with IllegalArgumentException, the heap's invariants hold, and every
     * payload is accounted for exactly once (nothing handed out twice, nothing leaked).
     */
    @Test
    void reallocateNeverFreesABlockAllocatedWhileItCopied() throws Exception {
        try (Heap heap = Heap.ofShared()) {
            int rounds = 20_000;
            AtomicLong target = new AtomicLong();
            AtomicLong moved = new AtomicLong();
            CyclicBarrier start = new CyclicBarrier(2);
            CyclicBarrier done = new CyclicBarrier(2);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reallocator = platform(() -> {
                try {
                    for (int r = 0; r < rounds; r++) {
                        start.await();
                        try {
                            moved.set(heap.reallocate(target.get(), 100_000));
                        } catch (IllegalArgumentException lost) {
                            moved.set(0);
                        }
                        done.await();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            int twoWinners = 0;
            int freedUnderItsOwner = 0;
            for (int r = 0; r < rounds && failure.get() == null; r++) {
                long a = heap.allocateAddress(30_000, 16);
                target.set(a);
                start.await();
                boolean ownerWon;
                try {
                    heap.free(a);                               // the owner frees it ...
                    ownerWon = true;
                } catch (IllegalArgumentException lost) {
                    ownerWon = false;                           // (the reallocation was first)
                }
                long again = heap.allocateAddress(30_000, 16);  // ... and gets the slot back at once
                done.await();
                if (moved.get() != 0) {
                    if (ownerWon) {
                        twoWinners++;   // the owner's free succeeded, and so did the reallocation of the same payload
                    }
                    heap.free(moved.get());
                }
                try {
                    heap.usableSize(again);
                    heap.free(again);
                } catch (IllegalArgumentException e) {
                    freedUnderItsOwner++;   // the owner's live block was freed by the reallocation
                }
            }
            reallocator.join();
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            heap.check();
            assertEquals(0, heap.liveAllocations(), "every payload accounted for once");
            // Address reuse: each "two winners" round is one where the owner got the same address back before the
            // reallocation claimed it, so the reallocation moved the owner's new block (freedUnderItsOwner).
            assertEquals(twoWinners, freedUnderItsOwner, "in " + rounds + " rounds: " + twoWinners
                    + " times both the free and the reallocation won, " + freedUnderItsOwner
                    + " times the reallocation took the owner's new block at the same address");
        }
    }

    /**
     * BUG (wrong exception, and a spurious interrupt): reallocate or usableSize of a huge payload that another thread
     * frees at that moment must throw IllegalArgumentException (not a live payload). reallocate copies over the huge
     * mapping's segment before it claims the payload, and the free closes that segment's shared scope under the copy:
     * the JDK then throws IllegalStateException ("Already closed", which the API reserves for a closed heap) in the
     * reallocating thread, as an asynchronous exception that also sets its interrupt status (a later blocking call
     * of the program fails with InterruptedException). The heap is open throughout.
     */
    @Test
    void reallocateRacingAFreeOfAHugePayloadThrowsIllegalArgumentOnly() throws Exception {
        try (Heap heap = Heap.ofShared()) {
            int rounds = 60;
            AtomicLong target = new AtomicLong();
            CyclicBarrier start = new CyclicBarrier(2);
            CyclicBarrier done = new CyclicBarrier(2);
            List<Throwable> wrong = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger freeWins = new AtomicInteger();
            Thread freer = platform(() -> {
                try {
                    for (int r = 0; r < rounds; r++) {
                        start.await();
                        Thread.sleep(0, (r * 7919) % 1_000_000);   // land anywhere in the copy
                        try {
                            heap.free(target.get());
                            freeWins.incrementAndGet();
                        } catch (IllegalArgumentException lost) {
                            // the reallocation won
                        } catch (Throwable e) {
                            wrong.add(e);
                        }
                        done.await();
                    }
                } catch (Exception e) {
                    wrong.add(e);
                }
            });
            List<Long> moved = new ArrayList<>();
            int interrupted = 0;
            for (int r = 0; r < rounds; r++) {
                long a = heap.allocateAddressNoInit(16L << 20, 16);
                target.set(a);
                start.await();
                try {
                    heap.usableSize(a);
                    moved.add(heap.reallocateNoInit(a, 24L << 20));
                } catch (IllegalArgumentException lost) {
                    // the free won
                } catch (Throwable e) {
                    wrong.add(e);
                }
                if (Thread.interrupted()) {
                    interrupted++;   // nobody interrupted this thread: the JDK's async exception did
                }
                done.await();
            }
            freer.join();
            moved.forEach(heap::free);
            heap.check();
            assertEquals(0, heap.liveAllocations(), "nothing left behind");
            assertEquals(rounds, moved.size() + freeWins.get(), "exactly one winner per round");
            assertEquals(List.of(), wrong.stream().map(Throwable::toString).distinct().toList(),
                    wrong.size() + " exceptions other than IllegalArgumentException while racing a free of a huge "
                            + "payload (and " + interrupted + " times the reallocating thread was left interrupted)");
            assertEquals(0, interrupted, "reallocate left the calling thread interrupted");
        }
    }

    // ---- close ----

    /** BUG: Object.toString must not throw; a shared heap's toString races a close from another thread. */
    @Test
    void toStringRacingCloseFromAnotherThreadNeverThrows() throws Exception {
        int threw = 0;
        String first = null;
        for (int round = 0; round < 300; round++) {
            Heap heap = Heap.builder().reserveSize(1 << 20).shared(true).build();
            for (int i = 0; i < 5; i++) {
                heap.allocate(48 + 160 * i, 16);
            }
            CountDownLatch going = new CountDownLatch(1);
            AtomicReference<Throwable> caught = new AtomicReference<>();
            Thread reader = platform(() -> {
                try {
                    going.countDown();
                    while (!heap.toString().endsWith("[closed]")) {
                        Thread.onSpinWait();
                    }
                } catch (Throwable e) {
                    caught.set(e);
                }
            });
            going.await();
            Thread.sleep(0, 50_000);
            heap.close();
            reader.join();
            if (caught.get() != null) {
                threw++;
                first = first == null ? caught.get().toString() : first;
            }
        }
        assertEquals(0, threw, "toString threw while another thread closed the heap, e.g. " + first);
    }

    static volatile CountDownLatch inDowncall;
    static volatile CountDownLatch leaveDowncall;

    /** A qsort comparator that parks the downcall until the test lets it go. */
    static int blockingCompare(MemorySegment a, MemorySegment b) {
        inDowncall.countDown();
        try {
            leaveDowncall.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * BUG (leak): a shared heap closed while another thread passes one of its segments to a downcall (a read into a
     * heap buffer, here qsort with a comparator that waits). The region's scope cannot close under the downcall, so
     * close() throws IllegalStateException, but the heap is already marked closed: no later close can release it,
     * and its whole reservation (and committed pages) stays mapped for the life of the process. LinearArena.close
     * does it right: the scope first ("the one step that may refuse: nothing has changed before it").
     */
    @Test
    void closeRefusedByADowncallLeavesTheHeapClosableOrReleasesItLater() throws Exception {
        assumeTrue(ProcMaps.available(), "no /proc/self/maps on this system");
        Linker linker = Linker.nativeLinker();
        MethodHandle qsort = linker.downcallHandle(linker.defaultLookup().find("qsort").orElseThrow(),
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        MethodHandle compare = MethodHandles.lookup().findStatic(SharedHeapAdversarialTest.class, "blockingCompare",
                MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
        Heap heap = Heap.builder().reserveSize(8L << 20).shared(true).build();
        long from = heap.region.address();
        long to = from + heap.reservedBytes();
        try (Arena stubs = Arena.ofShared()) {
            MemorySegment comparator = linker.upcallStub(compare, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS),
                    stubs);
            MemorySegment buffer = heap.allocate(64, 16);
            inDowncall = new CountDownLatch(1);
            leaveDowncall = new CountDownLatch(1);
            AtomicReference<Throwable> downcallFailure = new AtomicReference<>();
            Thread reader = platform(() -> {
                try {
                    qsort.invokeExact(buffer, 2L, 8L, comparator);
                } catch (Throwable e) {
                    downcallFailure.set(e);
                }
            });
            assertTrue(inDowncall.await(30, TimeUnit.SECONDS));
            Throwable closeFailure = null;
            try {
                heap.close();
            } catch (IllegalStateException e) {
                closeFailure = e;   // refusing is fine: a segment is in use
            }
            leaveDowncall.countDown();
            reader.join();
            System.out.println("close during the downcall: " + closeFailure + "; downcall: " + downcallFailure.get());
            if (closeFailure != null) {
                // Refused: the heap must still be closable now that the downcall returned, or released already.
                try {
                    heap.close();
                } catch (IllegalStateException e) {
                    long mapped = ProcMaps.coveredBytes(ProcMaps.read(), from, to);
                    fail("close() refused under a downcall (" + closeFailure.getMessage() + "), then close() again "
                            + "says '" + e.getMessage() + "' while " + mapped + " bytes of its reservation at "
                            + Long.toHexString(from) + " are still mapped: leaked for good");
                }
            }
            assertEquals(0, ProcMaps.coveredBytes(ProcMaps.read(), from, to), "the region is unmapped after close");
        }
    }

    /**
     * Platform and virtual threads allocate slots, large and huge payloads while another thread closes the heap:
     * every call either works or throws IllegalStateException, all threads finish (no one spins on a stripe of a
     * closed heap), and neither the region nor any huge mapping a worker got stays mapped.
     */
    @Test
    void closeWhileVirtualAndPlatformThreadsAllocateReleasesEverything() throws Exception {
        assumeTrue(ProcMaps.available(), "no /proc/self/maps on this system");
        for (int round = 0; round < 5; round++) {
            Heap heap = Heap.builder().reserveSize(256L << 20).shared(true).build();
            long from = heap.region.address();
            long to = from + heap.reservedBytes();
            Set<Long> hugeStarts = ConcurrentHashMap.newKeySet();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            CountDownLatch working = new CountDownLatch(6);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                int id = w;
                Runnable work = () -> {
                    working.countDown();
                    SplittableRandom random = new SplittableRandom(id);
                    List<MemorySegment> mine = new ArrayList<>();
                    try {
                        while (true) {
                            int k = random.nextInt(200);
                            long size = k == 0 ? 16L << 20 : k < 10 ? 50_000 : 1 + random.nextInt(3000);
                            MemorySegment s = heap.allocate(size, k % 7 == 0 ? 256 : 16);
                            if (size >= 16L << 20) {
                                hugeStarts.add(s.address());
                            }
                            if (s.byteSize() >= 8) {
                                s.set(JAVA_LONG, 0, 42);
                            }
                            mine.add(s);
                            if (mine.size() > 20) {
                                heap.free(mine.remove(random.nextInt(mine.size())));
                            }
                        }
                    } catch (IllegalStateException expected) {
                        // closed under it
                    } catch (Throwable t) {
                        unexpected.compareAndSet(null, t);
                    }
                };
                threads.add(w % 2 == 0 ? platform(work) : Thread.ofVirtual().start(work));
            }
            working.await();
            Thread.sleep(20 + round * 10);
            var before = ProcMaps.read();
            Thread closer = platform(heap::close);
            closer.join();
            joinAll(threads, 30);
            if (unexpected.get() != null) {
                throw new AssertionError(unexpected.get());
            }
            var after = ProcMaps.read();
            assertEquals(List.of(), ProcMaps.leftovers(before, after, from, to), "region left mapped");
            for (long a : hugeStarts) {
                assertEquals(List.of(), ProcMaps.leftovers(before, after, a, a + (16L << 20)),
                        "a huge mapping made by a worker stays mapped");
            }
        }
    }

    // ---- child JVM scenarios: hangs and deadlocks ----

    private static ChildJvm.Result child(String scenario, String... jvmArgs) throws Exception {
        ChildJvm.Result result = ChildJvm.of(Child.class).jvmArgs(jvmArgs).timeoutSeconds(90).run(scenario);
        System.out.println(scenario + ": " + result.describe());
        return result;
    }

    /**
     * BUG (hang): on a one-CPU machine (one carrier thread), the stripes held by virtual threads parked on the heap's
     * central lock (a platform thread is in a slow mmap) and a virtual thread that cannot unmount (pinned: here in
     * a class initializer, as in {@code static final MemorySegment T = HEAP.allocate(...)}; an upcall from native code
     * pins too) calling the heap: holdStripe spins with Thread.yield, which does nothing for a pinned thread, and
     * the stripe holders never get the carrier back to release their stripes. The JVM hangs for good. (A fix that
     * parks the waiter instead of spinning still hangs here: the waiter's carrier is the one the holders need.)
     */
    @Test
    void aPinnedVirtualThreadWaitingForAStripeDoesNotHangTheScheduler() throws Exception {
        ChildJvm.Result r = child("pinnedVirtualThread", "-XX:ActiveProcessorCount=1");
        assertTrue(r.finishedWith("PASS"), r.describe());
    }

    /**
     * BUG (hang, no pinning needed): the same as above with an ordinary virtual thread waiting for a stripe. Its
     * Thread.yield does unmount it, but the scheduler runs it again at once: the stripe holder woken by the unlock
     * (submitted to the carrier pool from the unlocking platform thread) stays RUNNABLE and is never mounted (seen
     * on JDK 25 for 15 s, then killed). On a one-CPU machine (the default parallelism there is 1) a platform thread
     * descheduled inside the heap's lock while virtual threads queue on it is enough: the next virtual thread to call
     * the heap spins for ever and the JVM's virtual threads stop. With P carriers, P waiters do the same.
     */
    @Test
    void anUnpinnedVirtualThreadWaitingForAStripeDoesNotStarveTheHolders() throws Exception {
        ChildJvm.Result r = child("unpinnedVirtualThread", "-XX:ActiveProcessorCount=1");
        assertTrue(r.finishedWith("PASS"), r.describe());
    }

    /**
     * BUG (deadlock): a shared heap on the tail of a shared arena; threads trim and allocate/free large payloads
     * (the engine lock held while committing or purging through the arena, which takes the arena's lock) while
     * another thread closes the arena (the arena's lock held while closing the heap on its tail, which takes the
     * engine lock in releaseHuge): lock-order inversion, both threads wait for ever.
     */
    @Test
    void closingTheSharedArenaUnderAWorkingSharedHeapDoesNotDeadlock() throws Exception {
        long seed = Seeds.seed("closingTheSharedArenaUnderAWorkingSharedHeap");
        ChildJvm.Result r = ChildJvm.of(Child.class).timeoutSeconds(120).run("arenaCloseUnderWorkers",
                Long.toString(seed));
        System.out.println("arenaCloseUnderWorkers: " + r.describe());
        assertTrue(r.finishedWith("PASS"), r.describe());
    }

    /** The child JVM's scenarios: each prints PASS at the end, or explains and exits non-zero. */
    public static final class Child {
        static Heap pinnedHeap;

        /** Touched first by a virtual thread: its initializer runs pinned and allocates from the shared heap. */
        static final class PinnedInit {
            static final long ADDRESS = pinnedHeap.allocateAddress(48, 16);

            static void touch() {
            }
        }

        public static void main(String[] args) throws Exception {
            switch (args[0]) {
                case "pinnedVirtualThread" -> virtualThreadWaitingForAStripe(true);
                case "unpinnedVirtualThread" -> virtualThreadWaitingForAStripe(false);
                case "arenaCloseUnderWorkers" -> arenaCloseUnderWorkers(Long.parseLong(args[1]));
                default -> throw new IllegalArgumentException(args[0]);
            }
            System.out.println("PASS");
            System.exit(0);
        }

        private static void dumpAndHalt(String what) {
            System.out.println(what);
            for (var e : Thread.getAllStackTraces().entrySet()) {
                System.out.println(e.getKey() + " " + e.getKey().getState());
                for (StackTraceElement f : e.getValue()) {
                    if (f.getClassName().startsWith("dev.jalloc") || f.getClassName().contains("locks")) {
                        System.out.println("    at " + f);
                    }
                }
            }
            System.out.flush();
            Runtime.getRuntime().halt(2);
        }

        static void virtualThreadWaitingForAStripe(boolean pin) throws Exception {
            Heap heap = Heap.ofShared();
            pinnedHeap = heap;
            SharedHeapEngine engine = heap.shared();
            ReentrantLock lock = (ReentrantLock) field(field(engine, "lock"), "lock");
            int stripes = ((Object[]) field(field(engine, "threads"), "stripes")).length;
            System.out.println("carriers: " + Runtime.getRuntime().availableProcessors() + ", stripes: " + stripes);
            lock.lock();   // as a platform thread inside a slow mmap under the central lock
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < stripes; i++) {
                // Each takes a fresh stripe, needs a span, parks on the lock: the stripe stays held.
                threads.add(Thread.ofVirtual().start(() -> heap.free(heap.allocateAddress(48, 16))));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (lock.getQueueLength() < stripes && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            System.out.println("virtual threads parked on the lock holding their stripes: " + lock.getQueueLength());
            long[] unpinned = new long[1];
            Thread waiter = pin ? Thread.ofVirtual().start(PinnedInit::touch)
                    : Thread.ofVirtual().start(() -> unpinned[0] = heap.allocateAddress(48, 16));
            threads.add(waiter);
            Thread.sleep(300);
            lock.unlock();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            for (Thread t : threads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (t.isAlive()) {
                    System.out.println("HANG: " + t + " did not finish within 15 s after the lock was released");
                    for (Thread v : threads) {
                        System.out.println("  " + v + " alive=" + v.isAlive() + " state=" + v.getState());
                        StackTraceElement[] stack = v.getStackTrace();
                        for (int f = 0; f < Math.min(12, stack.length); f++) {
                            System.out.println("      at " + stack[f]);
                        }
                    }
                    System.out.flush();
                    Runtime.getRuntime().halt(2);
                }
            }
            heap.free(pin ? PinnedInit.ADDRESS : unpinned[0]);
            heap.check();
            heap.close();
        }

        static void arenaCloseUnderWorkers(long seed) throws Exception {
            SplittableRandom random = new SplittableRandom(seed);
            for (int round = 0; round < 40; round++) {
                LinearArena arena = LinearArena.builder().shared(true).build();
                Heap heap = Heap.builder().onTailOf(arena).shared(true).build();
                AtomicReference<Throwable> unexpected = new AtomicReference<>();
                List<Thread> threads = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    SplittableRandom r = random.split();
                    threads.add(Thread.ofPlatform().start(() -> {
                        try {
                            while (true) {
                                long a = heap.allocateAddressNoInit(40_000 + r.nextInt(400_000), 16);
                                long b = heap.allocateAddressNoInit(1 + r.nextInt(3000), 16);
                                heap.free(a);
                                heap.free(b);
                                heap.trim();
                            }
                        } catch (IllegalStateException closed) {
                            // the arena closed the heap
                        } catch (Throwable t) {
                            unexpected.compareAndSet(null, t);
                        }
                    }));
                }
                Thread.sleep(2 + random.nextInt(10));
                Thread closer = Thread.ofPlatform().start(arena::close);
                threads.add(closer);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                for (Thread t : threads) {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                    if (t.isAlive()) {
                        dumpAndHalt("DEADLOCK in round " + round + ": " + t + " stuck for 15 s");
                    }
                }
                if (unexpected.get() != null) {
                    unexpected.get().printStackTrace(System.out);
                    throw new AssertionError("unexpected failure in round " + round, unexpected.get());
                }
            }
        }
    }
}
