package dev.jalloc.internal.os;

/**
 * The virtual-memory primitives jalloc needs, for the operating system this JVM runs on.
 *
 * <p>Addresses and lengths must be multiples of {@link #pageSize()}; callers (the allocators) guarantee it, and
 * these methods pass them on unchanged so the system's own checks still apply. Every failure throws a
 * {@link dev.jalloc.SystemCallException}; {@link dev.jalloc.SystemCallException#isOutOfMemory()} tells whether the
 * system ran out of memory or address space, which allocators turn into an
 * {@link dev.jalloc.OutOfNativeMemoryError}.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public abstract sealed class Os permits PosixOs, WindowsOs, CoarsePagesOs {

    private static final class Holder {
        static final Os CURRENT = System.getProperty("os.name", "").startsWith("Windows")
                ? new WindowsOs()
                : new PosixOs(PosixOs.Flavor.current());
    }

    /** {@return the primitives of the operating system this JVM runs on} */
    public static Os current() {
        return Holder.CURRENT;
    }

    /**
     * {@return {@code system} seen as a system whose page is {@code pageSize}}: every call must be aligned to that
     * page, as on a kernel with 16 KiB or 64 KiB pages, and one that is not throws {@link IllegalArgumentException}
     * (where such a kernel would fail with {@code EINVAL}). For running the allocators as they would run there.
     *
     * @param pageSize a power of two, at least {@code system.pageSize()}
     */
    public static Os withPageSize(Os system, long pageSize) {
        return new CoarsePagesOs(system, pageSize);
    }

    /** {@return a short name for messages: {@code linux}, {@code macos}, {@code windows}} */
    public abstract String name();

    /** {@return the OS page size in bytes, a power of two} */
    public abstract long pageSize();

    /**
     * {@return the granularity of reservations: the OS page on POSIX, 64 KiB on Windows}: a reservation's
     * address is a multiple of it.
     */
    public abstract long allocationGranularity();

    /** {@return the large page size in bytes, or 0 when the system offers none} */
    public abstract long largePageSize();

    /**
     * {@return {@code null} if this process can get large pages for a range it reserves now, otherwise why not},
     * in words for a log line.
     */
    public abstract String largePagesUnavailableReason();

    /**
     * Reserves {@code byteSize} bytes of address space: no access, no backing, no commit charge.
     *
     * @param byteSize  a positive multiple of the page size
     * @param alignment a power of two, at least the page size: the address returned is a multiple of it
     * @return the address of the reservation
     */
    public abstract long reserve(long byteSize, long alignment);

    /**
     * Reserves and commits {@code byteSize} bytes in one call where the system can: the pages read as zero.
     *
     * @param byteSize a positive multiple of the page size
     * @return the address of the reservation
     */
    public abstract long reserveCommitted(long byteSize);

    /** Commits reserved pages: they become readable and writable and read as zero if they were not committed. */
    public abstract void commit(long address, long byteSize);

    /** Gives committed pages back to the system and makes them inaccessible; the range stays reserved. */
    public abstract void decommit(long address, long byteSize);

    /**
     * Gives the physical pages of a committed range back to the system while keeping the range readable and
     * writable: afterwards it reads as zero, holds no memory until touched again and, where the system allows
     * (Linux), no longer counts against the commit limit. {@link #commit} on a purged range charges it again.
     *
     * <p>This is what allocators use instead of {@link #decommit} while a {@link java.lang.foreign.MemorySegment}
     * over the range may still be alive: a stale access then reads zeros instead of crashing the JVM.
     */
    public abstract void purge(long address, long byteSize);

    /**
     * Releases a whole reservation made by {@link #reserve} or {@link #reserveCommitted}.
     *
     * @param address  the address the reservation call returned
     * @param byteSize the size passed to it
     */
    public abstract void release(long address, long byteSize);

    /** Changes the access of committed pages. */
    public abstract void protect(long address, long byteSize, Protection protection);

    /**
     * Gives the system a hint about committed pages.
     *
     * @return {@code false} if this system has no such hint (nothing was done), {@code true} if it took it
     */
    public abstract boolean advise(long address, long byteSize, Advice advice);

    /**
     * {@return the bytes of {@code [address, address + byteSize)} in RAM right now (whole OS pages), or -1 if this
     * system cannot tell} For statistics: it asks the kernel about every page of the range (one call per GiB), so
     * its cost grows with the range, not with what the allocator knows. Reserved, purged and never-touched pages
     * count as not resident.
     *
     * @param address  a multiple of the page size, inside one reservation
     * @param byteSize a multiple of the page size
     */
    public abstract long residentBytes(long address, long byteSize);
}
