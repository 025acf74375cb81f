package dev.jalloc.cli.replay;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * mimalloc 2, in two builds: Debian's {@code libmimalloc.so.2} (package libmimalloc2.0) and the secure build
 * prebuilt in {@code ../shared/natives} ({@code libmimalloc-secure.so}: the same 2.0.9 with {@code MI_SECURE=ON},
 * guard pages, encoded free lists, randomized allocation, double-free detection; see {@link SharedNatives}).
 * {@code mi_malloc}, {@code mi_free} and {@code mi_realloc}, called with critical downcalls. Each is loaded
 * privately, so it replaces nobody's malloc.
 *
 * <p>The two subclasses differ only in their library and are copies on purpose: the JIT inlines a downcall
 * through a {@code static final} handle, not through one held in an instance field, and the timed pass must
 * measure each the same way. The statistics calls, outside the timed pass, go through the instance's
 * {@link Library}.
 *
 * <p><b>Footprint.</b> {@code mi_process_info}'s {@code current_commit} and {@code peak_commit}, which are
 * mimalloc's own count of the bytes it has committed from the OS ({@code _mi_stats_main.committed}: every
 * {@code mmap} made accessible or commit of part of a segment, minus every decommit and unmap), not the
 * process's. mimalloc 2.0 commits a thread's segments (32 MiB) eagerly, so a small trace shows tens of MiB
 * committed, most of it never touched. {@link #markFootprintBaseline()} calls {@code mi_collect(true)} (gives
 * back what can be given back) then {@code mi_stats_reset()}, so both counts start at 0 there; current may go
 * negative if mimalloc later decommits memory committed before, and the peak is mimalloc's own high-water mark,
 * which also sees peaks inside an op.
 */
abstract sealed class Mimalloc implements ReplayAllocator permits Mimalloc.Debian, Mimalloc.Secure {

    /** Loads one build's library. */
    @FunctionalInterface
    private interface Loader {
        SymbolLookup load() throws AllocatorUnavailableException;
    }

    /** One build's functions, or why its library could not be loaded (the handles are then null). */
    private record Library(String unavailable, MethodHandle malloc, MethodHandle free, MethodHandle realloc,
                           MethodHandle processInfo, MethodHandle collect, MethodHandle statsReset) {
        static Library load(Loader loader) {
            try {
                SymbolLookup lib = loader.load();
                return new Library(null,
                        NativeLibrary.downcall(lib, "mi_malloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), true),
                        NativeLibrary.downcall(lib, "mi_free", FunctionDescriptor.ofVoid(JAVA_LONG), true),
                        NativeLibrary.downcall(lib, "mi_realloc",
                                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), true),
                        NativeLibrary.downcall(lib, "mi_process_info", FunctionDescriptor.ofVoid(
                                ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS), false),
                        NativeLibrary.downcall(lib, "mi_collect", FunctionDescriptor.ofVoid(JAVA_BOOLEAN), false),
                        NativeLibrary.downcall(lib, "mi_stats_reset", FunctionDescriptor.ofVoid(), false));
            } catch (AllocatorUnavailableException e) {
                return new Library(e.getMessage(), null, null, null, null, null, null);
            }
        }

        void check() throws AllocatorUnavailableException {
            if (unavailable != null) {
                throw new AllocatorUnavailableException(unavailable);
            }
        }
    }

    private final Library library;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment current = arena.allocate(JAVA_LONG);
    private final MemorySegment peak = arena.allocate(JAVA_LONG);

    private Mimalloc(Library library) {
        this.library = library;
    }

    /**
     * {@return an instance of Debian's mimalloc}
     *
     * @throws AllocatorUnavailableException if libmimalloc.so.2 cannot be loaded
     */
    static Mimalloc debian() throws AllocatorUnavailableException {
        Debian.LIBRARY.check();
        return new Debian();
    }

    /**
     * {@return an instance of the secure build}
     *
     * @throws AllocatorUnavailableException if ../shared/natives/libmimalloc-secure.so is missing or cannot be loaded
     */
    static Mimalloc secure() throws AllocatorUnavailableException {
        Secure.LIBRARY.check();
        return new Secure();
    }

    @Override
    public void markFootprintBaseline() {
        try {
            library.collect().invokeExact(true);
            library.statsReset().invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Override
    public long committedBytes() {
        processInfo();
        return current.get(JAVA_LONG, 0); // signed: below 0 once memory from before open is decommitted
    }

    @Override
    public long peakCommittedBytes() {
        processInfo();
        return peak.get(JAVA_LONG, 0);
    }

    private void processInfo() {
        MemorySegment none = MemorySegment.NULL;
        try {
            library.processInfo().invokeExact(none, none, none, none, none, current, peak, none);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Debian's libmimalloc.so.2. */
    static final class Debian extends Mimalloc {
        private static final Library LIBRARY = Library.load(
                () -> NativeLibrary.load("libmimalloc.so.2", "libmimalloc2.0"));
        private static final MethodHandle MALLOC = LIBRARY.malloc();
        private static final MethodHandle FREE = LIBRARY.free();
        private static final MethodHandle REALLOC = LIBRARY.realloc();

        private Debian() {
            super(LIBRARY);
        }

        @Override
        public long allocate(long byteSize) {
            try {
                return (long) MALLOC.invokeExact(byteSize);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        }

        @Override
        public void free(long address) {
            try {
                FREE.invokeExact(address);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        }

        @Override
        public long reallocate(long address, long byteSize) {
            try {
                return (long) REALLOC.invokeExact(address, byteSize);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        }
    }

    /** The secure build of ../shared/natives. */
    static final class Secure extends Mimalloc {
        private static final Library LIBRARY = Library.load(
                () -> NativeLibrary.load(SharedNatives.file(SharedNatives.MIMALLOC_SECURE)));
        private static final MethodHandle MALLOC = LIBRARY.malloc();
        private static final MethodHandle FREE = LIBRARY.free();
        private static final MethodHandle REALLOC = LIBRARY.realloc();

        private Secure() {
            super(LIBRARY);
        }

        @Override
        public long allocate(long byteSize) {
            try {
                return (long) MALLOC.invokeExact(byteSize);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        }

        @Override
        public void free(long address) {
            try {
                FREE.invokeExact(address);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        }

        @Override
        public long reallocate(long address, long byteSize) {
            try {
                return (long) REALLOC.invokeExact(address, byteSize);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        }
    }
}
