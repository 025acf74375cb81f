package dev.jalloc.cli.replay;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * glibc's {@code malloc}, {@code free} and {@code realloc}, from the C library the JVM itself uses (the
 * linker's default lookup), called with {@link Linker.Option#critical critical} downcalls.
 *
 * <p><b>Footprint.</b> {@code mallinfo2()}'s {@code arena + hblkhd}, summed by glibc over all its arenas:
 * {@code arena} is the memory every arena got from the OS for its heap ({@code sbrk} for the main arena, the
 * grown part of each other arena's {@code mmap}ped heap), free chunks and the unused top included;
 * {@code hblkhd} is the memory of blocks too large for a heap, each {@code mmap}ped on its own. The JVM mallocs
 * from the same glibc in the same process (its own threads use their own arenas, but are counted in the same
 * sums), so the count is relative: {@link #markFootprintBaseline()} calls {@code malloc_trim(0)} (glibc gives
 * back what it can) and takes {@code arena + hblkhd} as the baseline, and {@link #committedBytes()} is the growth
 * since then. Whatever the JVM's threads malloc or free during the replay is counted too: the JVM's noise, small
 * next to most traces (see the package doc). glibc keeps no high-water mark ({@code usmblks} is always 0).
 */
final class GlibcMalloc implements ReplayAllocator {
    private static final StructLayout MALLINFO2 = MemoryLayout.structLayout(
            JAVA_LONG.withName("arena"), JAVA_LONG.withName("ordblks"), JAVA_LONG.withName("smblks"),
            JAVA_LONG.withName("hblks"), JAVA_LONG.withName("hblkhd"), JAVA_LONG.withName("usmblks"),
            JAVA_LONG.withName("fsmblks"), JAVA_LONG.withName("uordblks"), JAVA_LONG.withName("fordblks"),
            JAVA_LONG.withName("keepcost"));
    private static final long ARENA = MALLINFO2.byteOffset(PathElement.groupElement("arena"));
    private static final long HBLKHD = MALLINFO2.byteOffset(PathElement.groupElement("hblkhd"));

    private static final String UNAVAILABLE;
    private static final MethodHandle MALLOC;
    private static final MethodHandle FREE;
    private static final MethodHandle REALLOC;
    private static final MethodHandle MALLINFO2_CALL;
    private static final MethodHandle MALLOC_TRIM;

    static {
        String unavailable = null;
        MethodHandle malloc = null;
        MethodHandle free = null;
        MethodHandle realloc = null;
        MethodHandle mallinfo2 = null;
        MethodHandle trim = null;
        try {
            SymbolLookup libc = Linker.nativeLinker().defaultLookup();
            if (libc.find("mallinfo2").isEmpty()) {
                throw new AllocatorUnavailableException("the C library has no mallinfo2 "
                        + "(not glibc, or glibc before 2.33)");
            }
            malloc = NativeLibrary.downcall(libc, "malloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), true);
            free = NativeLibrary.downcall(libc, "free", FunctionDescriptor.ofVoid(JAVA_LONG), true);
            realloc = NativeLibrary.downcall(libc, "realloc",
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), true);
            mallinfo2 = NativeLibrary.downcall(libc, "mallinfo2", FunctionDescriptor.of(MALLINFO2), false);
            trim = NativeLibrary.downcall(libc, "malloc_trim", FunctionDescriptor.of(JAVA_INT, JAVA_LONG),
                    false);
        } catch (AllocatorUnavailableException e) {
            unavailable = e.getMessage();
        }
        UNAVAILABLE = unavailable;
        MALLOC = malloc;
        FREE = free;
        REALLOC = realloc;
        MALLINFO2_CALL = mallinfo2;
        MALLOC_TRIM = trim;
    }

    private final Arena arena = Arena.ofConfined();
    private final SegmentAllocator info = SegmentAllocator.prefixAllocator(arena.allocate(MALLINFO2));
    private long baseline;

    private GlibcMalloc() {
    }

    /**
     * {@return an instance}
     *
     * @throws AllocatorUnavailableException if this C library is not glibc 2.33 or later
     */
    static GlibcMalloc open() throws AllocatorUnavailableException {
        if (UNAVAILABLE != null) {
            throw new AllocatorUnavailableException(UNAVAILABLE);
        }
        return new GlibcMalloc();
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
            int ignored = (int) MALLOC_TRIM.invokeExact(0L);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        baseline = heldBytes();
    }

    @Override
    public long committedBytes() {
        return heldBytes() - baseline;
    }

    private long heldBytes() {
        try {
            MemorySegment m = (MemorySegment) MALLINFO2_CALL.invokeExact(info);
            return m.get(JAVA_LONG, ARENA) + m.get(JAVA_LONG, HBLKHD);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
