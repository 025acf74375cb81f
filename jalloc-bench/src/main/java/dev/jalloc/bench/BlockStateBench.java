package dev.jalloc.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What marking a block live at its allocation and dead at its free costs when other threads may free into the same
 * metadata (issue 10: a shared heap must refuse a double free exactly, even from two threads at once, so every free
 * is an atomic transition). One op: mark a block live, then free it with a check that it was live, over
 * {@value #BLOCKS} blocks whose states share words.
 *
 * <dl>
 *   <dt>{@link #plainBits}</dt><dd>Today's confined heap: a bit per block, plain read-modify-writes.</dd>
 *   <dt>{@link #atomicBits}</dt><dd>The same bits, both transitions atomic ({@code getAndBitwiseOr/And}): needed
 *       when a remote free may clear a neighbour's bit in the same word.</dd>
 *   <dt>{@link #plainSetCasClearByte}</dt><dd>A byte per block: the owner's allocation is a plain store (no
 *       neighbour shares it), every free a byte compare-and-set.</dd>
 *   <dt>{@link #lockedBits}</dt><dd>Plain bits under an uncontended {@link ReentrantLock} taken per operation.</dd>
 * </dl>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@State(Scope.Thread)
public class BlockStateBench {
    static final int BLOCKS = 1024;
    static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    static final VarHandle BYTES = MethodHandles.arrayElementVarHandle(byte[].class);

    final long[] bits = new long[BLOCKS / 64];
    final byte[] bytes = new byte[BLOCKS];
    final ReentrantLock lock = new ReentrantLock();

    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public long plainBits() {
        long[] b = bits;
        long bad = 0;
        for (int i = 0; i < BLOCKS; i++) {
            b[i >>> 6] |= 1L << i;
            long w = b[i >>> 6];
            if ((w & (1L << i)) == 0) {
                bad++;
            }
            b[i >>> 6] = w & ~(1L << i);
        }
        return bad;
    }

    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public long atomicBits() {
        long[] b = bits;
        long bad = 0;
        for (int i = 0; i < BLOCKS; i++) {
            LONGS.getAndBitwiseOr(b, i >>> 6, 1L << i);
            long old = (long) LONGS.getAndBitwiseAnd(b, i >>> 6, ~(1L << i));
            if ((old & (1L << i)) == 0) {
                bad++;
            }
        }
        return bad;
    }

    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public long plainSetCasClearByte() {
        byte[] s = bytes;
        long bad = 0;
        for (int i = 0; i < BLOCKS; i++) {
            s[i] = 1;
            if (!BYTES.compareAndSet(s, i, (byte) 1, (byte) 0)) {
                bad++;
            }
        }
        return bad;
    }

    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public long lockedBits() {
        long[] b = bits;
        long bad = 0;
        for (int i = 0; i < BLOCKS; i++) {
            lock.lock();
            try {
                b[i >>> 6] |= 1L << i;
            } finally {
                lock.unlock();
            }
            lock.lock();
            try {
                long w = b[i >>> 6];
                if ((w & (1L << i)) == 0) {
                    bad++;
                }
                b[i >>> 6] = w & ~(1L << i);
            } finally {
                lock.unlock();
            }
        }
        return bad;
    }
}
