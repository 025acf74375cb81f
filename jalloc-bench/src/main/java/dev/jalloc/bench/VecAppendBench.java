package dev.jalloc.bench;

import dev.jalloc.bench.VecPeers.DoublingIntArray;
import dev.jalloc.bench.VecPeers.DoublingIntSegment;
import dev.jalloc.bench.VecPeers.DoublingLongArray;
import dev.jalloc.bench.VecPeers.DoublingLongSegment;
import dev.jalloc.vector.IntVec;
import dev.jalloc.vector.LongVec;
import dev.jalloc.vector.Vec;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Vectors (issue 3): appending {@code n} elements one by one to a new, empty container, then releasing it.
 *
 * <p>One op is the whole life of one container: make it empty, {@code add} the values {@code 0 .. n-1} one at a
 * time, hand it to the {@code Blackhole} (so every store must happen), release it. The contenders:
 * <pre>
 *   vec*            IntVec.create() / LongVec.create(), add, close: commits and populates fresh pages as it
 *                   grows (doubling from one page to the 2 MiB commit step, then 2 MiB steps), never copies
 *   array*          int[] / long[] from 16 elements, doubled by Arrays.copyOf when full; dropped for the GC
 *   arrayList*      new ArrayList&lt;Integer&gt;() / &lt;Long&gt;(), add(boxed value): grows 1.5x; dropped for the GC
 *   fastutil*       new IntArrayList() / LongArrayList() (fastutil 8.5.19), add: grows 1.5x; dropped for the GC
 *   segment*        a MemorySegment of its own Arena.ofConfined(), from 16 elements; when full, a new arena
 *                   allocates twice the bytes (zeroed by the JDK), MemorySegment.copy, the old arena closes
 *   presizedArray*  speed of light: n plain stores into an int[n] / long[n] made once per trial; no growth
 * </pre>
 * and, for ints, three variants of {@code vecInt} that take its costs apart:
 * <pre>
 *   vecIntEnsureCapacity  ensureCapacity(n) before the appends: one commit and one populate call for all pages
 *   vecIntNoPopulate      Vec.builder().populate(false): pages mapped by page faults at first write
 *   vecIntReused          the appends alone, into a vector whose pages stay committed and populated across ops
 * </pre>
 *
 * <h2>Memory and first touch</h2>
 * The Java heap is fixed and pre-touched ({@code -Xms = -Xmx}, {@code -XX:+AlwaysPreTouch}), so the heap peers
 * never take a page fault: their arrays land on pages the JVM touched before timing (they pay zeroing, copying
 * and GC instead). The vector and the JDK segment get fresh pages from the OS on every op and pay for mapping
 * them: the vector populates each commit with {@code MADV_POPULATE_WRITE}, the JDK segment takes a page fault per
 * page when the JDK zeroes its allocation ({@code malloc} maps every block above its mmap threshold, at most 32 MiB,
 * fresh, and unmaps it on free). Each heap family gets the heap it needs, at least twice its peak live set at
 * n = 10<sup>8</sup> longs, and no more, so that pre-touching stays affordable: pre-touching 8 GiB takes 40 to 60 s
 * on the reference machine. The vector and the JDK segment keep nothing on the heap and get 512 MiB.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+AlwaysPreTouch", "-Xms512m", "-Xmx512m", "--enable-native-access=ALL-UNNAMED"})
public class VecAppendBench {

    /** The element count of every container, and the value range appended. */
    @State(Scope.Benchmark)
    public static class Size {
        @Param({"1000000", "100000000"})
        public int n;
    }

    /**
     * A vector whose pages stay committed and populated between ops: its commit step (1 GiB) makes
     * {@code truncate(0)} keep them, so an op on it is the appends alone, without any commit or page fault.
     */
    @State(Scope.Benchmark)
    public static class ReusedVec {
        IntVec elements;

        @Setup(Level.Trial)
        public void setUp(Size size) {
            elements = Vec.builder().commitStep(1L << 30).ofInts();
            elements.ensureCapacity(size.n);
            for (int i = 0; i < size.n; i++) {
                elements.add(i);
            }
            elements.truncate(0);
            if (elements.capacity() < size.n) {
                throw new IllegalStateException("truncate(0) gave pages back: " + elements);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            elements.close();
        }
    }

    /** The speed of light's target for ints: an array of n elements, made (and so touched) once per trial. */
    @State(Scope.Benchmark)
    public static class PresizedInts {
        int[] elements;

        @Setup(Level.Trial)
        public void setUp(Size size) {
            elements = new int[size.n];
        }
    }

    /** The speed of light's target for longs: an array of n elements, made (and so touched) once per trial. */
    @State(Scope.Benchmark)
    public static class PresizedLongs {
        long[] elements;

        @Setup(Level.Trial)
        public void setUp(Size size) {
            elements = new long[size.n];
        }
    }

    // ---- int ----

    @Benchmark
    public void vecInt(Size s, Blackhole bh) {
        int n = s.n;
        try (IntVec v = IntVec.create()) {
            for (int i = 0; i < n; i++) {
                v.add(i);
            }
            bh.consume(v);
        }
    }

    /** {@link #vecInt} with all n elements committed (and populated) by one {@code ensureCapacity(n)} up front. */
    @Benchmark
    public void vecIntEnsureCapacity(Size s, Blackhole bh) {
        int n = s.n;
        try (IntVec v = IntVec.create()) {
            v.ensureCapacity(n);
            for (int i = 0; i < n; i++) {
                v.add(i);
            }
            bh.consume(v);
        }
    }

    /** {@link #vecInt} without the populate advice: every fresh page is mapped by a page fault at first write. */
    @Benchmark
    public void vecIntNoPopulate(Size s, Blackhole bh) {
        int n = s.n;
        try (IntVec v = Vec.builder().populate(false).ofInts()) {
            for (int i = 0; i < n; i++) {
                v.add(i);
            }
            bh.consume(v);
        }
    }

    /** The appends of {@link #vecInt} alone: into pages committed and populated before timing (see {@link ReusedVec}). */
    @Benchmark
    public void vecIntReused(Size s, ReusedVec r, Blackhole bh) {
        int n = s.n;
        IntVec v = r.elements;
        v.truncate(0);
        for (int i = 0; i < n; i++) {
            v.add(i);
        }
        bh.consume(v);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-XX:+AlwaysPreTouch", "-Xms4g", "-Xmx4g", "--enable-native-access=ALL-UNNAMED"})
    public void arrayInt(Size s, Blackhole bh) {
        int n = s.n;
        DoublingIntArray a = new DoublingIntArray();
        for (int i = 0; i < n; i++) {
            a.add(i);
        }
        bh.consume(a);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-XX:+AlwaysPreTouch", "-Xms8g", "-Xmx8g", "--enable-native-access=ALL-UNNAMED"})
    public void arrayListInt(Size s, Blackhole bh) {
        int n = s.n;
        ArrayList<Integer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(i);
        }
        bh.consume(list);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-XX:+AlwaysPreTouch", "-Xms4g", "-Xmx4g", "--enable-native-access=ALL-UNNAMED"})
    public void fastutilInt(Size s, Blackhole bh) {
        int n = s.n;
        IntArrayList list = new IntArrayList();
        for (int i = 0; i < n; i++) {
            list.add(i);
        }
        bh.consume(list);
    }

    @Benchmark
    public void segmentInt(Size s, Blackhole bh) {
        int n = s.n;
        try (DoublingIntSegment a = new DoublingIntSegment()) {
            for (int i = 0; i < n; i++) {
                a.add(i);
            }
            bh.consume(a);
        }
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-XX:+AlwaysPreTouch", "-Xms2g", "-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
    public void presizedArrayInt(Size s, PresizedInts p, Blackhole bh) {
        int n = s.n;
        int[] a = p.elements;
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        bh.consume(a);
    }

    // ---- long ----

    @Benchmark
    public void vecLong(Size s, Blackhole bh) {
        int n = s.n;
        try (LongVec v = LongVec.create()) {
            for (int i = 0; i < n; i++) {
                v.add(i);
            }
            bh.consume(v);
        }
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-XX:+AlwaysPreTouch", "-Xms4g", "-Xmx4g", "--enable-native-access=ALL-UNNAMED"})
    public void arrayLong(Size s, Blackhole bh) {
        int n = s.n;
        DoublingLongArray a = new DoublingLongArray();
        for (int i = 0; i < n; i++) {
            a.add(i);
        }
        bh.consume(a);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-XX:+AlwaysPreTouch", "-Xms8g", "-Xmx8g", "--enable-native-access=ALL-UNNAMED"})
    public void arrayListLong(Size s, Blackhole bh) {
        int n = s.n;
        ArrayList<Long> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add((long) i);
        }
        bh.consume(list);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-XX:+AlwaysPreTouch", "-Xms4g", "-Xmx4g", "--enable-native-access=ALL-UNNAMED"})
    public void fastutilLong(Size s, Blackhole bh) {
        int n = s.n;
        LongArrayList list = new LongArrayList();
        for (int i = 0; i < n; i++) {
            list.add(i);
        }
        bh.consume(list);
    }

    @Benchmark
    public void segmentLong(Size s, Blackhole bh) {
        int n = s.n;
        try (DoublingLongSegment a = new DoublingLongSegment()) {
            for (int i = 0; i < n; i++) {
                a.add(i);
            }
            bh.consume(a);
        }
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-XX:+AlwaysPreTouch", "-Xms2g", "-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
    public void presizedArrayLong(Size s, PresizedLongs p, Blackhole bh) {
        int n = s.n;
        long[] a = p.elements;
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        bh.consume(a);
    }
}
