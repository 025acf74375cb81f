package dev.jalloc.heap;

import static dev.jalloc.testing.Stamps.fill;
import static dev.jalloc.testing.Stamps.verify;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jalloc.internal.heap.SizeClasses;
import dev.jalloc.testing.ProcMaps;
import dev.jalloc.testing.Seeds;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared heap from several threads: frees from other threads come back to their owner, a double free from two
 * threads at once has exactly one winner, virtual threads share stripes instead of getting caches, dead threads'
 * caches are adopted, the common pool, trim from one thread while others work, and close from another thread.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedHeapTest {

    private static Thread platform(Runnable r) {
        return Thread.ofPlatform().start(r);
    }

    @Test
    void blocksFreedByAnotherThreadComeBackToTheirOwner() throws Exception {
        try (Heap heap = Heap.ofShared()) {
            assertTrue(heap.isShared());
            BlockingQueue<MemorySegment> handOff = new ArrayBlockingQueue<>(1024);
            int blocks = 20_000;
            Thread consumer = platform(() -> {
                try {
                    for (int i = 0; i < blocks; i++) {
                        MemorySegment s = handOff.take();
                        verify(s, s.address());
                        heap.free(s);
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            for (int i = 0; i < blocks; i++) {
                MemorySegment s = heap.allocateNoInit(16 + (i % 64) * 16, 16);
                fill(s, s.address());
                handOff.put(s);
            }
            consumer.join();
            assertEquals(0, heap.liveAllocations());
            // The committed prefix (purged pages included): decay may purge free pages at any time, but the prefix
            // grows only when the heap needs pages it never used.
            long prefix = heap.shared().prefixBytes();
            for (int round = 0; round < 5; round++) {   // the producer reuses the slots the consumer freed
                List<MemorySegment> again = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    again.add(heap.allocateNoInit(16 + (i % 64) * 16, 16));
                }
                again.forEach(heap::free);
            }
            // The slots come back: 5 rounds of 1000 allocations (about 2.5 MiB asked in all) grow the prefix by at
            // most one pool (a span released while its class was small may come back in another shape).
            long now = heap.shared().prefixBytes();
            assertTrue(now <= prefix + SizeClasses.POOL_BYTES, now + " > " + prefix + " + one pool");
            heap.check();
            heap.trim();
            assertEquals(0, heap.liveBytes());
            heap.check();
        }
    }

    /**
     * A consumer's frees of a producer's consecutive blocks gather in the consumer's outbox (a remote word at a
     * time): the heap stays exact meanwhile, and they reach the producer's slab at the consumer's next slow path,
     * so that a trim by the producer gives the slab back while the consumer lives on.
     */
    @Test
    void remoteFreesGatheredInAnOutboxReachTheirSlab() throws Exception {
        try (Heap heap = Heap.ofShared()) {
            heap.trim();
            long empty = heap.committedBytes();
            int blocks = SizeClasses.PAGE / 16;   // a slab of 16-byte slots: four remote words
            List<MemorySegment> mine = new ArrayList<>();
            for (int i = 0; i < blocks; i++) {
                mine.add(heap.allocateNoInit(16, 16));
            }
            CountDownLatch freed = new CountDownLatch(1);
            CountDownLatch checked = new CountDownLatch(1);
            CountDownLatch published = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            Thread consumer = platform(() -> {
                try {
                    mine.forEach(heap::free);   // the last word's frees stay in this thread's outbox
                    freed.countDown();
                    checked.await();
                    heap.free(heap.allocateNoInit(32, 16));   // a refill: its slow path publishes the outbox
                    published.countDown();
                    done.await();   // alive, its cache (one slab of 32-byte slots) out of reach of a trim
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            freed.await();
            assertEquals(0, heap.liveAllocations());
            heap.check();   // the slots in the outbox are neither live, available, remote nor cached
            checked.countDown();
            published.await();
            heap.trim();
            long kept = heap.committedBytes() - empty;
            done.countDown();
            consumer.join();
            assertEquals(SizeClasses.PAGE, kept, "only the consumer's slab is left after the producer's trim");
            assertEquals(0, heap.liveBytes());
            heap.check();
        }
    }

    @Test
    void twoThreadsFreeingOneBlockAtOnceHaveExactlyOneWinner() throws Exception {
        SplittableRandom random = Seeds.random("twoThreadsFreeingOneBlockAtOnceHaveExactlyOneWinner");
        try (Heap heap = Heap.ofShared()) {
            int rounds = 2000;
            AtomicReference<long[]> targets = new AtomicReference<>();
            CyclicBarrier start = new CyclicBarrier(2);
            CyclicBarrier done = new CyclicBarrier(2);
            AtomicInteger wins = new AtomicInteger();
            AtomicInteger refusals = new AtomicInteger();
            Runnable freer = () -> {
                try {
                    for (int r = 0; r < rounds; r++) {
                        start.await();
                        for (long a : targets.get()) {
                            try {
                                heap.free(a);
                                wins.incrementAndGet();
                            } catch (IllegalArgumentException e) {
                                refusals.incrementAndGet();
                            }
                        }
                        done.await();
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            Thread other = platform(freer);
            // This thread allocates, so its own frees race remote frees of the other thread.
            Thread self = Thread.currentThread();
            int total = 0;
            for (int r = 0; r < rounds; r++) {
                long[] a = new long[8];
                for (int i = 0; i < a.length; i++) {
                    long size = random.nextInt(8) == 0 ? 40_000 + random.nextInt(100_000) : 1 + random.nextInt(4000);
                    a[i] = heap.allocateAddressNoInit(size, 16);
                }
                total += a.length;
                targets.set(a);
                start.await();
                for (long x : a) {
                    try {
                        heap.free(x);
                        wins.incrementAndGet();
                    } catch (IllegalArgumentException e) {
                        refusals.incrementAndGet();
                    }
                }
                done.await();
            }
            other.join();
            assertEquals(self, Thread.currentThread());
            assertEquals(total, wins.get(), "every block freed exactly once");
            assertEquals(total, refusals.get(), "every second free refused");
            assertEquals(0, heap.liveAllocations());
            heap.check();
        }
    }

    @Test
    void tenThousandVirtualThreadsShareStripesAndGetNoCacheEach() throws Exception {
        try (Heap heap = Heap.ofShared(); ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            ConcurrentLinkedQueue<MemorySegment> passed = new ConcurrentLinkedQueue<>();
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < 10_000; t++) {
                int id = t;
                tasks.add(vts.submit(() -> {
                    List<MemorySegment> mine = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        MemorySegment s = heap.allocate(16L << (i % 8), 16);
                        fill(s, s.address());
                        mine.add(s);
                        if (i % 5 == 0) {
                            Thread.yield();   // unmount between calls: nothing is held across them
                        }
                    }
                    for (int i = 0; i < mine.size(); i++) {
                        MemorySegment s = mine.get(i);
                        verify(s, s.address());
                        if ((i + id) % 2 == 0) {
                            heap.free(s);
                        } else {
                            passed.add(s);   // freed by another virtual thread
                        }
                    }
                    for (int i = 0; i < 10; i++) {
                        MemorySegment s = passed.poll();
                        if (s != null) {
                            verify(s, s.address());
                            heap.free(s);
                        }
                    }
                }));
            }
            for (Future<?> f : tasks) {
                f.get();
            }
            for (MemorySegment s; (s = passed.poll()) != null; ) {
                heap.free(s);
            }
            assertEquals(0, heap.liveAllocations());
            assertTrue(heap.shared().threadCaches() <= 1, "virtual threads got caches: " + heap.shared().threadCaches());
            heap.trim();
            heap.check();
            assertEquals(0, heap.liveBytes());
        }
    }

    @Test
    void deadThreadsCachesAreAdoptedAndTheirBlocksFreedByOthers() throws Exception {
        try (Heap heap = Heap.ofShared()) {
            List<MemorySegment> survivors = new ArrayList<>();
            for (int round = 0; round < 30; round++) {
                List<Thread> threads = new ArrayList<>();
                List<List<MemorySegment>> kept = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    List<MemorySegment> mine = new ArrayList<>();
                    kept.add(mine);
                    threads.add(platform(() -> {
                        for (int i = 0; i < 500; i++) {
                            MemorySegment s = heap.allocate(8 + (i * 37) % 3000, 16);
                            fill(s, s.address());
                            if (i % 3 == 0) {
                                mine.add(s);   // dies holding it
                            } else {
                                heap.free(s);
                            }
                        }
                    }));
                }
                for (Thread t : threads) {
                    t.join();
                }
                kept.forEach(survivors::addAll);
                if (round % 3 == 2) {
                    for (MemorySegment s : survivors) {   // freed by this thread: remote frees into dead caches
                        verify(s, s.address());
                        heap.free(s);
                    }
                    survivors.clear();
                }
            }
            // 120 threads lived, at most 5 at once; a cache being emptied by another thread's slow path at the
            // moment a new thread looks for one is not free, so a few more than 5 may exist, never one per thread.
            assertTrue(heap.shared().threadCaches() <= 10, "caches of dead threads not adopted: "
                    + heap.shared().threadCaches());
            survivors.forEach(heap::free);
            heap.trim();
            heap.check();
            assertEquals(0, heap.liveBytes());
            assertEquals(0, heap.liveAllocations());
        }
    }

    @Test
    void commonPoolTasksUseTheHeap() throws Exception {
        try (Heap heap = Heap.ofShared()) {
            ConcurrentLinkedQueue<MemorySegment> passed = new ConcurrentLinkedQueue<>();
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < 2000; t++) {
                tasks.add(ForkJoinPool.commonPool().submit(() -> {
                    MemorySegment s = heap.allocate(100, 16);
                    fill(s, s.address());
                    passed.add(s);
                    MemorySegment other = passed.poll();
                    if (other != null) {
                        verify(other, other.address());
                        heap.free(other);
                    }
                }));
            }
            for (Future<?> f : tasks) {
                f.get();
            }
            passed.forEach(heap::free);
            heap.trim();
            heap.check();
            assertEquals(0, heap.liveAllocations());
        }
    }

    @Test
    void trimFromOneThreadWhileOthersWork() throws Exception {
        long seed = Seeds.seed("trimFromOneThreadWhileOthersWork");
        try (Heap heap = Heap.ofShared()) {
            int workers = 3;
            CountDownLatch done = new CountDownLatch(workers);
            AtomicLong failures = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                SplittableRandom random = new SplittableRandom(seed + w);
                threads.add(platform(() -> {
                    try {
                        List<MemorySegment> live = new ArrayList<>();
                        for (int i = 0; i < 100_000; i++) {
                            if (live.size() < 200 && random.nextBoolean()) {
                                MemorySegment s = heap.allocateNoInit(1 + random.nextInt(random.nextInt(8) == 0
                                        ? 200_000 : 2000), 16);
                                fill(s, s.address());
                                live.add(s);
                            } else if (!live.isEmpty()) {
                                MemorySegment s = live.remove(random.nextInt(live.size()));
                                verify(s, s.address());
                                heap.free(s);
                            }
                        }
                        live.forEach(heap::free);
                    } catch (Throwable t) {
                        failures.incrementAndGet();
                        t.printStackTrace();
                    } finally {
                        done.countDown();
                    }
                }));
            }
            while (!done.await(1, TimeUnit.MILLISECONDS)) {
                heap.trim();
            }
            assertEquals(0, failures.get());
            heap.trim();
            heap.check();
            assertEquals(0, heap.liveAllocations());
        }
    }

    @Test
    void closingFromAnotherThreadWhileThreadsWorkNeverCrashesAndLeavesNoMapping() throws Exception {
        assumeTrue(ProcMaps.available(), "no /proc/self/maps on this system");
        Heap heap = Heap.ofShared();
        heap.allocate(40 << 20, 16);   // a huge mapping
        List<long[]> ranges = heap.osRanges();
        AtomicLong unexpected = new AtomicLong();
        CountDownLatch working = new CountDownLatch(2);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            threads.add(platform(() -> {
                working.countDown();
                try {
                    while (true) {
                        MemorySegment s = heap.allocate(64 + (System.nanoTime() & 1023), 16);
                        s.set(JAVA_LONG, 0, 42);
                        heap.free(s);
                    }
                } catch (IllegalStateException expected) {
                    // closed under it: the allocation, the write or the free says so
                } catch (Throwable t) {
                    unexpected.incrementAndGet();
                    t.printStackTrace();
                }
            }));
        }
        working.await();
        var before = ProcMaps.read();
        heap.close();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(0, unexpected.get());
        assertThrows(IllegalStateException.class, heap::close);
        assertThrows(IllegalStateException.class, () -> heap.allocate(8, 8));
        var after = ProcMaps.read();
        for (long[] r : ranges) {
            assertEquals(List.of(), ProcMaps.leftovers(before, after, r[0], r[0] + r[1]), "left mapped");
        }
    }

    @Test
    void aSharedHeapNeedsASharedArena() {
        try (var arena = dev.jalloc.arena.LinearArena.ofVirtual()) {
            assertThrows(IllegalArgumentException.class, () -> Heap.builder().onTailOf(arena).shared(true).build());
            arena.push(8);   // the tail was never taken
        }
    }
}
