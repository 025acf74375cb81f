package dev.jalloc.cli.replay;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * GrapheneOS's hardened_malloc, default or light configuration, prebuilt in {@code ../shared/natives}
 * ({@link SharedNatives}): the process's {@code malloc}, {@code free} and {@code realloc}, called with critical
 * downcalls. hardened_malloc cannot be loaded into a running JVM (it is linked {@code NOOPEN}: "cannot be
 * dlopen()ed"); it runs only as the whole process's malloc, given with {@code LD_PRELOAD} to the child JVMs that
 * run its passes ({@link ChildCheckedPass}, {@link ChildTimedPass}). So its functions are the process's, found
 * with {@code dlsym(RTLD_DEFAULT)} ({@link NativeLibrary#processSymbol}), and {@link #open} checks with
 * {@code dladdr} that {@code malloc} is the expected library's: an instance exists only in a process that runs on
 * it. The JVM itself mallocs from it too there.
 *
 * <p><b>Footprint.</b> None: built without {@code CONFIG_STATS} (its default), hardened_malloc counts nothing,
 * and its {@code mallinfo2} is all zeros. {@link #countsFootprint()} says so, and the table shows {@code -}. Its
 * resident memory ({@code peak_rss_bytes}) is measured as every allocator's.
 */
final class HardenedMalloc implements ReplayAllocator {
    private static final MethodHandle MALLOC = downcall("malloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FREE = downcall("free", FunctionDescriptor.ofVoid(JAVA_LONG));
    private static final MethodHandle REALLOC = downcall("realloc",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));

    private HardenedMalloc() {
    }

    /**
     * {@return an instance, in a process whose malloc is that of {@code fileName}}
     *
     * @param fileName {@link SharedNatives#HARDENED} or {@link SharedNatives#HARDENED_LIGHT}
     * @throws AllocatorUnavailableException if the file is missing, or is not this process's malloc
     */
    static HardenedMalloc open(String fileName) throws AllocatorUnavailableException {
        Path file = SharedNatives.file(fileName);
        if (!isProcessMalloc(fileName)) {
            String malloc = processMallocFile();
            throw new AllocatorUnavailableException("this process's malloc is "
                    + (malloc == null ? "in no known file" : malloc + "'s") + ", not " + fileName + "'s: "
                    + "hardened_malloc runs only as the whole process's malloc (LD_PRELOAD=" + file + "); jalloc "
                    + "replay runs its passes in child JVMs started so");
        }
        return new HardenedMalloc();
    }

    /** {@return whether this process's malloc is that of a file named {@code fileName}} */
    static boolean isProcessMalloc(String fileName) {
        String malloc = processMallocFile();
        return malloc != null && Path.of(malloc).getFileName().toString().equals(fileName);
    }

    /** {@return the path of the file this process's malloc is in, or null if none} */
    static String processMallocFile() {
        return NativeLibrary.fileOf(NativeLibrary.processSymbol("malloc"));
    }

    private static MethodHandle downcall(String name, FunctionDescriptor type) {
        MemorySegment symbol = NativeLibrary.processSymbol(name);
        if (symbol.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("this process has no " + name);
        }
        return Linker.nativeLinker().downcallHandle(symbol, type, Linker.Option.critical(false));
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
    public boolean countsFootprint() {
        return false;
    }

    @Override
    public long committedBytes() {
        return 0;
    }

    @Override
    public void close() {
    }
}
