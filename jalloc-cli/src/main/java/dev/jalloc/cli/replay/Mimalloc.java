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
 * mimalloc 2 from Debian's {@code libmimalloc.so.2} (package libmimalloc2.0): {@code mi_malloc},
 * {@code mi_free} and {@code mi_realloc}, called with critical downcalls. Loaded privately, so it replaces
 * nobody's malloc.
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
final class Mimalloc implements ReplayAllocator {
    private static final String UNAVAILABLE;
    private static final MethodHandle MALLOC;
    private static final MethodHandle FREE;
    private static final MethodHandle REALLOC;
    private static final MethodHandle PROCESS_INFO;
    private static final MethodHandle COLLECT;
    private static final MethodHandle STATS_RESET;

    static {
        String unavailable = null;
        MethodHandle malloc = null;
        MethodHandle free = null;
        MethodHandle realloc = null;
        MethodHandle processInfo = null;
        MethodHandle collect = null;
        MethodHandle statsReset = null;
        try {
            SymbolLookup lib = NativeLibrary.load("libmimalloc.so.2", "libmimalloc2.0");
            malloc = NativeLibrary.downcall(lib, "mi_malloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG),
                    true);
            free = NativeLibrary.downcall(lib, "mi_free", FunctionDescriptor.ofVoid(JAVA_LONG), true);
            realloc = NativeLibrary.downcall(lib, "mi_realloc",
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), true);
            processInfo = NativeLibrary.downcall(lib, "mi_process_info", FunctionDescriptor.ofVoid(
                    ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS), false);
            collect = NativeLibrary.downcall(lib, "mi_collect", FunctionDescriptor.ofVoid(JAVA_BOOLEAN),
                    false);
            statsReset = NativeLibrary.downcall(lib, "mi_stats_reset", FunctionDescriptor.ofVoid(), false);
        } catch (AllocatorUnavailableException e) {
            unavailable = e.getMessage();
        }
        UNAVAILABLE = unavailable;
        MALLOC = malloc;
        FREE = free;
        REALLOC = realloc;
        PROCESS_INFO = processInfo;
        COLLECT = collect;
        STATS_RESET = statsReset;
    }

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment current = arena.allocate(JAVA_LONG);
    private final MemorySegment peak = arena.allocate(JAVA_LONG);

    private Mimalloc() {
    }

    /**
     * {@return an instance}
     *
     * @throws AllocatorUnavailableException if libmimalloc.so.2 cannot be loaded
     */
    static Mimalloc open() throws AllocatorUnavailableException {
        if (UNAVAILABLE != null) {
            throw new AllocatorUnavailableException(UNAVAILABLE);
        }
        return new Mimalloc();
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

    @Override
    public void markFootprintBaseline() {
        try {
            COLLECT.invokeExact(true);
            STATS_RESET.invokeExact();
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
            PROCESS_INFO.invokeExact(none, none, none, none, none, current, peak, none);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
