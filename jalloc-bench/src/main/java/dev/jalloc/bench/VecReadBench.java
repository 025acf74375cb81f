package dev.jalloc.bench;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.jalloc.bench.VecReadStates.Boxed;
import dev.jalloc.bench.VecReadStates.Fastutil;
import dev.jalloc.bench.VecReadStates.Indexes;
import dev.jalloc.bench.VecReadStates.Jalloc;
import dev.jalloc.bench.VecReadStates.JdkSegment;
import dev.jalloc.bench.VecReadStates.PlainArray;
import dev.jalloc.vector.IntVec;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Vectors (issue 3): reading {@code n} ints from a container built in {@code @Setup} (see {@link VecReadStates}).
 *
 * <ul>
 *   <li>{@code seq*}: one op is the sum of all n elements, in index order; the sum is returned.</li>
 *   <li>{@code random*}: one op is {@value VecReadStates#READS} reads at precomputed uniform random indexes (the
 *       same indexes, from the same seed, for every peer), summed and returned; the score is per read.</li>
 * </ul>
 * The peers: {@code vec} ({@code IntVec.get(long)}, which checks the thread and the index on every call),
 * {@code vecSegment} (the vector's {@code segment()}, taken once per op, read with {@code get(JAVA_INT, offset)}),
 * {@code array} (the {@code int[]} of a doubling array list), {@code arrayList} ({@code ArrayList<Integer>.get},
 * unboxed), {@code fastutil} ({@code IntArrayList.getInt}), {@code segment} (an {@code Arena.ofConfined()}
 * segment, {@code get(JAVA_INT, offset)}).
 *
 * <p>Every container was written by its {@code @Setup}, so no read takes a page fault; the heap is not pre-touched
 * here because nothing is allocated while timing. Everything is on 4 KiB pages: transparent huge pages are in
 * {@code madvise} mode on the reference machine and neither the JVM (without {@code -XX:+UseTransparentHugePages})
 * nor the vector nor {@code malloc} asks for them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g", "--enable-native-access=ALL-UNNAMED"})
public class VecReadBench {

    // ---- sequential: one op sums all n elements ----

    @Benchmark
    public long seqVec(Jalloc v) {
        IntVec elements = v.elements;
        long n = elements.size();
        long sum = 0;
        for (long i = 0; i < n; i++) {
            sum += elements.get(i);
        }
        return sum;
    }

    @Benchmark
    public long seqVecSegment(Jalloc v) {
        MemorySegment elements = v.elements.segment();
        long n = elements.byteSize() / Integer.BYTES;
        long sum = 0;
        for (long i = 0; i < n; i++) {
            sum += elements.get(JAVA_INT, i * Integer.BYTES);
        }
        return sum;
    }

    @Benchmark
    public long seqArray(PlainArray a) {
        int[] elements = a.elements.elements;
        int n = a.elements.size;
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += elements[i];
        }
        return sum;
    }

    @Benchmark
    public long seqArrayList(Boxed b) {
        ArrayList<Integer> elements = b.elements;
        int n = elements.size();
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += elements.get(i);
        }
        return sum;
    }

    @Benchmark
    public long seqFastutil(Fastutil f) {
        IntArrayList elements = f.elements;
        int n = elements.size();
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += elements.getInt(i);
        }
        return sum;
    }

    @Benchmark
    public long seqSegment(JdkSegment s) {
        MemorySegment elements = s.elements.elements;
        long n = s.elements.size;
        long sum = 0;
        for (long i = 0; i < n; i++) {
            sum += elements.get(JAVA_INT, i * Integer.BYTES);
        }
        return sum;
    }

    // ---- random: one op is READS reads at the same random indexes for every peer ----

    @Benchmark
    @OperationsPerInvocation(VecReadStates.READS)
    public long randomVec(Jalloc v, Indexes x) {
        IntVec elements = v.elements;
        int[] at = x.at;
        long sum = 0;
        for (int k = 0; k < at.length; k++) {
            sum += elements.get(at[k]);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(VecReadStates.READS)
    public long randomVecSegment(Jalloc v, Indexes x) {
        MemorySegment elements = v.elements.segment();
        int[] at = x.at;
        long sum = 0;
        for (int k = 0; k < at.length; k++) {
            sum += elements.get(JAVA_INT, (long) at[k] * Integer.BYTES);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(VecReadStates.READS)
    public long randomArray(PlainArray a, Indexes x) {
        int[] elements = a.elements.elements;
        int[] at = x.at;
        long sum = 0;
        for (int k = 0; k < at.length; k++) {
            sum += elements[at[k]];
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(VecReadStates.READS)
    public long randomArrayList(Boxed b, Indexes x) {
        ArrayList<Integer> elements = b.elements;
        int[] at = x.at;
        long sum = 0;
        for (int k = 0; k < at.length; k++) {
            sum += elements.get(at[k]);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(VecReadStates.READS)
    public long randomFastutil(Fastutil f, Indexes x) {
        IntArrayList elements = f.elements;
        int[] at = x.at;
        long sum = 0;
        for (int k = 0; k < at.length; k++) {
            sum += elements.getInt(at[k]);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(VecReadStates.READS)
    public long randomSegment(JdkSegment s, Indexes x) {
        MemorySegment elements = s.elements.elements;
        int[] at = x.at;
        long sum = 0;
        for (int k = 0; k < at.length; k++) {
            sum += elements.get(JAVA_INT, (long) at[k] * Integer.BYTES);
        }
        return sum;
    }
}
