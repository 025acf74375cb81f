package dev.jalloc.heap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Crash-prone scenarios of {@link HardenedAdversarialTest}, each in a child JVM: {@code HardenedAdversarialChild
 * <scenario>} prints {@code UNEXPECTED ...} for any throwable that is not the documented one and {@code SURVIVED}
 * at its end. A crash is a dead child without {@code SURVIVED}.
 */
public final class HardenedAdversarialChild {
    private static final AtomicBoolean BAD = new AtomicBoolean();

    private HardenedAdversarialChild() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "close_while_segments_in_use" -> closeWhileInUse(false);
            case "lifetimes_close_while_segments_in_use" -> closeWhileInUse(true);
            case "free_while_guarded_segment_in_use" -> freeWhileInUse();
            case "hammer_shared" -> hammer();
            case "stale_segments_everywhere" -> stale();
            case "dropped_heap_segments" -> droppedHeap();
            case "tail_lifetimes_after_arena_close" -> tailAfterArenaClose(false);
            case "tail_lifetimes_after_arena_close_shared" -> tailAfterArenaClose(true);
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println(BAD.get() ? "UNEXPECTED somewhere" : "SURVIVED");
        System.out.flush();
    }

    private static void unexpected(Throwable e) {
        BAD.set(true);
        System.out.println("UNEXPECTED " + e);
        e.printStackTrace(System.out);
    }

    /** Threads read and write segments of every kind while the main thread closes the shared heap. */
    private static void closeWhileInUse(boolean lifetimes) throws Exception {
        for (Hardening level : new Hardening[] {Hardening.LIGHT, Hardening.STANDARD, Hardening.FULL}) {
            for (int round = 0; round < 15; round++) {
                Heap heap = Heap.builder().hardening(level).shared(true).checkedLifetimes(lifetimes)
                        .reserveSize(1L << 30).build();
                List<MemorySegment> segs = new ArrayList<>();
                for (long size : new long[] {64, 4000, 40_000, 100_000, 300_000, 2 << 20}) {
                    segs.add(heap.allocate(size, 8));
                }
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    threads.add(Thread.ofPlatform().start(() -> {
                        try {
                            for (long i = 0; ; i++) {
                                for (MemorySegment s : segs) {
                                    s.fill((byte) i);
                                    s.get(JAVA_BYTE, s.byteSize() - 1);
                                }
                            }
                        } catch (IllegalStateException expected) {
                            // closed
                        } catch (Throwable e) {
                            unexpected(e);
                        }
                    }));
                }
                Thread.sleep(20);
                heap.close();
                for (Thread t : threads) {
                    t.join();
                }
            }
        }
    }

    /** A thread reads a guarded payload's segment while another frees it. */
    private static void freeWhileInUse() throws Exception {
        for (Hardening level : new Hardening[] {Hardening.STANDARD, Hardening.FULL}) {
            for (boolean lifetimes : new boolean[] {false, true}) {
                try (Heap heap = Heap.builder().hardening(level).shared(true).checkedLifetimes(lifetimes)
                        .reserveSize(1L << 30).build()) {
                    for (int round = 0; round < 100; round++) {
                        MemorySegment s = heap.allocate(round % 2 == 0 ? 200_000 : 48, 8);
                        Thread t = Thread.ofPlatform().start(() -> {
                            try {
                                for (long i = 0; ; i++) {
                                    s.get(JAVA_LONG, 0);
                                    if (s.byteSize() > 100_000) {
                                        s.get(JAVA_LONG, s.byteSize() - 8);
                                    } else if (!lifetimes) {
                                        return;   // a stale slot read is zeros, and writes would be real damage
                                    }
                                }
                            } catch (IllegalStateException expected) {
                                // freed
                            } catch (Throwable e) {
                                unexpected(e);
                            }
                        });
                        Thread.sleep(1);
                        heap.free(s.address());
                        t.join();
                    }
                    heap.check();
                }
            }
        }
    }

    /** Threads allocate, write, reallocate and free, hand segments to each other, and one closes in the middle. */
    private static void hammer() throws Exception {
        for (Hardening level : new Hardening[] {Hardening.LIGHT, Hardening.STANDARD, Hardening.FULL}) {
            for (int round = 0; round < 4; round++) {
                Heap heap = Heap.builder().hardening(level).shared(true).checkedLifetimes(round % 2 == 1)
                        .reserveSize(2L << 30).build();
                ConcurrentLinkedQueue<MemorySegment> passed = new ConcurrentLinkedQueue<>();
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int seed = t;
                    threads.add(Thread.ofPlatform().start(() -> {
                        SplittableRandom r = new SplittableRandom(seed);
                        List<MemorySegment> mine = new ArrayList<>();
                        try {
                            while (true) {
                                int op = r.nextInt(10);
                                if (op < 4 || mine.isEmpty()) {
                                    long size = r.nextInt(8) == 0 ? r.nextLong(30_000, 600_000) : r.nextLong(0, 3000);
                                    MemorySegment s = heap.allocate(size, 1L << r.nextInt(7));
                                    s.fill((byte) 0x11);
                                    mine.add(s);
                                } else if (op < 6) {
                                    int i = r.nextInt(mine.size());
                                    MemorySegment s = heap.reallocate(mine.get(i),
                                            r.nextInt(8) == 0 ? r.nextLong(30_000, 600_000) : r.nextLong(0, 3000));
                                    s.fill((byte) 0x22);
                                    mine.set(i, s);
                                } else if (op < 9) {
                                    MemorySegment s = mine.remove(r.nextInt(mine.size()));
                                    heap.free(s.address());
                                    passed.add(s);   // stale: others only read it
                                } else {
                                    MemorySegment s = passed.poll();
                                    if (s != null && s.byteSize() > 0) {
                                        try {
                                            s.get(JAVA_BYTE, 0);
                                        } catch (IllegalStateException ended) {
                                            // checked lifetimes or guarded: fine
                                        }
                                    }
                                }
                            }
                        } catch (IllegalStateException closed) {
                            if (!String.valueOf(closed.getMessage()).toLowerCase().contains("closed")
                                    && !String.valueOf(closed.getMessage()).contains("lready")) {
                                unexpected(closed);
                            }
                        } catch (Throwable e) {
                            unexpected(e);
                        }
                    }));
                }
                Thread.sleep(500);
                heap.close();
                for (Thread t : threads) {
                    t.join();
                }
            }
        }
    }

    /**
     * A heap with checked lifetimes (no hardening: allowed there) on a linear arena's tail; the arena closes, which
     * unmaps its memory and takes the heap away; then the payload's segment is read.
     */
    private static void tailAfterArenaClose(boolean shared) {
        dev.jalloc.arena.LinearArena arena = shared ? dev.jalloc.arena.LinearArena.builder().shared(true).build()
                : dev.jalloc.arena.LinearArena.ofVirtual();
        Heap heap;
        try {
            heap = Heap.builder().onTailOf(arena).shared(shared).checkedLifetimes(true).build();
        } catch (IllegalArgumentException refused) {
            // The fix: checked lifetimes need a reservation of the heap's own (the arena unmaps its tail at close).
            System.out.println("REFUSED: " + refused.getMessage());
            arena.close();
            return;
        }
        MemorySegment s = heap.allocate(100, 8);
        MemorySegment big = heap.allocate(1 << 20, 8);
        s.set(JAVA_LONG, 0, 1);
        big.set(JAVA_LONG, 0, 1);
        arena.close();
        System.out.println("ARENA CLOSED; heap " + heap);
        System.out.flush();
        for (MemorySegment seg : new MemorySegment[] {s, big}) {
            try {
                seg.set(JAVA_LONG, 0, 2);
                System.out.println("UNEXPECTED: a payload's segment is alive after its arena closed: " + seg);
                BAD.set(true);
            } catch (IllegalStateException ended) {
                // as it must
            }
        }
    }

    /** Heaps dropped without a close while their payloads' segments stay reachable: the GC must not unmap them. */
    private static void droppedHeap() throws Exception {
        List<MemorySegment> kept = new ArrayList<>();
        for (Hardening level : Hardening.values()) {
            for (boolean lifetimes : new boolean[] {false, true}) {
                for (boolean shared : new boolean[] {false, true}) {
                    Heap heap = Heap.builder().hardening(level).checkedLifetimes(lifetimes).shared(shared)
                            .reserveSize(1L << 30).build();
                    for (long size : new long[] {64, 3000, 50_000, 100_000, 300_000, 20 << 20}) {
                        MemorySegment seg = heap.allocate(size, 8);
                        seg.fill((byte) 7);
                        kept.add(seg);
                    }
                    heap.free(heap.allocateAddress(300_000, 8));
                }
            }
        }
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(50);
            byte[] churn = new byte[1 << 20];
            churn[i] = 1;
        }
        for (MemorySegment seg : kept) {
            try {
                if (seg.get(JAVA_BYTE, seg.byteSize() - 1) != 7) {
                    BAD.set(true);
                    System.out.println("UNEXPECTED: changed bytes in " + seg);
                }
                seg.set(JAVA_BYTE, 0, (byte) 1);
            } catch (IllegalStateException ended) {
                // acceptable
            }
        }
    }

    /** Every segment ever handed out by a confined FULL heap, touched after its free and after the close. */
    private static void stale() {
        for (Hardening level : Hardening.values()) {
            Heap heap = Heap.builder().hardening(level).checkedLifetimes(level != Hardening.NONE).build();
            List<MemorySegment> all = new ArrayList<>();
            List<MemorySegment> live = new ArrayList<>();
            SplittableRandom r = new SplittableRandom(3);
            for (int i = 0; i < 3000; i++) {
                MemorySegment s = heap.allocate(r.nextInt(5) == 0 ? r.nextLong(30_000, 400_000) : r.nextLong(1, 3000),
                        8);
                all.add(s);
                live.add(s);
                if (r.nextBoolean()) {
                    heap.free(live.remove(r.nextInt(live.size())).address());
                }
            }
            for (MemorySegment s : all) {
                try {
                    s.get(JAVA_BYTE, 0);
                } catch (IllegalStateException ended) {
                    // freed
                }
            }
            heap.close();
            for (MemorySegment s : all) {
                try {
                    s.get(JAVA_BYTE, 0);
                    BAD.set(true);
                    System.out.println("UNEXPECTED: a segment alive after close " + s);
                    break;
                } catch (IllegalStateException ended) {
                    // closed
                }
            }
        }
    }
}
