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

    /** The contender parameter, and its closing. (JMH wants @State on a class with a @Param, even abstract.) */
    @State(Scope.Thread)
    public abstract static class Base {
        @Param({"jallocHeap", "jallocShared", "jallocBestFit", "glibc", "glibcCritical", "jemalloc", "jemallocCritical",
                "mimalloc", "mimallocCritical", "unsafe", "nettyPooled", "nettyAdaptive", "rpmalloc"})
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
