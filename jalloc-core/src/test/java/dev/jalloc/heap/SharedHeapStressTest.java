package dev.jalloc.heap;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jalloc.testing.ProcMaps;
import dev.jalloc.testing.Seeds;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stress test after the description of mimalloc's {@code test-stress}: threads allocate sizes that are mostly
 * small powers of two (and now and then large or huge), fill every block with a pattern derived from its index
 * and a cookie, keep some, exchange a share through a shared array with the other threads, and check every
 * block's pattern before freeing it. Threads live for one round: each round starts new ones, and the blocks of
 * the threads that died survive into the next round, to be freed there by other threads (abandoned caches,
 * adopted or reclaimed). At the end everything is freed, a trim leaves no live byte, the heap's invariants hold,
 * and {@code close()} leaves no mapping.
 *
 * <pre>
 *   block: [ index (8 bytes) | cookie ^ index ^ 8 | cookie ^ index ^ 16 | ... ]   checked in full before a free
 *   transfer[k]: one slot per entry of the shared array; a thread swaps its block in and frees what it got out
 * </pre>
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SharedHeapStressTest {
    private static final long COOKIE = 0xbf58476d1ce4e5b9L;
    private static final int TRANSFERS = 1000;

    /** A block and the index it was filled with. */
    private record Block(long address, long size, long index) {
    }

    private static final class Shared {
        final Heap heap;
        final AtomicLongArray transferAddress = new AtomicLongArray(TRANSFERS);
        final AtomicLongArray transferSize = new AtomicLongArray(TRANSFERS);
        final AtomicLongArray transferIndex = new AtomicLongArray(TRANSFERS);
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Shared(Heap heap) {
            this.heap = heap;
        }
    }

    private static long sizeOf(SplittableRandom r) {
        int kind = r.nextInt(1000);
        if (kind == 0) {
            return (17L << 20) + r.nextInt(1 << 20);       // huge: a mapping of its own
        }
        if (kind < 20) {
            return 40_000 + r.nextInt(400_000);             // large: whole pages
        }
        int shift = r.nextInt(kind < 200 ? 13 : 8);         // mostly small powers of two, some medium
        return (1L << shift) + r.nextInt((int) (1L << shift));
    }

    private static Block allocate(Heap heap, SplittableRandom r, long index) {
        long size = sizeOf(r);
        long a = heap.allocateAddressNoInit(size, 16);
        MemorySegment s = heap.segment(a, size);
        long words = size / 8;
        if (words > 0) {
            s.set(JAVA_LONG, 0, index);
        }
        long step = Math.max(1, words / 64);   // the ends and 64 words between: a huge block is not written whole
        for (long w = 1; w < words; w += (w < 8 || w >= words - 8) ? 1 : step) {
            s.set(JAVA_LONG, w * 8, COOKIE ^ index ^ (w * 8));
        }
        return new Block(a, size, index);
    }

    private static void verifyAndFree(Heap heap, Block b) {
        MemorySegment s = heap.segment(b.address, b.size);
        long words = b.size / 8;
        if (words > 0 && s.get(JAVA_LONG, 0) != b.index) {
            throw new AssertionError("block " + b.index + " at " + Long.toHexString(b.address) + " holds index "
                    + s.get(JAVA_LONG, 0) + ": handed out twice");
        }
        long step = Math.max(1, words / 64);
        for (long w = 1; w < words; w += (w < 8 || w >= words - 8) ? 1 : step) {
            if (s.get(JAVA_LONG, w * 8) != (COOKIE ^ b.index ^ (w * 8))) {
                throw new AssertionError("block " + b.index + " (" + b.size + " bytes) damaged at word " + w);
            }
        }
        heap.free(b.address);
    }

    private static void work(Shared shared, SplittableRandom r, List<Block> inherited, List<Block> leftBehind,
            long firstIndex, int steps) {
        Heap heap = shared.heap;
        List<Block> mine = new ArrayList<>(inherited);
        long index = firstIndex;
        for (int i = 0; i < steps; i++) {
            int what = r.nextInt(100);
            if (what < 50 || mine.isEmpty()) {
                mine.add(allocate(heap, r, index++));
            } else if (what < 80) {
                verifyAndFree(heap, mine.remove(r.nextInt(mine.size())));
            } else {
                // exchange: put one of ours into a transfer slot and free (checked) what was there
                Block out = mine.remove(r.nextInt(mine.size()));
                int k = r.nextInt(TRANSFERS);
                synchronized (shared.transferAddress) {   // the three arrays change together
                    long a = shared.transferAddress.getAndSet(k, out.address);
                    long size = shared.transferSize.getAndSet(k, out.size);
                    long idx = shared.transferIndex.getAndSet(k, out.index);
                    if (a != 0) {
                        mine.add(new Block(a, size, idx));
                    }
                }
            }
        }
        // Free about half of what is left; the rest outlives this thread.
        for (Block b : mine) {
            if (r.nextBoolean()) {
                verifyAndFree(heap, b);
            } else {
                leftBehind.add(b);
            }
        }
    }

    private static void run(String name, int threads, int rounds, int steps) throws Exception {
        long seed = Seeds.seed(name);
        Heap heap = Heap.ofShared();
        Shared shared = new Shared(heap);
        List<List<Block>> survivors = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            survivors.add(new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++) {
            List<Thread> running = new ArrayList<>();
            List<List<Block>> next = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                // Blocks of a thread that died go to another thread of the next round.
                List<Block> inherited = survivors.get((t + round) % threads);
                List<Block> left = new ArrayList<>();
                next.add(left);
                SplittableRandom r = new SplittableRandom(seed ^ (round * 1_000_003L + t));
                long firstIndex = ((long) round * threads + t) << 32;
                Runnable job = () -> {
                    try {
                        work(shared, r, inherited, left, firstIndex, steps);
                    } catch (Throwable e) {
                        shared.failure.compareAndSet(null, e);
                    }
                };
                running.add(t % 4 == 3 ? Thread.ofVirtual().start(job) : Thread.ofPlatform().start(job));
            }
            for (Thread t : running) {
                t.join();
            }
            if (shared.failure.get() != null) {
                throw new AssertionError("round " + round + " (seed " + seed + ")", shared.failure.get());
            }
            survivors = next;
        }
        for (List<Block> left : survivors) {
            left.forEach(b -> verifyAndFree(heap, b));
        }
        for (int k = 0; k < TRANSFERS; k++) {
            long a = shared.transferAddress.get(k);
            if (a != 0) {
                verifyAndFree(heap, new Block(a, shared.transferSize.get(k), shared.transferIndex.get(k)));
            }
        }
        heap.check();
        heap.trim();
        assertEquals(0, heap.liveBytes(), "live bytes after everything was freed");
        assertEquals(0, heap.liveAllocations());
        heap.check();
        List<long[]> ranges = heap.osRanges();
        if (ProcMaps.available()) {
            var before = ProcMaps.read();
            heap.close();
            var after = ProcMaps.read();
            for (long[] range : ranges) {
                assertEquals(List.of(), ProcMaps.leftovers(before, after, range[0], range[0] + range[1]));
            }
        } else {
            heap.close();
        }
    }

    @Test
    void fourThreadsInRoundsWithBlocksOutlivingTheirThreads() throws Exception {
        run("fourThreadsInRoundsWithBlocksOutlivingTheirThreads", 4, 25, 20_000);
    }

    @Test
    void sixteenThreadsOnTwoCores() throws Exception {
        run("sixteenThreadsOnTwoCores", 16, 8, 5_000);
    }
}
