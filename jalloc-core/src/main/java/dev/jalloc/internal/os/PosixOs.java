package dev.jalloc.internal.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jalloc.SystemCallException;
import dev.jalloc.internal.util.Bits;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The primitives on Linux and macOS, through libc: {@code mmap}, {@code mprotect}, {@code madvise},
 * {@code munmap} and {@code sysconf}, each with {@code errno} captured by the linker
 * ({@link Linker.Option#captureCallState}) so that a failure names its cause.
 *
 * <p>How the primitives map onto libc:
 * <pre>
 *   reserve           mmap(NULL, n, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS)   not charged: no write access
 *   reserveCommitted  mmap(NULL, n, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
 *   commit            mmap(a, n, PROT_READ|PROT_WRITE, MAP_FIXED|MAP_PRIVATE|MAP_ANONYMOUS)   charged now,
 *                     may fail with ENOMEM; the pages read as zero whatever the range held before
 *   decommit          mmap(a, n, PROT_NONE, MAP_FIXED|MAP_PRIVATE|MAP_ANONYMOUS)   pages and charge dropped at once
 *   purge             mmap(a, n, PROT_READ|PROT_WRITE, MAP_FIXED|MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE)
 *                     pages and charge dropped, the range stays accessible and reads as zero
 *   release           munmap(a, n)
 *   advise            madvise(a, n, MADV_HUGEPAGE | MADV_DONTNEED | MADV_POPULATE_WRITE)
 *   residentBytes     mincore(a, n, vec): one byte per page, bit 0 set if the page is in RAM (1 GiB per call)
 * </pre>
 * Commit replaces the range with a new mapping (rather than {@code mprotect}) so that it works the same on a
 * reserved range and on a purged one, and is charged in both cases.
 * Reservations are made without {@code MAP_NORESERVE} on purpose: the kernel then charges pages when they are
 * committed, so an overcommitted system refuses the {@code mprotect} (an exception here) instead of killing the
 * process when a page is first touched.
 */
final class PosixOs extends Os {

    /** The constants that differ between the POSIX systems jalloc knows. */
    enum Flavor {
        LINUX("linux", 0x20, 0x10, 0x4000, 30, 14, Map.ofEntries(
                Map.entry(1, "EPERM"), Map.entry(9, "EBADF"), Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"),
                Map.entry(13, "EACCES"), Map.entry(14, "EFAULT"), Map.entry(16, "EBUSY"), Map.entry(19, "ENODEV"),
                Map.entry(22, "EINVAL"), Map.entry(23, "ENFILE"), Map.entry(24, "EMFILE"),
                Map.entry(75, "EOVERFLOW"), Map.entry(95, "EOPNOTSUPP"))),
        MACOS("macos", 0x1000, 0x10, 0x40, 29, -1, Map.ofEntries(
                Map.entry(1, "EPERM"), Map.entry(9, "EBADF"), Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"),
                Map.entry(14, "EFAULT"), Map.entry(16, "EBUSY"), Map.entry(19, "ENODEV"), Map.entry(22, "EINVAL"),
                Map.entry(23, "ENFILE"), Map.entry(24, "EMFILE"), Map.entry(35, "EAGAIN"),
                Map.entry(45, "ENOTSUP"), Map.entry(84, "EOVERFLOW")));

        final String osName;
        final int mapAnonymous;
        final int mapFixed;
        final int mapNoReserve;
        final int scPageSize;
        final int madvHugePage; // -1: no such advice
        final Map<Integer, String> errnoNames;

        Flavor(String osName, int mapAnonymous, int mapFixed, int mapNoReserve, int scPageSize, int madvHugePage,
               Map<Integer, String> errnoNames) {
            this.osName = osName;
            this.mapAnonymous = mapAnonymous;
            this.mapFixed = mapFixed;
            this.mapNoReserve = mapNoReserve;
            this.scPageSize = scPageSize;
            this.madvHugePage = madvHugePage;
            this.errnoNames = errnoNames;
        }

        static Flavor current() {
            String name = System.getProperty("os.name", "");
            return name.startsWith("Mac") || name.startsWith("Darwin") ? MACOS : LINUX;
        }
    }

    static final int PROT_NONE = 0;
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_PRIVATE = 0x02;
    static final int MADV_DONTNEED = 4;
    static final int MADV_POPULATE_WRITE_LINUX = 23;
    static final int ENOMEM = 12;
    static final long MAP_FAILED = -1L;

    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(PathElement.groupElement("errno"));

    private final Flavor flavor;
    private final long pageSize;
    private final long largePageSize;
    private final MethodHandle mmap;
    private final MethodHandle mprotect;
    private final MethodHandle madvise;
    private final MethodHandle munmap;
    private final MethodHandle mincore;
    private final MethodHandle strerror;

    PosixOs(Flavor flavor) {
        if (ADDRESS.byteSize() != 8) {
            throw new UnsupportedOperationException("jalloc needs a 64-bit JVM");
        }
        this.flavor = flavor;
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        mmap = linker.downcallHandle(libc.findOrThrow("mmap"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), errno);
        mprotect = linker.downcallHandle(libc.findOrThrow("mprotect"),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), errno);
        madvise = linker.downcallHandle(libc.findOrThrow("madvise"),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), errno);
        munmap = linker.downcallHandle(libc.findOrThrow("munmap"),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG), errno);
        mincore = linker.downcallHandle(libc.findOrThrow("mincore"),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS), errno);
        strerror = linker.downcallHandle(libc.findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));
        MethodHandle sysconf = linker.downcallHandle(libc.findOrThrow("sysconf"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        try {
            pageSize = (long) sysconf.invokeExact(flavor.scPageSize);
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
        if (!Bits.isPowerOfTwo(pageSize)) {
            throw new IllegalStateException("sysconf(_SC_PAGESIZE) returned " + pageSize);
        }
        largePageSize = flavor == Flavor.LINUX ? readLinuxHugePageSize() : 0;
    }

    private static long readLinuxHugePageSize() {
        try {
            String text = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size")).strip();
            long size = Long.parseLong(text);
            return Bits.isPowerOfTwo(size) ? size : 0;
        } catch (IOException | NumberFormatException | SecurityException e) {
            return 0;
        }
    }

    @Override
    public String name() {
        return flavor.osName;
    }

    @Override
    public long pageSize() {
        return pageSize;
    }

    @Override
    public long allocationGranularity() {
        return pageSize;
    }

    @Override
    public long largePageSize() {
        return largePageSize;
    }

    @Override
    public String largePagesUnavailableReason() {
        if (flavor != Flavor.LINUX) {
            return flavor.osName + ": jalloc uses large pages on Linux (transparent huge pages) only";
        }
        if (largePageSize == 0) {
            return "this kernel has no transparent huge pages (no /sys/kernel/mm/transparent_hugepage/hpage_pmd_size)";
        }
        try {
            String enabled = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled")).strip();
            if (enabled.contains("[never]")) {
                return "transparent huge pages are disabled (/sys/kernel/mm/transparent_hugepage/enabled: "
                        + enabled + ")";
            }
            return null;
        } catch (IOException | SecurityException e) {
            return "cannot read /sys/kernel/mm/transparent_hugepage/enabled: " + e;
        }
    }

    @Override
    public long reserve(long byteSize, long alignment) {
        if (alignment <= pageSize) {
            return mmap(0, byteSize, PROT_NONE, MAP_PRIVATE | flavor.mapAnonymous);
        }
        // Over-reserve, then give back the unaligned head and the tail.
        long span = byteSize + alignment - pageSize;
        long raw = mmap(0, span, PROT_NONE, MAP_PRIVATE | flavor.mapAnonymous);
        long aligned = Bits.alignUp(raw, alignment);
        long head = aligned - raw;
        long tail = span - head - byteSize;
        try {
            if (head > 0) {
                munmap(raw, head);
            }
            if (tail > 0) {
                munmap(aligned + byteSize, tail);
            }
        } catch (RuntimeException e) {
            releaseQuietly(raw, span, e);
            throw e;
        }
        return aligned;
    }

    private void releaseQuietly(long address, long byteSize, RuntimeException failure) {
        try {
            munmap(address, byteSize);
        } catch (RuntimeException again) {
            failure.addSuppressed(again);
        }
    }

    @Override
    public long reserveCommitted(long byteSize) {
        return mmap(0, byteSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | flavor.mapAnonymous);
    }

    @Override
    public void commit(long address, long byteSize) {
        remap(address, byteSize, PROT_READ | PROT_WRITE, 0);
    }

    @Override
    public void decommit(long address, long byteSize) {
        remap(address, byteSize, PROT_NONE, 0);
    }

    @Override
    public void purge(long address, long byteSize) {
        remap(address, byteSize, PROT_READ | PROT_WRITE, flavor.mapNoReserve);
    }

    private void remap(long address, long byteSize, int prot, int extraFlags) {
        long got = mmap(address, byteSize, prot, MAP_PRIVATE | flavor.mapAnonymous | flavor.mapFixed | extraFlags);
        if (got != address) {
            throw new IllegalStateException("mmap(MAP_FIXED) moved " + Bits.hex(address) + " to " + Bits.hex(got));
        }
    }

    @Override
    public void release(long address, long byteSize) {
        munmap(address, byteSize);
    }

    @Override
    public void protect(long address, long byteSize, Protection protection) {
        mprotect(address, byteSize, switch (protection) {
            case NONE -> PROT_NONE;
            case READ -> PROT_READ;
            case READ_WRITE -> PROT_READ | PROT_WRITE;
        });
    }

    @Override
    public boolean advise(long address, long byteSize, Advice advice) {
        int code = switch (advice) {
            case HUGE_PAGES -> flavor.madvHugePage;
            case DONT_NEED -> MADV_DONTNEED;
            case POPULATE -> flavor == Flavor.LINUX ? MADV_POPULATE_WRITE_LINUX : -1;
        };
        if (code < 0) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int rc = (int) madvise.invokeExact(state, address, byteSize, code);
            if (rc != 0) {
                throw failure(state, "madvise", "address=" + Bits.hex(address) + ", length=" + byteSize
                        + ", advice=" + switch (advice) {
                            case HUGE_PAGES -> "MADV_HUGEPAGE";
                            case DONT_NEED -> "MADV_DONTNEED";
                            case POPULATE -> "MADV_POPULATE_WRITE";
                        });
            }
            return true;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Pages asked about per {@code mincore} call: 1 GiB of 4 KiB pages, a 256 KiB vector. */
    private static final long MINCORE_PAGES = 1L << 18;

    @Override
    public long residentBytes(long address, long byteSize) {
        long pages = byteSize / pageSize;
        long resident = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            MemorySegment vec = arena.allocate(Math.min(pages, MINCORE_PAGES), 8);
            for (long done = 0; done < pages; ) {
                long n = Math.min(pages - done, MINCORE_PAGES);
                long at = address + done * pageSize;
                int rc = (int) mincore.invokeExact(state, at, n * pageSize, vec);
                if (rc != 0) {
                    throw failure(state, "mincore", "address=" + Bits.hex(at) + ", length=" + n * pageSize);
                }
                resident += countResident(vec, n);
                done += n;
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        return resident * pageSize;
    }

    /** {@return how many of the first {@code n} bytes of {@code vec} have bit 0 set} */
    private static long countResident(MemorySegment vec, long n) {
        long count = 0;
        long i = 0;
        for (; i + 8 <= n; i += 8) {
            count += Long.bitCount(vec.get(JAVA_LONG, i) & 0x0101010101010101L);
        }
        for (; i < n; i++) {
            count += vec.get(JAVA_BYTE, i) & 1;
        }
        return count;
    }

    // ---- the calls, each checked ----

    private long mmap(long address, long byteSize, int prot, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            long result = (long) mmap.invokeExact(state, address, byteSize, prot, flags, -1, 0L);
            if (result == MAP_FAILED) {
                throw failure(state, "mmap", "address=" + Bits.hex(address) + ", length=" + byteSize
                        + ", prot=" + protName(prot) + ", flags=" + flagsName(flags) + ", fd=-1, offset=0");
            }
            return result;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private void mprotect(long address, long byteSize, int prot) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int rc = (int) mprotect.invokeExact(state, address, byteSize, prot);
            if (rc != 0) {
                throw failure(state, "mprotect",
                        "address=" + Bits.hex(address) + ", length=" + byteSize + ", prot=" + protName(prot));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private void munmap(long address, long byteSize) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int rc = (int) munmap.invokeExact(state, address, byteSize);
            if (rc != 0) {
                throw failure(state, "munmap", "address=" + Bits.hex(address) + ", length=" + byteSize);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private SystemCallException failure(MemorySegment state, String call, String arguments) {
        int errno = (int) ERRNO.get(state, 0L);
        return new SystemCallException(call, arguments, errno, errnoName(errno), strerror(errno), errno == ENOMEM);
    }

    String errnoName(int errno) {
        return flavor.errnoNames.getOrDefault(errno, "errno " + errno);
    }

    private String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) strerror.invokeExact(errno);
            return text.equals(MemorySegment.NULL) ? "unknown error" : text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return "strerror failed: " + t;
        }
    }

    static String protName(int prot) {
        if (prot == PROT_NONE) {
            return "PROT_NONE";
        }
        StringJoiner j = new StringJoiner("|");
        if ((prot & PROT_READ) != 0) {
            j.add("PROT_READ");
        }
        if ((prot & PROT_WRITE) != 0) {
            j.add("PROT_WRITE");
        }
        return j.toString();
    }

    String flagsName(int flags) {
        StringJoiner j = new StringJoiner("|");
        if ((flags & MAP_PRIVATE) != 0) {
            j.add("MAP_PRIVATE");
        }
        if ((flags & flavor.mapAnonymous) != 0) {
            j.add("MAP_ANONYMOUS");
        }
        if ((flags & flavor.mapFixed) != 0) {
            j.add("MAP_FIXED");
        }
        if ((flags & flavor.mapNoReserve) != 0) {
            j.add("MAP_NORESERVE");
        }
        return j.toString();
    }
}
