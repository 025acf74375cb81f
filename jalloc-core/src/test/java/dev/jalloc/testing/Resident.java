package dev.jalloc.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * How much of a range is in physical memory, asked of the kernel with {@code mincore(2)}: the OS's own answer,
 * to check an allocator's committed-bytes accounting against. Linux only.
 */
public final class Resident {
    private static final long PAGE = 4096;
    private static final MethodHandle MINCORE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("mincore"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.ADDRESS));

    private Resident() {
    }

    /** {@return the resident bytes of {@code [address, address + byteSize)}, both multiples of 4 KiB} */
    public static long bytes(long address, long byteSize) {
        long pages = byteSize / PAGE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vec = arena.allocate(Math.max(1, pages));
            int rc = (int) MINCORE.invokeExact(address, byteSize, vec);
            if (rc != 0) {
                throw new IllegalStateException("mincore(0x" + Long.toHexString(address) + ", " + byteSize
                        + ") failed");
            }
            long resident = 0;
            for (long i = 0; i < pages; i++) {
                resident += vec.get(ValueLayout.JAVA_BYTE, i) & 1;
            }
            return resident * PAGE;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@return MemAvailable from {@code /proc/meminfo}, in bytes, or 0 if unknown} */
    public static long availableBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (java.io.IOException e) {
            return 0;
        }
        return 0;
    }
}
