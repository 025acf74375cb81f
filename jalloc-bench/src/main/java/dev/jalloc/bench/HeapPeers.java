package dev.jalloc.bench;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.jalloc.DebugLevel;
import dev.jalloc.heap.AddressAllocator;
import dev.jalloc.heap.BestFitAllocator;
import dev.jalloc.heap.Hardening;
import dev.jalloc.heap.Heap;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import org.lwjgl.system.rpmalloc.RPmalloc;

/**
 * The contenders of {@link HeapBench}, all behind one small interface of numbered slots, so that every
 * benchmark drives every contender with the same code and the same sequence. JMH runs each value of the
 * {@code contender} parameter in a fork of its own, so in a fork only one {@link Contender} class is ever used:
 * the calls below are monomorphic and the JIT inlines them, as it would inline a direct call.
 *
 * <p>What every contender does per call, the same for all: {@link Contender#allocate} takes {@code byteSize}
 * bytes (aligned to 16, what malloc gives), stores the block in its slot and writes its first byte;
 * {@link Contender#reallocate} resizes the slot's block and writes its new last byte; {@link Contender#free}
 * frees it. A failed allocation throws {@link OutOfMemoryError}.
 *
 * <pre>
 *   contender          what it calls
 *   speedOfLight       HeapSpeedOfLight: a free list per exact 16-byte size over a pre-touched region, no checks
 *   jallocHeap         dev.jalloc.heap.Heap.ofConfined(): allocateAddressNoInit(size, 16), free, reallocateNoInit
 *   jallocShared       dev.jalloc.heap.Heap.ofShared(), used from one thread: the same methods
 *   jallocBestFit      dev.jalloc.heap.BestFitAllocator: the same methods
 *   jallocLeaks,       Heap.builder().debug(LEAKS / SAMPLED / ALL / PARANOID): the confined heap at each debug
 *   jallocSampled,     level, for what each level costs (jallocHeap is level OFF, unless -Djalloc.debug says
 *   jallocAll,         otherwise: the forks do not set it)
 *   jallocParanoid
 *   jallocLight,       Heap.builder().hardening(LIGHT / STANDARD / FULL): the confined heap at each hardening
 *   jallocStandard,    level, for what each costs
 *   jallocFull
 *   jallocSegments     Heap.ofConfined() through segments: allocateNoInit(size, 16), free(segment), reallocate
 *   jallocChecked      the same with Heap.builder().checkedLifetimes(true): an arena per payload, closed at its free
 *   glibc[Critical]    malloc, free, realloc of the default lookup (glibc), plain or Linker.Option.critical(false)
 *   jemalloc[Critical] malloc, free, realloc of libjemalloc.so.2 (Debian libjemalloc2), loaded RTLD_LOCAL
 *   mimalloc[Critical] mi_malloc, mi_free, mi_realloc of libmimalloc.so.2 (Debian libmimalloc2.0)
 *   mimallocSecure[Critical]  the same of ../shared/natives/libmimalloc-secure.so: mimalloc 2.0.9, MI_SECURE=ON
 *   hardened           malloc, free, realloc of the process, which must be ../shared/natives/libhardened_malloc.so
 *                      (LD_PRELOAD: see below); plain downcalls
 *   hardenedLight      the same, libhardened_malloc-light.so (hardened_malloc's light configuration)
 *   unsafe             sun.misc.Unsafe allocateMemory, freeMemory, reallocateMemory (glibc underneath)
 *   nettyPooled        PooledByteBufAllocator.DEFAULT.directBuffer(size), release(), capacity(newSize);
 *                      the forks set io.netty.allocator.useCacheForAllThreads=true (4.2's default is false,
 *                      which leaves JMH's threads without a thread cache) and leak detection off
 *   nettyAdaptive      new AdaptiveByteBufAllocator(true, true): direct, with magazine caches on threads
 *                      that are not event loops; the same calls
 *   rpmalloc           LWJGL 3.3.6's rpmalloc binding (JNI): nrpmalloc, nrpfree, nrprealloc
 * </pre>
 *
 * <p>jemalloc needs {@code GLIBC_TUNABLES=glibc.rtld.optional_static_tls=16384} in the environment of the JVM
 * (Debian builds it with initial-exec TLS); {@code ./jalloc bench} sets it and JMH forks inherit it. A library
 * that cannot be loaded fails that contender's setup with the reason and the fix; JMH reports it and goes on
 * with the other contenders.
 *
 * <p><b>The hardened anchors</b> ({@link SharedNatives}) are prebuilt in {@code ../shared/natives}, next to the
 * repository; a clone has none, and their contenders fail their setup naming the missing file.
 * {@code mimallocSecure} and {@code mimallocSecureCritical} load like Debian's mimalloc and run with the others.
 * hardened_malloc cannot be loaded into a running JVM: it must be the whole process's malloc, given with
 * {@code LD_PRELOAD}, and a JMH annotation cannot set a fork's environment. So {@code hardened} and
 * {@code hardenedLight} run in a JMH invocation of their own, whose host JVM and every fork (which inherit its
 * environment) run on hardened_malloc:
 * {@snippet lang=sh :
 * ./jalloc bench --preload hardened HeapBench -p contender=hardened,jallocHeap,mimalloc
 * ./jalloc bench --preload hardened-light HeapBench -p contender=hardenedLight,jallocHeap,mimalloc
 * }
 * Each checks in its setup that the process's {@code malloc} lives in its library ({@code dladdr}), and fails
 * saying how to run it otherwise; they are not in {@link HeapStates}' default list. In such a run
 * {@code jallocHeap} and {@code mimalloc} work as in the main run (their memory is their own, mapped by
 * themselves) while the JVM around them mallocs from hardened_malloc: run them in both invocations to see how far
 * the two agree. Not {@code glibc}: its {@code malloc} (the C library's own, not the preloaded one) then serves the
 * benchmark's thread from glibc's main arena, grown and trimmed with {@code brk}, because no thread used glibc's
 * malloc before it; in the main run that arena is the JVM main thread's, and the benchmark's thread gets an arena
 * of its own.
 */
public final class HeapPeers {
    /** Every contender's name: the values of the benchmarks' {@code contender} parameter. */
    static final String[] NAMES = {"speedOfLight", "jallocHeap", "jallocShared", "jallocBestFit", "glibc",
            "glibcCritical", "jemalloc", "jemallocCritical", "mimalloc", "mimallocCritical", "mimallocSecure",
            "mimallocSecureCritical", "hardened", "hardenedLight", "unsafe", "nettyPooled", "nettyAdaptive", "rpmalloc",
            "jallocLeaks", "jallocSampled", "jallocAll", "jallocParanoid", "jallocLight", "jallocStandard", "jallocFull",
            "jallocSegments", "jallocChecked"};

    /** malloc's alignment, asked of the allocators that take one. */
    static final long ALIGN = 16;

    @SuppressWarnings("restricted") // the forks run with native access enabled
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private HeapPeers() {
    }

    /** {@return a new contender named {@code name}, with {@code slots} empty slots} */
    static Contender open(String name, int slots) {
        return switch (name) {
            case "speedOfLight" -> new HeapSpeedOfLight(slots);
            case "jallocHeap" -> new Jalloc(Heap.ofConfined(), slots);
            case "jallocShared" -> new Jalloc(Heap.ofShared(), slots);
            case "jallocBestFit" -> new Jalloc(BestFitAllocator.create(), slots);
            case "jallocLeaks" -> new Jalloc(Heap.builder().debug(DebugLevel.LEAKS).build(), slots);
            case "jallocSampled" -> new Jalloc(Heap.builder().debug(DebugLevel.SAMPLED).build(), slots);
            case "jallocAll" -> new Jalloc(Heap.builder().debug(DebugLevel.ALL).build(), slots);
            case "jallocParanoid" -> new Jalloc(Heap.builder().debug(DebugLevel.PARANOID).build(), slots);
            case "jallocLight" -> new Jalloc(Heap.builder().hardening(Hardening.LIGHT).build(), slots);
            case "jallocStandard" -> new Jalloc(Heap.builder().hardening(Hardening.STANDARD).build(), slots);
            case "jallocFull" -> new Jalloc(Heap.builder().hardening(Hardening.FULL).build(), slots);
            case "jallocSegments" -> new JallocSegments(Heap.ofConfined(), slots);
            case "jallocChecked" -> new JallocSegments(Heap.builder().checkedLifetimes(true).build(), slots);
            case "glibc" -> new NativePeers.GlibcPlain(slots);
            case "glibcCritical" -> new NativePeers.GlibcCritical(slots);
            case "jemalloc" -> new NativePeers.JemallocPlain(slots);
            case "jemallocCritical" -> new NativePeers.JemallocCritical(slots);
            case "mimalloc" -> new NativePeers.MimallocPlain(slots);
            case "mimallocCritical" -> new NativePeers.MimallocCritical(slots);
            case "mimallocSecure" -> new NativePeers.MimallocSecurePlain(slots);
            case "mimallocSecureCritical" -> new NativePeers.MimallocSecureCritical(slots);
            case "hardened" -> new NativePeers.Hardened(name, SharedNatives.HARDENED, "hardened", slots);
            case "hardenedLight" -> new NativePeers.Hardened(name, SharedNatives.HARDENED_LIGHT, "hardened-light",
                    slots);
            case "unsafe" -> new UnsafeMemory(slots);
            case "nettyPooled" -> new Netty(PooledByteBufAllocator.DEFAULT, slots);
            case "nettyAdaptive" -> new Netty(new AdaptiveByteBufAllocator(true, true), slots);
            case "rpmalloc" -> new Rpmalloc(slots);
            default -> throw new IllegalArgumentException("contender: " + name + " (expected one of: "
                    + String.join(", ", NAMES) + ")");
        };
    }

    /** An allocator driven through numbered slots that each hold at most one block. */
    abstract static class Contender implements AutoCloseable {
        /** Allocates {@code byteSize} bytes into the empty {@code slot} and writes their first byte. */
        abstract void allocate(int slot, int byteSize);

        /** Frees the block in {@code slot}, which becomes empty. */
        abstract void free(int slot);

        /** Resizes the block in {@code slot} to {@code byteSize} bytes and writes its new last byte. */
        abstract void reallocate(int slot, int byteSize);

        /** Writes every byte of the block in {@code slot} ({@code byteSize} bytes): touches its pages. */
        abstract void touch(int slot, int byteSize);

        /** Frees what is left in the slots and the allocator itself if it has one. */
        @Override
        public abstract void close();
    }

    /** Contenders that deal in raw addresses. */
    abstract static class Addresses extends Contender {
        final long[] slots;

        Addresses(int slots) {
            this.slots = new long[slots];
        }

        abstract long malloc(long byteSize) throws Throwable;

        abstract void release(long address) throws Throwable;

        abstract long realloc(long address, long byteSize) throws Throwable;

        @Override
        final void allocate(int slot, int byteSize) {
            long address;
            try {
                address = malloc(byteSize);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (address == 0) {
                throw new OutOfMemoryError(getClass().getSimpleName() + ": no block of " + byteSize + " bytes");
            }
            ALL.set(JAVA_BYTE, address, (byte) slot);
            slots[slot] = address;
        }

        @Override
        final void free(int slot) {
            try {
                release(slots[slot]);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            slots[slot] = 0;
        }

        @Override
        final void reallocate(int slot, int byteSize) {
            long address;
            try {
                address = realloc(slots[slot], byteSize);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (address == 0) {
                throw new OutOfMemoryError(getClass().getSimpleName() + ": no block of " + byteSize + " bytes");
            }
            ALL.set(JAVA_BYTE, address + byteSize - 1, (byte) slot);
            slots[slot] = address;
        }

        @Override
        final void touch(int slot, int byteSize) {
            ALL.asSlice(slots[slot], byteSize).fill((byte) 0x55);
        }

        @Override
        public void close() {
            for (int slot = 0; slot < slots.length; slot++) {
                if (slots[slot] != 0) {
                    free(slot);
                }
            }
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new AssertionError(t);
    }

    // ---- jalloc ----

    /** The heap through segments, as Java code uses it: what checked lifetimes cost is measured here. */
    static final class JallocSegments extends Contender {
        private final Heap heap;
        private final MemorySegment[] slots;

        JallocSegments(Heap heap, int slots) {
            this.heap = heap;
            this.slots = new MemorySegment[slots];
        }

        @Override
        void allocate(int slot, int byteSize) {
            MemorySegment s = heap.allocateNoInit(byteSize, ALIGN);
            s.set(JAVA_BYTE, 0, (byte) slot);
            slots[slot] = s;
        }

        @Override
        void free(int slot) {
            heap.free(slots[slot]);
            slots[slot] = null;
        }

        @Override
        void reallocate(int slot, int byteSize) {
            MemorySegment s = heap.reallocate(slots[slot], byteSize);
            s.set(JAVA_BYTE, byteSize - 1, (byte) slot);
            slots[slot] = s;
        }

        @Override
        void touch(int slot, int byteSize) {
            slots[slot].asSlice(0, byteSize).fill((byte) 0x55);
        }

        @Override
        public void close() {
            heap.close();
        }
    }

    static final class Jalloc extends Addresses {
        private final AddressAllocator allocator;

        Jalloc(AddressAllocator allocator, int slots) {
            super(slots);
            this.allocator = allocator;
        }

        @Override
        long malloc(long byteSize) {
            return allocator.allocateAddressNoInit(byteSize, ALIGN);
        }

        @Override
        void release(long address) {
            allocator.free(address);
        }

        @Override
        long realloc(long address, long byteSize) {
            return allocator.reallocateNoInit(address, byteSize);
        }

        @Override
        public void close() {
            super.close();
            allocator.close();
        }
    }

    // ---- sun.misc.Unsafe ----

    /**
     * On JDK 25 these methods run without any flag: the first call prints a one-time warning that they are
     * terminally deprecated (JEP 471, JEP 498; the default of {@code --sun-misc-unsafe-memory-access} is
     * {@code warn}). The forks pass {@code allow} for LWJGL anyway, so the warning does not show in a run.
     */
    @SuppressWarnings("removal")
    static final class UnsafeMemory extends Addresses {
        static final sun.misc.Unsafe U;

        static {
            try {
                Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                field.setAccessible(true);
                U = (sun.misc.Unsafe) field.get(null);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        UnsafeMemory(int slots) {
            super(slots);
        }

        @Override
        long malloc(long byteSize) {
            return U.allocateMemory(byteSize);
        }

        @Override
        void release(long address) {
            U.freeMemory(address);
        }

        @Override
        long realloc(long address, long byteSize) {
            return U.reallocateMemory(address, byteSize);
        }
    }

    // ---- LWJGL rpmalloc ----

    /** rpmalloc through LWJGL's JNI binding; initialized once per process and once per thread, as it requires. */
    static final class Rpmalloc extends Addresses {
        Rpmalloc(int slots) {
            super(slots);
            // JMH runs a thread-scoped state's setup on the thread that then runs the benchmark.
            // rpmalloc_initialize initializes the process once and, when called again, only the calling thread.
            synchronized (Rpmalloc.class) {
                if (!RPmalloc.rpmalloc_is_thread_initialized()) {
                    RPmalloc.rpmalloc_initialize();
                }
            }
            if (!RPmalloc.rpmalloc_is_thread_initialized()) {
                throw new IllegalStateException("rpmalloc: this thread could not be initialized");
            }
        }

        @Override
        long malloc(long byteSize) {
            return RPmalloc.nrpmalloc(byteSize);
        }

        @Override
        void release(long address) {
            RPmalloc.nrpfree(address);
        }

        @Override
        long realloc(long address, long byteSize) {
            return RPmalloc.nrprealloc(address, byteSize);
        }
    }

    // ---- Netty ----

    /** A Netty allocator's direct buffers: the ByteBuf is the block; release() frees, capacity(n) resizes. */
    static final class Netty extends Contender {
        private final ByteBufAllocator allocator;
        private final ByteBuf[] slots;

        Netty(ByteBufAllocator allocator, int slots) {
            this.allocator = allocator;
            this.slots = new ByteBuf[slots];
        }

        @Override
        void allocate(int slot, int byteSize) {
            ByteBuf buffer = allocator.directBuffer(byteSize);
            buffer.setByte(0, slot);
            slots[slot] = buffer;
        }

        @Override
        void free(int slot) {
            slots[slot].release();
            slots[slot] = null;
        }

        @Override
        void reallocate(int slot, int byteSize) {
            ByteBuf buffer = slots[slot].capacity(byteSize);
            buffer.setByte(byteSize - 1, slot);
            slots[slot] = buffer;
        }

        @Override
        void touch(int slot, int byteSize) {
            ByteBuf buffer = slots[slot];
            buffer.setZero(0, byteSize);
        }

        @Override
        public void close() {
            for (int slot = 0; slot < slots.length; slot++) {
                if (slots[slot] != null) {
                    free(slot);
                }
            }
        }
    }
}
