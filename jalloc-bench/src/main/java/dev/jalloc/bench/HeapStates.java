package dev.jalloc.bench;

import dev.jalloc.bench.HeapPeers.Contender;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The states of {@link HeapBench}, one per benchmark: each opens its contender and leaves it in the steady
 * state of that benchmark's loop (see the class comment of {@code HeapBench}).
 */
public final class HeapStates {
    /** Live blocks in the window. */
    static final int WINDOW = 1000;
    /** Steps of the window's sequence, a power of two. */
    static final int SEQUENCE = 1 << 16;
    /** The seed of the window's sequence. */
    static final long SEED = 0x6A616C6CL;
    static final int WINDOW_MIN = 16;
    static final int WINDOW_MAX = 1024;
    /** Live blocks in the FIFO queue. */
    static final int QUEUE = 1024;
    /** Blocks in one LIFO burst. */
    static final int BURST = 256;

    /** The sizes of the realloc chain: 16, then each half again more, up to 1 MiB. */
    static final int[] REALLOC_SIZES = reallocSizes(16, 1 << 20);
    /** Reallocs in one chain. */
    static final int REALLOC_STEPS = 28;

    static {
        if (REALLOC_SIZES.length - 1 != REALLOC_STEPS) {
            throw new AssertionError("REALLOC_STEPS: " + REALLOC_STEPS + " (expected: "
                    + (REALLOC_SIZES.length - 1) + ")");
        }
    }

    private HeapStates() {
    }

    private static int[] reallocSizes(int first, int last) {
        int[] sizes = new int[64];
        int n = 0;
        for (int size = first; ; size += size / 2) {
            sizes[n++] = Math.min(size, last);
            if (size >= last) {
                return Arrays.copyOf(sizes, n);
            }
        }
    }

    /**
     * The contender parameter, and its closing. (JMH wants @State on a class with a @Param, even abstract.) The
     * default list leaves out the contenders that need a JMH run of their own ({@code hardened},
     * {@code hardenedLight}: see {@link HeapPeers}) and the debug levels; {@code -p contender=...} names any of
     * {@link HeapPeers#NAMES}.
     */
    @State(Scope.Thread)
    public abstract static class Base {
        @Param({"speedOfLight", "jallocHeap", "jallocShared", "jallocBestFit", "glibc", "glibcCritical", "jemalloc", "jemallocCritical",
                "mimalloc", "mimallocCritical", "mimallocSecure", "mimallocSecureCritical", "unsafe", "nettyPooled",
                "nettyAdaptive", "rpmalloc"})
        public String contender;
        Contender peer;

        @TearDown(Level.Trial)
        public void tearDown() {
            if (peer != null) {
                peer.close();
            }
        }
    }

    @State(Scope.Thread)
    public static class Pair extends Base {
        @Param({"16", "64", "256", "4096", "65536", "1048576"})
        public int size;

        @Setup(Level.Trial)
        public void setUp() {
            peer = HeapPeers.open(contender, 64);
            // Fault in the pages of a few blocks of this size, then run the loop itself for a while.
            for (int round = 0; round < 4; round++) {
                for (int slot = 0; slot < 64; slot++) {
                    peer.allocate(slot, size);
                    peer.touch(slot, size);
                }
                for (int slot = 0; slot < 64; slot++) {
                    peer.free(slot);
                }
            }
            for (int i = 0; i < 10_000; i++) {
                peer.allocate(0, size);
                peer.touch(0, size);
                peer.free(0);
            }
        }
    }

    @State(Scope.Thread)
    public static class Window extends Base {
        final int[] slots = new int[SEQUENCE];
        final int[] sizes = new int[SEQUENCE];
        int cursor;

        @Setup(Level.Trial)
        public void setUp() {
            SplittableRandom random = new SplittableRandom(SEED);
            for (int i = 0; i < SEQUENCE; i++) {
                slots[i] = random.nextInt(WINDOW);
                sizes[i] = random.nextInt(WINDOW_MIN, WINDOW_MAX + 1);
            }
            peer = HeapPeers.open(contender, WINDOW);
            for (int slot = 0; slot < WINDOW; slot++) {
                int size = random.nextInt(WINDOW_MIN, WINDOW_MAX + 1);
                peer.allocate(slot, size);
                peer.touch(slot, size);
            }
            // One pass over the whole sequence, every block written in full: the pages the loop uses are faulted in.
            for (int i = 0; i < SEQUENCE; i++) {
                peer.free(slots[i]);
                peer.allocate(slots[i], sizes[i]);
                peer.touch(slots[i], sizes[i]);
            }
            cursor = 0;
        }
    }

    /**
     * {@return a size from the skewed mix of {@link HeapBench#fifo} and {@link HeapBench#lifo}: 60% 16..64 bytes,
     * 30% 65..512, 9% 513..4096, 1% 4097..32768, uniform within each band}
     */
    static int skewedSize(SplittableRandom random) {
        int band = random.nextInt(100);
        return band < 60 ? random.nextInt(16, 65)
                : band < 90 ? random.nextInt(65, 513)
                : band < 99 ? random.nextInt(513, 4097)
                : random.nextInt(4097, 32769);
    }

    /** The seeded sequence of skewed sizes both patterns draw from, {@value #SEQUENCE} long. */
    static int[] skewedSizes() {
        SplittableRandom random = new SplittableRandom(SEED);
        int[] sizes = new int[SEQUENCE];
        for (int i = 0; i < SEQUENCE; i++) {
            sizes[i] = skewedSize(random);
        }
        return sizes;
    }

    @State(Scope.Thread)
    public static class Fifo extends Base {
        final int[] sizes = skewedSizes();
        int cursor;
        /** The slot of the oldest block, freed next. */
        int oldest;

        @Setup(Level.Trial)
        public void setUp() {
            peer = HeapPeers.open(contender, QUEUE);
            for (int slot = 0; slot < QUEUE; slot++) {
                peer.allocate(slot, sizes[slot]);
                peer.touch(slot, sizes[slot]);
            }
            cursor = QUEUE;
            // Two passes over the sequence: the pages the queue moves through are faulted in.
            for (int i = 0; i < 2 * SEQUENCE; i++) {
                HeapBench.fifoStep(this);
            }
        }
    }

    @State(Scope.Thread)
    public static class Lifo extends Base {
        final int[] sizes = skewedSizes();
        int cursor;

        @Setup(Level.Trial)
        public void setUp() {
            peer = HeapPeers.open(contender, BURST);
            for (int i = 0; i < 2 * SEQUENCE / BURST; i++) {
                HeapBench.lifoBurst(this);
            }
        }
    }

    @State(Scope.Thread)
    public static class Realloc extends Base {
        @Setup(Level.Trial)
        public void setUp() {
            peer = HeapPeers.open(contender, 1);
            for (int round = 0; round < 16; round++) {
                peer.allocate(0, REALLOC_SIZES[0]);
                for (int i = 1; i < REALLOC_SIZES.length; i++) {
                    peer.reallocate(0, REALLOC_SIZES[i]);
                    peer.touch(0, REALLOC_SIZES[i]);
                }
                peer.free(0);
            }
        }
    }
}
