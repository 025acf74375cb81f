package dev.jalloc.internal.memory;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.SystemCallException;
import dev.jalloc.internal.jfr.Jfr;
import dev.jalloc.internal.os.Advice;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;

/**
 * One range of address space from the OS, owned by exactly one object, which commits, purges and releases it
 * through here and nowhere else: every byte the OS charges is counted in its {@link Usage}, and every refusal
 * becomes an {@link OutOfNativeMemoryError} in one place ({@link #refused}).
 *
 * <pre>
 *   address                                                              address + byteSize
 *   |  committed  |  purged  |  committed  |   reserved (no access)   ...              |
 *   commit(off, n)   charged, read-write, reads as zero
 *   purge(off, n)    not charged, read-write, reads as zero: a stale segment over it cannot crash the JVM
 *   decommit(off, n) not charged, inaccessible: a guard page, which no segment ever covered
 *   release()        the whole range back to the OS, once: only after every segment over it has ended
 * </pre>
 * The owner says which ranges are committed (it commits and purges only what it knows the state of): the
 * reservation counts bytes, it does not keep a page map. Offsets and lengths are multiples of {@link #pageSize()}.
 * Not thread-safe: its owner guards it.
 */
public final class Reservation {
    /** OS refusals, one line each at {@code WARNING}: the caller gets an {@link OutOfNativeMemoryError} too. */
    private static final System.Logger LOG = System.getLogger("dev.jalloc.memory");
    private final Os os;
    private final long address;
    private final long byteSize;
    private final Usage usage;
    private long committed;
    private boolean released;
    /** How a degrading reservation fell short of what was asked, or null. */
    private String shortfall;

    private Reservation(Os os, long address, long byteSize, long committed, Usage usage) {
        this.os = os;
        this.address = address;
        this.byteSize = byteSize;
        this.committed = committed;
        this.usage = usage;
        usage.reserved(byteSize, committed);
        Jfr.osMemory(committed > 0 ? "reserve committed" : "reserve", address, byteSize);
    }

    /**
     * {@return a reservation of {@code byteSize} bytes (a multiple of the OS page) aligned to {@code alignment}, with
     * nothing committed}
     *
     * @param what what the memory is for, for the error message
     * @throws OutOfNativeMemoryError if the OS refuses
     */
    public static Reservation reserve(Os os, long byteSize, long alignment, Usage usage, String what) {
        try {
            return new Reservation(os, os.reserve(byteSize, Math.max(alignment, os.pageSize())), byteSize, 0, usage);
        } catch (SystemCallException e) {
            throw refused("cannot reserve " + Bits.bytes(byteSize) + " for " + what, e);
        }
    }

    /**
     * {@return a reservation of {@code byteSize} bytes committed whole, in one call where the OS allows}
     *
     * @throws OutOfNativeMemoryError if the OS refuses
     */
    public static Reservation reserveCommitted(Os os, long byteSize, Usage usage, String what) {
        long address;
        try {
            address = os.reserveCommitted(byteSize);
        } catch (SystemCallException e) {
            throw refused("cannot map " + Bits.bytes(byteSize) + " for " + what, e);
        }
        return new Reservation(os, address, byteSize, byteSize, usage);
    }

    /**
     * {@return a reservation of {@code preferred} bytes, or if the OS refuses that much address space (a
     * {@code ulimit -v}, thousands of live allocators), of the largest of {@code preferred / 2},
     * {@code preferred / 4}, ... down to {@code minimum} that it grants} For default factories, which degrade
     * instead of failing; {@link #shortfall()} says what happened.
     *
     * @param committed whether the reservation is committed whole ({@link #reserveCommitted}, which ignores
     *                  {@code alignment}) rather than reserved only
     * @throws OutOfNativeMemoryError if even {@code minimum} is refused
     */
    public static Reservation reserveDegrading(Os os, long preferred, long minimum, long alignment, boolean committed,
            Usage usage, String what) {
        long size = preferred;
        while (true) {
            try {
                Reservation r = committed ? reserveCommitted(os, size, usage, what)
                        : reserve(os, size, alignment, usage, what);
                if (size < preferred) {
                    r.shortfall = Bits.bytes(size) + " reserved (" + Bits.bytes(preferred) + " refused by the OS)";
                }
                return r;
            } catch (OutOfNativeMemoryError e) {
                long half = Bits.alignUp(size / 2, Math.max(os.allocationGranularity(), os.pageSize()));
                if (half < minimum || half >= size) {
                    throw e;
                }
                size = half;
            }
        }
    }

    /** {@return how a degrading reservation fell short of what was asked, or {@code null} if it did not} */
    public String shortfall() {
        return shortfall;
    }

    /** {@return the address of the first byte} */
    public long address() {
        return address;
    }

    /** {@return the bytes of address space} */
    public long byteSize() {
        return byteSize;
    }

    /** {@return the bytes of this reservation the OS charges now} */
    public long committedBytes() {
        return committed;
    }

    /** {@return the bytes of {@code [offset, offset + byteSize)} in RAM now, or -1 if the OS cannot tell} */
    public long residentBytes(long offset, long byteSize) {
        return released || byteSize == 0 ? 0 : os.residentBytes(address + offset, byteSize);
    }

    /** {@return the counts this reservation charges: its owner's} */
    public Usage usage() {
        return usage;
    }

    /** {@return the OS page: offsets and lengths are multiples of it} */
    public long pageSize() {
        return os.pageSize();
    }

    /** {@return the primitives this reservation came from} */
    public Os os() {
        return os;
    }

    /**
     * Commits {@code [offset, offset + byteSize)}, which the owner knows is reserved or purged: afterwards it is
     * charged, read-write, and reads as zero.
     *
     * @throws OutOfNativeMemoryError if the OS refuses; nothing changed
     */
    public void commit(long offset, long byteSize) {
        if (byteSize == 0) {
            return;
        }
        try {
            os.commit(address + offset, byteSize);
        } catch (SystemCallException e) {
            throw refused("cannot commit " + Bits.bytes(byteSize), e);
        }
        committed += byteSize;
        usage.committed(byteSize);
        Jfr.osMemory("commit", address + offset, byteSize);
    }

    /**
     * Decommits {@code [offset, offset + byteSize)}, which the owner knows is committed and not purged: the OS takes
     * the pages and their charge back, and any access faults (a guard page). Only for pages no segment ever covered:
     * a Java access to them would crash the JVM.
     *
     * @throws OutOfNativeMemoryError if the OS refuses (on Linux, a process at {@code vm.max_map_count} mappings);
     *                                nothing changed
     */
    public void decommit(long offset, long byteSize) {
        if (byteSize == 0) {
            return;
        }
        try {
            os.decommit(address + offset, byteSize);
        } catch (SystemCallException e) {
            throw refused("cannot decommit " + Bits.bytes(byteSize) + " as a guard", e);
        }
        committed -= byteSize;
        usage.uncommitted(byteSize);
        Jfr.osMemory("decommit", address + offset, byteSize);
    }

    /**
     * Purges {@code [offset, offset + byteSize)}, which the owner knows is committed but for {@code alreadyPurged}
     * bytes of it that it purged before: the OS takes the pages and their charge back, and the range stays read-write
     * (reading zero), so no segment over it can crash the JVM.
     */
    public void purge(long offset, long byteSize, long alreadyPurged) {
        if (byteSize == 0) {
            return;
        }
        os.purge(address + offset, byteSize);
        committed -= byteSize - alreadyPurged;
        usage.uncommitted(byteSize - alreadyPurged);
        Jfr.osMemory("purge", address + offset, byteSize);
    }

    /**
     * Gives the OS a hint about committed pages. {@return false if this system has no such hint}
     *
     * @throws SystemCallException if the OS rejects it
     */
    public boolean advise(long offset, long byteSize, Advice advice) {
        usage.called();
        return os.advise(address + offset, byteSize, advice);
    }

    /** {@return whether {@link #release()} has run} */
    public boolean isReleased() {
        return released;
    }

    /**
     * Returns the whole range to the OS; once. The owner has ended every segment over it first.
     *
     * @throws IllegalStateException if already released
     */
    public void release() {
        if (released) {
            throw new IllegalStateException("reservation at " + Bits.hex(address) + " already released");
        }
        os.release(address, byteSize);
        released = true;
        usage.released(byteSize, committed);
        committed = 0;
        Jfr.osMemory("release", address, byteSize);
    }

    /**
     * The one translation of a refused system call: an {@link OutOfNativeMemoryError} naming {@code what} when
     * the OS ran out of memory or address space; any other failure is rethrown as it is.
     */
    public static OutOfNativeMemoryError refused(String what, SystemCallException e) {
        if (!e.isOutOfMemory()) {
            throw e;
        }
        LOG.log(System.Logger.Level.WARNING, "the OS refused memory: {0}: {1}", what, e.getMessage());
        return new OutOfNativeMemoryError(what, e);
    }

    @Override
    public String toString() {
        return "Reservation[" + Bits.hex(address) + ", " + Bits.bytes(byteSize) + ", committed "
                + Bits.bytes(committed) + (released ? ", released" : "") + "]";
    }
}
