package dev.jalloc.bench;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.jalloc.arena.LinearArena;
import dev.jalloc.arena.Temp;
import dev.jalloc.bench.ArenaPushStates.Jalloc;
import dev.jalloc.bench.ArenaPushStates.Libc;
import dev.jalloc.bench.ArenaPushStates.Lwjgl;
import dev.jalloc.bench.ArenaPushStates.Region;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.concurrent.TimeUnit;
import org.lwjgl.system.MemoryStack;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Linear arenas (issue 2): what one 32-byte allocation costs on a {@link LinearArena} and on its peers.
 *
 * <p>One op is one allocation of {@value #SIZE} bytes aligned to {@value #ALIGN}. Each invocation does a batch
 * of {@value #BATCH} ops and then resets (clear, pop, close or free, as the contender does it), so the reset is
 * amortized over the same batch for everyone. The contenders, grouped by name:
 * <pre>
 *   bump*            speed of light: a bare bump pointer over a pre-touched region, as an address (bump),
 *                    as a slice (bumpSlice), as a slice zeroed by fill() (bumpSliceZeroed) or by four
 *                    8-byte stores (bumpSliceZeroedStores)
 *   jallocPush*      LinearArena push, pushNoInit, pushAddress, pushAddressNoInit, reset by clear();
 *                    param growth: a virtual arena or a chained one
 *   jallocTemp*      a Temp per op (temp, push, close), as a segment (PerOp) or as a raw unzeroed address
 *                    (PerOpRaw: the same work as lwjglStackPerOp); one Temp per batch (Batch)
 *   jallocPopToPerOp the scope of PerOpRaw without a Temp: pos(), pushAddressNoInit, popTo(mark)
 *   *ThreeSegments   a downcall's temps (issue 9): a scope, three small zeroed segments (an out-pointer, a
 *                    small struct, a short C string), all three passed to one call, the scope's end; on a
 *                    Temp (jalloc), a MemoryStack (lwjgl), and a bare bump (bump: the speed of light)
 *   jdkArena*        Arena.ofConfined(): one arena per op (PerOp), or one per batch, closed after it (Batch)
 *   jdkSlicing       SegmentAllocator.slicingAllocator over a pre-touched region, a new one per batch
 *   lwjglStack*      LWJGL MemoryStack: push, nmalloc, pop per op (PerOp) or per batch (Batch)
 *   mallocFree*      libc malloc then free through an FFM downcall, plain or Linker.Option.critical(false)
 * </pre>
 *
 * <h2>How results are consumed</h2>
 * <ul>
 *   <li>Segments go to the {@code Blackhole}: the segment object must exist, as when it is returned, stored or
 *       passed on. Addresses go into a running sum that the method returns.</li>
 *   <li>{@code *Local}: the segment is used where it was made (its address summed) and dropped, so escape
 *       analysis may remove the segment object: what a push costs inside one compiled method. Run for the
 *       speed of light, jalloc and the JDK arena.</li>
 *   <li>{@code *PerOp} and {@code bumpCall}: each allocation is passed to a method the JIT may not inline, as a
 *       scope around a call does. Without it the JIT folds MemoryStack's push, nmalloc and pop into nothing
 *       (0.05 ns/op), which measures no allocator at all. {@code bumpCall} is the price of that call alone.</li>
 * </ul>
 *
 * <p>Zeroed or not matters at this size: in the steady state every batch reuses the memory of the one before,
 * so {@code push}, {@code pushAddress}, {@code Temp.allocate} and {@code Arena.allocate} write 32 zero bytes
 * per op, while {@code pushNoInit}, {@code pushAddressNoInit}, the slicing allocator, {@code nmalloc} and
 * {@code malloc} do not.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {
        // The heap is touched before timing; native memory is touched by each state's @Setup.
        "-XX:+AlwaysPreTouch", "-Xms1g", "-Xmx1g",
        "--enable-native-access=ALL-UNNAMED",
        // LWJGL 3.3.6 reads memory through sun.misc.Unsafe; allowed quietly rather than warned about.
        "--sun-misc-unsafe-memory-access=allow"})
@OperationsPerInvocation(ArenaPushBench.BATCH)
public class ArenaPushBench {
    /** Ops per invocation. */
    static final int BATCH = 1024;
    /** Bytes per op. */
    static final long SIZE = 32;
    /** The alignment of every op: LinearArena's auto-alignment, and what malloc gives at least. */
    static final long ALIGN = 8;
    /** Bytes a batch takes, with no padding since SIZE is a multiple of ALIGN. */
    static final long BATCH_BYTES = BATCH * SIZE;

    /** Where a scope's allocation goes in the per-op benchmarks: a call the JIT cannot see through. */
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static void callee(long address) {
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static void callee(MemorySegment segment) {
    }

    /** Where the three segments of a {@code *ThreeSegments} scope go, as to a downcall: they must exist. */
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static void callee(MemorySegment out, MemorySegment struct, MemorySegment string) {
    }

    // The three temps of a typical downcall, the same for every *ThreeSegments contender.
    /** An out-pointer. */
    static final int OUT_SIZE = 8;
    static final int OUT_ALIGN = 8;
    /** A small struct. */
    static final int STRUCT_SIZE = 16;
    static final int STRUCT_ALIGN = 8;
    /** A short C string. */
    static final int STRING_SIZE = 32;
    static final int STRING_ALIGN = 1;

    // ---- speed of light ----

    @Benchmark
    public long bump(Region r) {
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += r.base + r.bump(SIZE, ALIGN);
        }
        r.top = 0;
        return sum;
    }

    @Benchmark
    public void bumpSlice(Region r, Blackhole bh) {
        MemorySegment region = r.segment;
        for (int i = 0; i < BATCH; i++) {
            bh.consume(region.asSlice(r.bump(SIZE, ALIGN), SIZE));
        }
        r.top = 0;
    }

    @Benchmark
    public void bumpSliceZeroed(Region r, Blackhole bh) {
        MemorySegment region = r.segment;
        for (int i = 0; i < BATCH; i++) {
            MemorySegment slice = region.asSlice(r.bump(SIZE, ALIGN), SIZE);
            slice.fill((byte) 0);
            bh.consume(slice);
        }
        r.top = 0;
    }

    @Benchmark
    public long bumpSliceLocal(Region r) {
        MemorySegment region = r.segment;
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += region.asSlice(r.bump(SIZE, ALIGN), SIZE).address();
        }
        r.top = 0;
        return sum;
    }

    @Benchmark
    public long bumpSliceZeroedLocal(Region r) {
        MemorySegment region = r.segment;
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            MemorySegment slice = region.asSlice(r.bump(SIZE, ALIGN), SIZE);
            slice.fill((byte) 0);
            sum += slice.address();
        }
        r.top = 0;
        return sum;
    }

    /**
     * Zeroing without {@code fill()}: in JDK 25, {@code fill} writes inline only below 32 bytes
     * ({@code java.lang.foreign.native.threshold.power.fill}, default 5) and calls {@code Unsafe.setMemory} from
     * 32 bytes up. Plain 8-byte stores through the slice, whose size the JIT knows, cost far less. The loop
     * counter is an int on purpose: with a long counter C2 does not unroll this loop and the stores cost about
     * as much as the fill.
     */
    @Benchmark
    public void bumpSliceZeroedStores(Region r, Blackhole bh) {
        MemorySegment region = r.segment;
        for (int i = 0; i < BATCH; i++) {
            MemorySegment slice = region.asSlice(r.bump(SIZE, ALIGN), SIZE);
            zeroByStores(slice);
            bh.consume(slice);
        }
        r.top = 0;
    }

    @Benchmark
    public long bumpSliceZeroedStoresLocal(Region r) {
        MemorySegment region = r.segment;
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            MemorySegment slice = region.asSlice(r.bump(SIZE, ALIGN), SIZE);
            zeroByStores(slice);
            sum += slice.address();
        }
        r.top = 0;
        return sum;
    }

    /** Zeroes a slice of {@link #SIZE} bytes, a multiple of 8, with 8-byte stores. */
    private static void zeroByStores(MemorySegment slice) {
        for (int offset = 0; offset < (int) SIZE; offset += Long.BYTES) {
            slice.set(JAVA_LONG, offset, 0L);
        }
    }

    /**
     * The speed of light of {@link #jallocTempThreeSegments}: a scope saved in a local, three bumps over the
     * pre-touched region, each made a segment with the region's lifetime and zeroed by 8-byte stores at constant
     * offsets, the call, the scope's end. The segments are made from the address ({@code reinterpret}), which the
     * JIT sees through better than {@code asSlice}: the stores then need no checks of their own.
     */
    @Benchmark
    @SuppressWarnings("restricted") // the forks run with native access enabled
    public void bumpThreeSegments(Region r) {
        Arena lifetime = r.owner;
        long base = r.base;
        for (int i = 0; i < BATCH; i++) {
            long mark = r.top;
            MemorySegment out = MemorySegment.ofAddress(base + r.bump(OUT_SIZE, OUT_ALIGN))
                    .reinterpret(OUT_SIZE, lifetime, null);
            out.set(JAVA_LONG_UNALIGNED, 0, 0L);
            MemorySegment struct = MemorySegment.ofAddress(base + r.bump(STRUCT_SIZE, STRUCT_ALIGN))
                    .reinterpret(STRUCT_SIZE, lifetime, null);
            struct.set(JAVA_LONG_UNALIGNED, 0, 0L);
            struct.set(JAVA_LONG_UNALIGNED, 8, 0L);
            MemorySegment string = MemorySegment.ofAddress(base + r.bump(STRING_SIZE, STRING_ALIGN))
                    .reinterpret(STRING_SIZE, lifetime, null);
            string.set(JAVA_LONG_UNALIGNED, 0, 0L);
            string.set(JAVA_LONG_UNALIGNED, 8, 0L);
            string.set(JAVA_LONG_UNALIGNED, 16, 0L);
            string.set(JAVA_LONG_UNALIGNED, 24, 0L);
            callee(out, struct, string);
            r.top = mark;
        }
    }

    @Benchmark
    public void bumpCall(Region r) {
        for (int i = 0; i < BATCH; i++) {
            callee(r.base + r.bump(SIZE, ALIGN));
        }
        r.top = 0;
    }

    // ---- jalloc: LinearArena pushes ----

    @Benchmark
    public void jallocPush(Jalloc j, Blackhole bh) {
        LinearArena arena = j.arena;
        for (int i = 0; i < BATCH; i++) {
            bh.consume(arena.push(SIZE));
        }
        arena.clear();
    }

    @Benchmark
    public void jallocPushNoInit(Jalloc j, Blackhole bh) {
        LinearArena arena = j.arena;
        for (int i = 0; i < BATCH; i++) {
            bh.consume(arena.pushNoInit(SIZE));
        }
        arena.clear();
    }

    @Benchmark
    public long jallocPushAddress(Jalloc j) {
        LinearArena arena = j.arena;
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += arena.pushAddress(SIZE, ALIGN);
        }
        arena.clear();
        return sum;
    }

    @Benchmark
    public long jallocPushAddressNoInit(Jalloc j) {
        LinearArena arena = j.arena;
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += arena.pushAddressNoInit(SIZE, ALIGN);
        }
        arena.clear();
        return sum;
    }

    @Benchmark
    public long jallocPushLocal(Jalloc j) {
        LinearArena arena = j.arena;
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += arena.push(SIZE).address();
        }
        arena.clear();
        return sum;
    }

    @Benchmark
    public long jallocPushNoInitLocal(Jalloc j) {
        LinearArena arena = j.arena;
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += arena.pushNoInit(SIZE).address();
        }
        arena.clear();
        return sum;
    }

    // ---- jalloc: temps ----

    @Benchmark
    public void jallocTempPerOp(Jalloc j) {
        LinearArena arena = j.arena;
        for (int i = 0; i < BATCH; i++) {
            try (Temp temp = arena.temp()) {
                callee(temp.allocate(SIZE, ALIGN));
            }
        }
    }

    /** The work of {@link #lwjglStackPerOp}: a scope, one unzeroed push as an address, the scope's end. */
    @Benchmark
    @SuppressWarnings("try") // the temp is only a scope here: its close is what is measured
    public void jallocTempPerOpRaw(Jalloc j) {
        LinearArena arena = j.arena;
        for (int i = 0; i < BATCH; i++) {
            try (Temp temp = arena.temp()) {
                callee(arena.pushAddressNoInit(SIZE, ALIGN));
            }
        }
    }

    /** A scope without a Temp: the position saved in a local and restored with popTo. */
    @Benchmark
    public void jallocPopToPerOp(Jalloc j) {
        LinearArena arena = j.arena;
        for (int i = 0; i < BATCH; i++) {
            long mark = arena.pos();
            callee(arena.pushAddressNoInit(SIZE, ALIGN));
            arena.popTo(mark);
        }
    }

    /** A downcall's temps: three zeroed segments from one Temp, passed to one call. */
    @Benchmark
    public void jallocTempThreeSegments(Jalloc j) {
        LinearArena arena = j.arena;
        for (int i = 0; i < BATCH; i++) {
            try (Temp temp = arena.temp()) {
                callee(temp.allocate(OUT_SIZE, OUT_ALIGN),
                        temp.allocate(STRUCT_SIZE, STRUCT_ALIGN),
                        temp.allocate(STRING_SIZE, STRING_ALIGN));
            }
        }
    }

    @Benchmark
    public void jallocTempBatch(Jalloc j, Blackhole bh) {
        try (Temp temp = j.arena.temp()) {
            for (int i = 0; i < BATCH; i++) {
                bh.consume(temp.allocate(SIZE, ALIGN));
            }
        }
    }

    // ---- the JDK ----

    @Benchmark
    public void jdkArenaPerOp() {
        for (int i = 0; i < BATCH; i++) {
            try (Arena arena = Arena.ofConfined()) {
                callee(arena.allocate(SIZE, ALIGN));
            }
        }
    }

    @Benchmark
    public void jdkArenaBatch(Blackhole bh) {
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < BATCH; i++) {
                bh.consume(arena.allocate(SIZE, ALIGN));
            }
        }
    }

    @Benchmark
    public long jdkArenaBatchLocal() {
        long sum = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < BATCH; i++) {
                sum += arena.allocate(SIZE, ALIGN).address();
            }
        }
        return sum;
    }

    @Benchmark
    public void jdkSlicing(Region r, Blackhole bh) {
        SegmentAllocator slicer = SegmentAllocator.slicingAllocator(r.segment);
        for (int i = 0; i < BATCH; i++) {
            bh.consume(slicer.allocate(SIZE, ALIGN));
        }
    }

    // ---- LWJGL ----

    @Benchmark
    public long lwjglStackBatch(Lwjgl l) {
        MemoryStack stack = l.stack;
        long sum = 0;
        stack.push();
        for (int i = 0; i < BATCH; i++) {
            sum += stack.nmalloc((int) ALIGN, (int) SIZE);
        }
        stack.pop();
        return sum;
    }

    @Benchmark
    public void lwjglStackPerOp(Lwjgl l) {
        MemoryStack stack = l.stack;
        for (int i = 0; i < BATCH; i++) {
            stack.push();
            callee(stack.nmalloc((int) ALIGN, (int) SIZE));
            stack.pop();
        }
    }

    /**
     * A downcall's temps on a MemoryStack, as LWJGL code wraps them for FFM: {@code ncalloc} (which zeroes) made a
     * segment of the size asked. {@code reinterpret} is restricted; the forks enable native access.
     */
    @Benchmark
    @SuppressWarnings("restricted")
    public void lwjglStackThreeSegments(Lwjgl l) {
        MemoryStack stack = l.stack;
        for (int i = 0; i < BATCH; i++) {
            stack.push();
            callee(MemorySegment.ofAddress(stack.ncalloc(OUT_ALIGN, 1, OUT_SIZE)).reinterpret(OUT_SIZE),
                    MemorySegment.ofAddress(stack.ncalloc(STRUCT_ALIGN, 1, STRUCT_SIZE)).reinterpret(STRUCT_SIZE),
                    MemorySegment.ofAddress(stack.ncalloc(STRING_ALIGN, 1, STRING_SIZE)).reinterpret(STRING_SIZE));
            stack.pop();
        }
    }

    // ---- libc ----

    @Benchmark
    public long mallocFree(Libc c) throws Throwable {
        long[] blocks = c.blocks;
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            long address = Libc.checked((long) Libc.MALLOC.invokeExact(SIZE));
            blocks[i] = address;
            sum += address;
        }
        for (int i = 0; i < BATCH; i++) {
            Libc.FREE.invokeExact(blocks[i]);
        }
        return sum;
    }

    @Benchmark
    public long mallocFreeCritical(Libc c) throws Throwable {
        long[] blocks = c.blocks;
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            long address = Libc.checked((long) Libc.MALLOC_CRITICAL.invokeExact(SIZE));
            blocks[i] = address;
            sum += address;
        }
        for (int i = 0; i < BATCH; i++) {
            Libc.FREE_CRITICAL.invokeExact(blocks[i]);
        }
        return sum;
    }
}
