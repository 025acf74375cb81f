package dev.jalloc.cli.replay;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * jemalloc 5 from Debian's {@code libjemalloc.so.2} (package libjemalloc2): its {@code malloc}, {@code free}
 * and {@code realloc}, looked up in that library (not the default lookup, which finds glibc's), called with
 * critical downcalls. The library is loaded privately ({@code RTLD_LOCAL}), so it replaces nobody's malloc:
 * only the replay's blocks come from it. Debian builds it with initial-exec TLS, which needs static TLS space
 * that a running JVM no longer has unless started with {@value NativeLibrary#STATIC_TLS_TUNABLE} (the
 * {@code ./jalloc} launcher sets it for {@code replay}); without it, this allocator is skipped with that advice.
 *
 * <p><b>Footprint.</b> {@code mallctl("stats.resident")} after a {@code mallctl("epoch")} refresh: in jemalloc's
 * words, the bytes "in physically resident data pages mapped by the allocator, comprising all pages dedicated to
 * allocator metadata, pages backing active allocations, and unused dirty pages" (a maximum: a page counts
 * whether or not it was ever touched). So it counts the partly used pages of every size class's slabs, the
 * freed pages jemalloc keeps dirty before purging them (after 10 s by default), and its metadata; it does not
 * count retained virtual memory jemalloc has purged. {@link #markFootprintBaseline()} flushes this thread's cache
 * ({@code thread.tcache.flush}), purges every arena ({@code arena.4096.purge}) and takes that as the baseline.
 * jemalloc keeps no high-water mark of it.
 */
final class Jemalloc implements ReplayAllocator {
    private static final String UNAVAILABLE;
    private static final MethodHandle MALLOC;
    private static final MethodHandle FREE;
    private static final MethodHandle REALLOC;
    private static final MethodHandle MALLCTL;
    private static final MemorySegment EPOCH;
    private static final MemorySegment STATS_RESIDENT;
    private static final MemorySegment PURGE_ALL;
    private static final MemorySegment TCACHE_FLUSH;

    static {
        String unavailable = null;
        MethodHandle malloc = null;
        MethodHandle free = null;
        MethodHandle realloc = null;
        MethodHandle mallctl = null;
        try {
            SymbolLookup lib = NativeLibrary.load("libjemalloc.so.2", "libjemalloc2");
            malloc = NativeLibrary.downcall(lib, "malloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG),
                    true);
            free = NativeLibrary.downcall(lib, "free", FunctionDescriptor.ofVoid(JAVA_LONG), true);
            realloc = NativeLibrary.downcall(lib, "realloc",
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), true);
            mallctl = NativeLibrary.downcall(lib, "mallctl",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG), false);
        } catch (AllocatorUnavailableException e) {
            unavailable = e.getMessage();
        }
        UNAVAILABLE = unavailable;
        MALLOC = malloc;
        FREE = free;
        REALLOC = realloc;
        MALLCTL = mallctl;
        Arena names = Arena.global();
        EPOCH = names.allocateFrom("epoch");
        STATS_RESIDENT = names.allocateFrom("stats.resident");
        PURGE_ALL = names.allocateFrom("arena.4096.purge"); // 4096: MALLCTL_ARENAS_ALL
        TCACHE_FLUSH = names.allocateFrom("thread.tcache.flush");
    }

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment value = arena.allocate(JAVA_LONG);
    private final MemorySegment length = arena.allocate(JAVA_LONG);
    private long baseline;

    private Jemalloc() throws AllocatorUnavailableException {
        try {
            residentBytes();
        } catch (IllegalStateException e) {
            arena.close();
            throw new AllocatorUnavailableException("no statistics (built without --enable-stats?): "
                    + e.getMessage());
        }
    }

    /**
     * {@return an instance}
     *
     * @throws AllocatorUnavailableException if libjemalloc.so.2 cannot be loaded or keeps no statistics
     */
    static Jemalloc open() throws AllocatorUnavailableException {
        if (UNAVAILABLE != null) {
            throw new AllocatorUnavailableException(UNAVAILABLE);
        }
        return new Jemalloc();
    }

    @Override
    public void markFootprintBaseline() {
        mallctl(TCACHE_FLUSH, MemorySegment.NULL, MemorySegment.NULL, "thread.tcache.flush");
        mallctl(PURGE_ALL, MemorySegment.NULL, MemorySegment.NULL, "arena.4096.purge");
        baseline = residentBytes();
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
    public long committedBytes() {
        return residentBytes() - baseline;
    }

    private long residentBytes() {
        value.set(JAVA_LONG, 0, 1);
        mallctl(EPOCH, value, value, "epoch"); // refreshes the statistics
        mallctl(STATS_RESIDENT, value, MemorySegment.NULL, "stats.resident");
        return value.get(JAVA_LONG, 0);
    }

    /** Reads {@code name} into {@code old} (if not NULL) and writes {@code neu}'s 8 bytes (if not NULL). */
    private void mallctl(MemorySegment name, MemorySegment old, MemorySegment neu, String what) {
        length.set(JAVA_LONG, 0, 8);
        MemorySegment oldLength = old.equals(MemorySegment.NULL) ? MemorySegment.NULL : length;
        long newLength = neu.equals(MemorySegment.NULL) ? 0 : 8;
        int error;
        try {
            error = (int) MALLCTL.invokeExact(name, old, oldLength, neu, newLength);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (error != 0) {
            throw new IllegalStateException("jemalloc: mallctl(\"" + what + "\") failed with error " + error);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
