package dev.jalloc.cli.viz;

import dev.jalloc.heap.Heap;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The built-in workload of {@code jalloc viz --demo}, on a shared heap so that two threads' caches own spans: small,
 * medium, large and huge blocks from this thread and from a second one, about half freed (some by the other thread:
 * remote frees), a trim that purges the free pages of then, and more blocks after it, so that the picture shows
 * every kind: slabs and pools of several fills and two owners, large and cached payloads, free and purged pages,
 * huge mappings. Fixed seeds: the same blocks every time; the free pages may differ, as the heap's decay purges
 * them in time.
 */
final class VizDemo {
    private VizDemo() {
    }

    /** Runs the workload on {@code heap}, leaving its blocks live. */
    static void run(Heap heap) {
        List<Long> mine = new ArrayList<>();
        mix(heap, new SplittableRandom(11), 6_000, mine);
        List<Long> theirs = new ArrayList<>();
        ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "viz-demo-second-thread"));
        try {
            other.submit(() -> mix(heap, new SplittableRandom(12), 4_000, theirs)).get();
            other.submit(() -> {    // the second thread frees some of this thread's blocks: remote frees
                for (int i = 0; i < mine.size(); i += 7) {
                    free(heap, mine, i);
                }
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the demo's second thread failed", e.getCause());
        } finally {
            other.shutdown();
        }
        for (int i = 0; i < theirs.size(); i += 3) {    // and this one some of the second's
            free(heap, theirs, i);
        }
        heap.trim();
        mix(heap, new SplittableRandom(13), 2_000, mine);
        mine.add(heap.allocateAddressNoInit(20 << 20, 16));    // huge: a mapping of its own
        mine.add(heap.allocateAddressNoInit(40 << 20, 16));
    }

    /** Allocates {@code n} blocks of mixed sizes into {@code live}, freeing about half of them as it goes. */
    private static void mix(Heap heap, SplittableRandom random, int n, List<Long> live) {
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(1000);
            long size = kind < 850 ? 1 + random.nextInt(512) : kind < 992 ? 1025 + random.nextInt(31 << 10)
                    : (32 << 10) + random.nextInt(256 << 10);
            live.add(heap.allocateAddressNoInit(size, 16));
            if (random.nextInt(100) < 45) {
                free(heap, live, random.nextInt(live.size()));
            }
        }
    }

    /** Frees block {@code i} of {@code live} unless it is freed (0). */
    private static void free(Heap heap, List<Long> live, int i) {
        long address = live.set(i, 0L);
        if (address != 0) {
            heap.free(address);
        }
    }
}
