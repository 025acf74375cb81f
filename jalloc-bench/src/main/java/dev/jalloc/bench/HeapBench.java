package dev.jalloc.bench;

import dev.jalloc.bench.HeapPeers.Contender;
import dev.jalloc.bench.HeapStates.Fifo;
import dev.jalloc.bench.HeapStates.Lifo;
import dev.jalloc.bench.HeapStates.Pair;
import dev.jalloc.bench.HeapStates.Realloc;
import dev.jalloc.bench.HeapStates.Window;
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
 * The heap (issue 4): jalloc's {@link dev.jalloc.heap.Heap} and {@link dev.jalloc.heap.BestFitAllocator}
 * against the mallocs and buffer pools a Java program can use instead. The contenders are the values of the
 * {@code contender} parameter, listed in {@link HeapPeers}; each runs in a fork of its own.
 *
 * <dl>
 *   <dt>{@link #pair}</dt>
 *   <dd>One op: allocate {@code size} bytes, write the first byte, free them. {@value #PAIRS} ops per
 *       invocation. Param {@code size}: 16, 64, 256, 4096, 65536, 1048576.</dd>
 *   <dt>{@link #window}</dt>
 *   <dd>{@value HeapStates#WINDOW} blocks live at all times, of sizes drawn uniformly from 16 to 1024 bytes.
 *       One op: free the block in a slot drawn at random, allocate a block of the next size in its place and
 *       write its first byte. Slots and sizes come from one seeded sequence of {@value HeapStates#SEQUENCE}
 *       steps (seed {@value HeapStates#SEED}), the same for every contender, replayed in a loop.
 *       {@value #WINDOW_OPS} ops per invocation.</dd>
 *   <dt>{@link #fifo}</dt>
 *   <dd>A queue: {@value HeapStates#QUEUE} blocks live, the oldest freed first. One op: free the oldest block,
 *       allocate one of the next size in its place and write every byte of it. Sizes are skewed towards small ones
 *       (60% 16..64 bytes, 30% 65..512, 9% 513..4096, 1% 4097..32768; {@link HeapStates#skewedSize}), from one
 *       seeded sequence, the same for every contender. {@value #QUEUE_OPS} ops per invocation.</dd>
 *   <dt>{@link #lifo}</dt>
 *   <dd>A stack: allocate a burst of {@value HeapStates#BURST} blocks of the same skewed sizes, writing every byte
 *       of each, then free them newest first. One op is one block's allocation, write and free; {@value
 *       HeapStates#BURST} ops per invocation.</dd>
 *   <dt>{@link #realloc}</dt>
 *   <dd>Realloc growth. One op is one whole chain: allocate 16 bytes (first byte written), then grow the block
 *       by half again ({@code size + size / 2}) with realloc, writing the new last byte after each step, up to
 *       1 MiB (the last step clamped to it): {@value HeapStates#REALLOC_STEPS} reallocs, then free. The
 *       chain is the same for every contender; whether a step is in place or a copy is the allocator's business
 *       and what is measured.</dd>
 * </dl>
 *
 * <p><b>Steady state.</b> Each state's setup runs its workload on the contender before timing, with every
 * block fully written (so its pages are faulted in), and the window is full when timing starts. An allocator
 * that gives pages back to the OS while timing pays to fault them in again: its own policy, measured.
 *
 * <p><b>Consumed.</b> Every block is stored in its slot and its first byte (last, after a realloc) written,
 * by every contender alike; nothing else is returned.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {
        "-XX:+AlwaysPreTouch", "-Xms1g", "-Xmx1g",
        "--enable-native-access=ALL-UNNAMED",
        // LWJGL 3.3.6 reads memory through sun.misc.Unsafe; allowed quietly rather than warned about.
        "--sun-misc-unsafe-memory-access=allow",
        // Netty at its best, as on its event-loop threads: 4.2's DEFAULT pooled allocator keeps no thread cache
        // for other threads (JMH's) unless told to, and its default leak detection samples allocations.
        "-Dio.netty.allocator.useCacheForAllThreads=true", "-Dio.netty.leakDetection.level=disabled"})
public class HeapBench {
    /** Ops per invocation of {@link #pair}. */
    static final int PAIRS = 1024;
    /** Ops per invocation of {@link #window}. */
    static final int WINDOW_OPS = 1024;
    /** Ops per invocation of {@link #fifo}. */
    static final int QUEUE_OPS = 1024;

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public void pair(Pair p) {
        Contender c = p.peer;
        int size = p.size;
        for (int i = 0; i < PAIRS; i++) {
            c.allocate(0, size);
            c.free(0);
        }
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW_OPS)
    public void window(Window w) {
        Contender c = w.peer;
        int[] slots = w.slots;
        int[] sizes = w.sizes;
        int cursor = w.cursor;
        for (int i = 0; i < WINDOW_OPS; i++) {
            int slot = slots[cursor];
            c.free(slot);
            c.allocate(slot, sizes[cursor]);
            cursor = (cursor + 1) & (HeapStates.SEQUENCE - 1);
        }
        w.cursor = cursor;
    }

    @Benchmark
    @OperationsPerInvocation(QUEUE_OPS)
    public void fifo(Fifo q) {
        for (int i = 0; i < QUEUE_OPS; i++) {
            fifoStep(q);
        }
    }

    /** Frees the oldest block of the queue and allocates the next one in its place, every byte written. */
    static void fifoStep(Fifo q) {
        Contender c = q.peer;
        int slot = q.oldest;
        int size = q.sizes[q.cursor];
        c.free(slot);
        c.allocate(slot, size);
        c.touch(slot, size);
        q.oldest = slot + 1 == HeapStates.QUEUE ? 0 : slot + 1;
        q.cursor = (q.cursor + 1) & (HeapStates.SEQUENCE - 1);
    }

    @Benchmark
    @OperationsPerInvocation(HeapStates.BURST)
    public void lifo(Lifo s) {
        lifoBurst(s);
    }

    /** Allocates a burst of blocks, every byte written, then frees them newest first. */
    static void lifoBurst(Lifo s) {
        Contender c = s.peer;
        int[] sizes = s.sizes;
        int cursor = s.cursor;
        for (int slot = 0; slot < HeapStates.BURST; slot++) {
            int size = sizes[cursor];
            c.allocate(slot, size);
            c.touch(slot, size);
            cursor = (cursor + 1) & (HeapStates.SEQUENCE - 1);
        }
        for (int slot = HeapStates.BURST - 1; slot >= 0; slot--) {
            c.free(slot);
        }
        s.cursor = cursor;
    }

    @Benchmark
    public void realloc(Realloc r) {
        Contender c = r.peer;
        int[] steps = HeapStates.REALLOC_SIZES;
        c.allocate(0, steps[0]);
        for (int i = 1; i < steps.length; i++) {
            c.reallocate(0, steps[i]);
        }
        c.free(0);
    }
}
