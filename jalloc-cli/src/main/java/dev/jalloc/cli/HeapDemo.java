package dev.jalloc.cli;

import dev.jalloc.DebugLevel;
import dev.jalloc.LeakReport;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.heap.BestFitAllocator;
import dev.jalloc.heap.BestFitStats;
import dev.jalloc.heap.Heap;
import dev.jalloc.heap.HeapPicture;
import dev.jalloc.heap.HeapStats;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The second half of {@code jalloc demo}: the heap and best fit with their statistics, a heap living on an arena's
 * tail (a sub-lifetime), a shared heap fed by one thread and emptied by another, a leak report naming the lines
 * that leaked, and the heap's picture.
 */
final class HeapDemo {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    private final PrintStream out;

    HeapDemo(PrintStream out) {
        this.out = out;
    }

    /** Runs the sections from number {@code first} on. */
    void run(int first) {
        int n = first;
        heap(n++);
        bestFit(n++);
        subLifetime(n++);
        threads(n++);
        leaks(n++);
        picture(n);
    }

    private void heap(int n) {
        section(n, "The heap: size classes for any size, its statistics from one call: Heap.ofConfined()");
        try (Heap heap = Heap.ofConfined()) {
            SplittableRandom random = new SplittableRandom(42);
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) {
                MemorySegment block = heap.allocateNoInit(16 + random.nextInt(2000), 16);
                block.fill((byte) 1);   // written: its pages are resident
                live.add(block.address());
                if (random.nextInt(3) == 0) {
                    heap.free(live.remove(random.nextInt(live.size())));
                }
            }
            long large = heap.allocateAddressNoInit(300 * KIB, 16);
            long huge = heap.allocateAddressNoInit(20 * MIB, 16);
            HeapStats stats = heap.stats();
            out.println("    after 100,000 blocks of 16 to 2016 bytes written (a third freed), one of 300 KiB and one of"
                    + " 20 MiB not written:");
            out.printf("    heap.stats(): %,d blocks live, %s; committed %s (peak %s), resident %s; %d large, %d huge%n",
                    stats.liveBlocks(), Demo.bytes(stats.liveBytes()), Demo.bytes(stats.committedBytes()),
                    Demo.bytes(stats.peakCommittedBytes()), Demo.bytes(stats.residentBytes()), stats.largeBlocks(),
                    stats.hugeBlocks());
            heap.free(large);
            heap.free(huge);
            for (long a : live) {
                heap.free(a);
            }
            heap.trim();
            stats = heap.stats();
            out.printf("    everything freed, heap.trim(): %d blocks live, committed %s, resident %s%n",
                    stats.liveBlocks(), Demo.bytes(stats.committedBytes()), Demo.bytes(stats.residentBytes()));
        }
    }

    private void bestFit(int n) {
        section(n, "Best fit: one region, exact sizes, free blocks merged: BestFitAllocator.create()");
        try (BestFitAllocator fit = BestFitAllocator.create()) {
            long a = fit.allocateAddressNoInit(1000, 16);
            long b = fit.allocateAddressNoInit(5000, 16);
            long c = fit.allocateAddressNoInit(300, 16);
            fit.free(b);
            BestFitStats s = fit.stats();
            out.printf("    1000, 5000 and 300 bytes, the middle one freed: %d blocks live, %d free blocks (largest %s)%n",
                    s.liveBlocks(), s.freeBlocks(), Demo.bytes(s.largestFreeBlock()));
            long d = fit.allocateAddressNoInit(4000, 16);
            out.printf("    4000 bytes more land in the hole: %s%n", d == b ? "at the freed block's address" : "elsewhere");
            fit.free(a);
            fit.free(c);
            fit.free(d);
        }
    }

    private void subLifetime(int n) {
        section(n, "A sub-lifetime: a heap on an arena's tail, gone with the arena: Heap.onTailOf(arena)");
        LinearArena arena = LinearArena.ofVirtual();
        arena.push(100 * KIB);
        Heap heap = Heap.onTailOf(arena);
        for (int i = 0; i < 10_000; i++) {
            heap.allocateAddressNoInit(64, 16);   // never freed: the arena's close takes them all
        }
        out.printf("    10,000 blocks on the tail: the heap holds %s, the arena %s committed%n",
                Demo.bytes(heap.committedBytes()), Demo.bytes(arena.committedBytes()));
        arena.close();
        out.println("    arena.close(): the heap on its tail is closed too; heap.allocateAddress(...) now throws "
                + closedMessage(heap));
    }

    private static String closedMessage(Heap heap) {
        try {
            heap.allocateAddress(16, 16);
            return "nothing (unexpected)";
        } catch (IllegalStateException e) {
            return "IllegalStateException";
        }
    }

    private void threads(int n) {
        section(n, "Threads: a shared heap, one thread allocates, another frees: Heap.ofShared()");
        try (Heap heap = Heap.ofShared()) {
            BlockingQueue<Long> queue = new ArrayBlockingQueue<>(1024);
            int blocks = 200_000;
            Thread consumer = Thread.ofPlatform().name("consumer").start(() -> {
                try {
                    for (int i = 0; i < blocks; i++) {
                        heap.free(queue.take());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < blocks; i++) {
                try {
                    queue.put(heap.allocateAddressNoInit(64, 16));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            join(consumer);
            HeapStats s = heap.stats();
            out.printf("    200,000 blocks of 64 bytes made by main, freed by consumer: %d live, %,d remote frees, "
                    + "%d thread caches%n", s.liveBlocks(), s.remoteFrees(), s.threadCaches());
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void leaks(int n) {
        section(n, "A leak report: Heap.builder().debug(DebugLevel.ALL), then heap.leakReport()");
        try (Heap heap = Heap.builder().debug(DebugLevel.ALL).build()) {
            List<Long> kept = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                kept.add(heap.allocateAddressNoInit(100, 16));
            }
            heap.allocateAddressNoInit(3000, 16);   // leaked on purpose
            long[] two = leakTwice(heap);
            for (long a : kept) {
                heap.free(a);
            }
            LeakReport report = heap.leakReport();
            for (String line : report.toString().split("\n")) {
                out.println("    " + line);
            }
            for (long a : two) {
                heap.free(a);
            }
            out.println("    the 3000-byte block stays: closing the heap logs its report on dev.jalloc.leaks (stderr) and"
                    + " emits a dev.jalloc.Leak event");
        }
    }

    /** {@return two more blocks, from one line} */
    private static long[] leakTwice(Heap heap) {
        long[] blocks = new long[2];
        for (int i = 0; i < 2; i++) {
            blocks[i] = heap.allocateAddressNoInit(20_000, 16);
        }
        return blocks;
    }

    private void picture(int n) {
        section(n, "The heap's picture: heap.picture(), drawn for a terminal by toText() and as a page by writeHtml()");
        try (Heap heap = Heap.ofConfined()) {
            SplittableRandom random = new SplittableRandom(7);
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < 30_000; i++) {
                int kind = random.nextInt(100);
                long size = kind < 90 ? 16 + random.nextInt(1000) : kind < 99 ? 2000 + random.nextInt(20_000)
                        : 40 * KIB + random.nextInt(200 * 1024);
                live.add(heap.allocateAddressNoInit(size, 16));
                if (random.nextBoolean()) {
                    heap.free(live.remove(random.nextInt(live.size())));
                }
            }
            HeapPicture picture = heap.picture();
            String[] lines = picture.toText().split("\n");
            for (int i = 0; i < Math.min(lines.length, 12); i++) {
                out.println("    " + lines[i]);
            }
            out.println("    ...");
            Path page = Path.of(System.getProperty("java.io.tmpdir"), "jalloc-demo-heap.html");
            try {
                picture.writeHtml(page, "jalloc demo: a heap after 30,000 allocations");
                out.println("    the same as a page to open in a browser (hover a run for its numbers): " + page);
            } catch (IOException e) {
                out.println("    (could not write " + page + ": " + e.getMessage() + ")");
            }
            for (long a : live) {
                heap.free(a);
            }
        }
    }

    private void section(int n, String title) {
        out.println();
        out.println(n + ". " + title);
    }
}
