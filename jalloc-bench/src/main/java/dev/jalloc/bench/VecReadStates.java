package dev.jalloc.bench;

import dev.jalloc.bench.VecPeers.DoublingIntArray;
import dev.jalloc.bench.VecPeers.DoublingIntSegment;
import dev.jalloc.vector.IntVec;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.ArrayList;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The states of {@link VecReadBench}: one container per peer, each holding {@code 0 .. n-1} appended one by one as
 * in {@link VecAppendBench}, and one array of random indexes shared by every peer. JMH makes only the states a
 * benchmark names, so a fork builds only the container it reads.
 */
public final class VecReadStates {
    /** Random reads per op. */
    static final int READS = 1 << 20;
    /** The seed of the random indexes: the same indexes for every peer. */
    static final long SEED = 42;

    private VecReadStates() {
    }

    /** The element count of every container. */
    @State(Scope.Benchmark)
    public static class Size {
        @Param({"1000000", "100000000"})
        public int n;
    }

    /** {@value #READS} indexes drawn uniformly from {@code [0, n)} with seed {@value #SEED}. */
    @State(Scope.Benchmark)
    public static class Indexes {
        int[] at;

        @Setup(Level.Trial)
        public void setUp(Size size) {
            at = new SplittableRandom(SEED).ints(READS, 0, size.n).toArray();
        }
    }

    /** An {@code IntVec} from {@code IntVec.create()}. */
    @State(Scope.Benchmark)
    public static class Jalloc {
        IntVec elements;

        @Setup(Level.Trial)
        public void setUp(Size size) {
            elements = IntVec.create();
            for (int i = 0; i < size.n; i++) {
                elements.add(i);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            elements.close();
        }
    }

    /** A doubling {@code int[]} list ({@link DoublingIntArray}). */
    @State(Scope.Benchmark)
    public static class PlainArray {
        DoublingIntArray elements;

        @Setup(Level.Trial)
        public void setUp(Size size) {
            elements = new DoublingIntArray();
            for (int i = 0; i < size.n; i++) {
                elements.add(i);
            }
        }
    }

    /** An {@code ArrayList<Integer>} from {@code new ArrayList<>()}. */
    @State(Scope.Benchmark)
    public static class Boxed {
        ArrayList<Integer> elements;

        @Setup(Level.Trial)
        public void setUp(Size size) {
            elements = new ArrayList<>();
            for (int i = 0; i < size.n; i++) {
                elements.add(i);
            }
        }
    }

    /** A fastutil {@code IntArrayList} from {@code new IntArrayList()}. */
    @State(Scope.Benchmark)
    public static class Fastutil {
        IntArrayList elements;

        @Setup(Level.Trial)
        public void setUp(Size size) {
            elements = new IntArrayList();
            for (int i = 0; i < size.n; i++) {
                elements.add(i);
            }
        }
    }

    /** A doubling {@code Arena.ofConfined()} segment ({@link DoublingIntSegment}). */
    @State(Scope.Benchmark)
    public static class JdkSegment {
        DoublingIntSegment elements;

        @Setup(Level.Trial)
        public void setUp(Size size) {
            elements = new DoublingIntSegment();
            for (int i = 0; i < size.n; i++) {
                elements.add(i);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            elements.close();
        }
    }
}
