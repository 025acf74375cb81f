package dev.jalloc.bench;

import static dev.jalloc.bench.ArenaPushBench.ALIGN;
import static dev.jalloc.bench.ArenaPushBench.BATCH;
import static dev.jalloc.bench.ArenaPushBench.BATCH_BYTES;
import static dev.jalloc.bench.ArenaPushBench.SIZE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jalloc.arena.LinearArena;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.lwjgl.system.MemoryStack;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The states of {@link ArenaPushBench}, one per family of contenders: JMH makes only the states a benchmark
 * names, so no contender pays for another's setup. Each setup leaves its allocator in the steady state of a
 * loop: the memory of one batch committed, touched and, where it matters, dirty.
 */
public final class ArenaPushStates {
    private ArenaPushStates() {
    }

    /** A pre-touched native region with a bare bump pointer: the speed of light, and the slicing allocator's memory. */
    @State(Scope.Thread)
    public static class Region {
        Arena owner;
        MemorySegment segment;
        long base;
        long limit;
        long top;

        @Setup(Level.Trial)
        public void setUp() {
            owner = Arena.ofConfined();
            segment = owner.allocate(BATCH_BYTES, 4096);
            segment.fill((byte) 0x55);
            base = segment.address();
            limit = segment.byteSize();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            owner.close();
        }

        /**
         * The least an allocator can do: align, bounds-check, bump. The bounds check stays because an allocator
         * without one is not an allocator; it also keeps the JIT from folding a batch into one add.
         */
        long bump(long byteSize, long byteAlignment) {
            long start = (top + byteAlignment - 1) & -byteAlignment;
            long end = start + byteSize;
            if (end > limit) {
                throw new OutOfMemoryError("region full");
            }
            top = end;
            return start;
        }
    }

    /** A LinearArena in its steady state: a batch's worth of memory committed, touched and dirty. */
    @State(Scope.Thread)
    public static class Jalloc {
        @Param({"virtual", "chained"})
        String growth;
        LinearArena arena;

        @Setup(Level.Trial)
        public void setUp() {
            arena = switch (growth) {
                case "virtual" -> LinearArena.ofVirtual();
                case "chained" -> LinearArena.ofChained();
                default -> throw new IllegalArgumentException("growth: " + growth + " (expected: virtual, chained)");
            };
            // Commits and touches the memory every batch will reuse, and leaves it dirty so that push must zero.
            arena.pushNoInit(BATCH_BYTES).fill((byte) 0x55);
            arena.clear();
            // The premise of the zeroed contenders: reused memory is zeroed again. Checked, not assumed.
            MemorySegment first = arena.push(SIZE);
            if (first.get(JAVA_LONG, 0) != 0 || first.get(JAVA_LONG, SIZE - 8) != 0) {
                throw new IllegalStateException("push returned dirty memory: " + arena);
            }
            arena.clear();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    /** An LWJGL MemoryStack with room for a batch, touched. */
    @State(Scope.Thread)
    public static class Lwjgl {
        MemoryStack stack;

        @Setup(Level.Trial)
        @SuppressWarnings("restricted") // the forks run with native access enabled
        public void setUp() {
            stack = MemoryStack.create(64 << 10);
            stack.push();
            MemorySegment.ofAddress(stack.nmalloc((int) ALIGN, (int) BATCH_BYTES))
                    .reinterpret(BATCH_BYTES)
                    .fill((byte) 0x55);
            stack.pop();
        }
    }

    /** libc malloc and free as downcalls, and room for the addresses of a batch. */
    @State(Scope.Thread)
    @SuppressWarnings("restricted") // the forks run with native access enabled
    public static class Libc {
        // static final, so that invokeExact is a constant call site the JIT can inline.
        static final MethodHandle MALLOC;
        static final MethodHandle FREE;
        static final MethodHandle MALLOC_CRITICAL;
        static final MethodHandle FREE_CRITICAL;

        static {
            Linker linker = Linker.nativeLinker();
            MemorySegment malloc = linker.defaultLookup().findOrThrow("malloc");
            MemorySegment free = linker.defaultLookup().findOrThrow("free");
            // Pointers as JAVA_LONG: the same register on x86-64 and AArch64, and no MemorySegment to make per
            // call, so the downcall is compared with the address-returning pushes on equal terms.
            FunctionDescriptor mallocType = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG);
            FunctionDescriptor freeType = FunctionDescriptor.ofVoid(JAVA_LONG);
            MALLOC = linker.downcallHandle(malloc, mallocType);
            FREE = linker.downcallHandle(free, freeType);
            MALLOC_CRITICAL = linker.downcallHandle(malloc, mallocType, Linker.Option.critical(false));
            FREE_CRITICAL = linker.downcallHandle(free, freeType, Linker.Option.critical(false));
        }

        final long[] blocks = new long[BATCH];

        @Setup(Level.Trial)
        public void setUp() throws Throwable {
            // Warms malloc's free lists and touches its heap pages, so timing starts in the steady state.
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < BATCH; i++) {
                    blocks[i] = checked((long) MALLOC.invokeExact(SIZE));
                    MemorySegment.ofAddress(blocks[i]).reinterpret(SIZE).fill((byte) 0x55);
                }
                for (int i = 0; i < BATCH; i++) {
                    FREE.invokeExact(blocks[i]);
                }
            }
        }

        static long checked(long address) {
            if (address == 0) {
                throw new OutOfMemoryError("malloc(" + SIZE + ") returned NULL");
            }
            return address;
        }
    }
}
