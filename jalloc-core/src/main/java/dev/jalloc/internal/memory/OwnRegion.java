package dev.jalloc.internal.memory;

import dev.jalloc.SystemCallException;
import dev.jalloc.internal.os.Advice;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.security.SecureRandom;

/**
 * A region of the allocator's own: one {@link Mapping} whose prefix is committed in OS pages. With
 * {@code populate}, each commit also asks the OS to map every page at once ({@link Advice#POPULATE}), which is
 * several times cheaper than a page fault per page for memory about to be written in full (a growing vector);
 * where the system has no such advice it is turned off once, with a logged reason.
 */
public final class OwnRegion implements Region {
    private static final System.Logger LOG = System.getLogger("dev.jalloc.memory");

    private final Mapping mapping;
    private final Reservation reservation;
    /** Reserved bytes before the region's first byte, never committed: a random base (hardened heaps), or 0. */
    private final long skip;
    /** Reserved bytes after the region's last byte, never committed: the rest of a random base's span. */
    private final long after;
    private final MemorySegment segment;
    private final long page;
    private boolean populate;
    private long committed;

    private OwnRegion(Mapping mapping, boolean populate, long skip, long after) {
        this.mapping = mapping;
        this.reservation = mapping.reservation();
        this.skip = skip;
        this.after = after;
        this.segment = skip == 0 && after == 0 ? mapping.segment()
                : mapping.segment().asSlice(skip, reservation.byteSize() - skip - after);
        this.page = reservation.pageSize();
        this.populate = populate;
    }

    /**
     * {@return a region of {@code byteSize} bytes (rounded up to the page) aligned to {@code alignment}, nothing
     * committed}; with {@code degrade}, a smaller one (down to {@code minimum}) if the OS refuses that much
     *
     * @param shared whether its segments are accessible from every thread (else from the calling one)
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses the reservation
     */
    public static OwnRegion reserve(Os os, long byteSize, long alignment, boolean degrade, long minimum,
            boolean populate, boolean shared, Usage usage, String what, Throwable site) {
        return reserve(os, byteSize, alignment, degrade, minimum, populate, shared, usage, what, site, false);
    }

    /** The address space a random base may move the region by: 1 GiB, reserved, never committed. */
    public static final long RANDOM_BASE_SPAN = 1L << 30;

    /**
     * {@return as {@link #reserve(Os, long, long, boolean, long, boolean, boolean, Usage, String, Throwable)}, at a
     * random offset in a reservation {@value #RANDOM_BASE_SPAN} bytes larger if {@code randomBase}} The bytes around
     * the region stay reserved and inaccessible. A hardened heap asks for it, so that its base is not where the
     * kernel's next mapping would be (wherever the kernel puts the larger reservation, top-down or bottom-up, the
     * region's start moves with the random offset).
     */
    public static OwnRegion reserve(Os os, long byteSize, long alignment, boolean degrade, long minimum,
            boolean populate, boolean shared, Usage usage, String what, Throwable site, boolean randomBase) {
        long granule = Math.max(Math.max(os.pageSize(), os.allocationGranularity()), alignment);
        long slack = randomBase ? RANDOM_BASE_SPAN : 0;
        long size = Bits.alignUp(byteSize, granule) + slack;
        Reservation r = degrade
                ? Reservation.reserveDegrading(os, size, Bits.alignUp(Math.max(minimum, 1), granule) + slack,
                        alignment, false, usage, what)
                : Reservation.reserve(os, size, alignment, usage, what);
        long skip = randomBase ? granule * new SecureRandom().nextLong(slack / granule + 1) : 0;
        return new OwnRegion(Mapping.of(r, shared, what, site), populate, skip, slack - skip);
    }

    @Override
    public long residentBytes() {
        return reservation.residentBytes(skip, committed);
    }

    @Override
    public Usage usage() {
        return reservation.usage();
    }

    @Override
    public long address() {
        return reservation.address() + skip;
    }

    @Override
    public long pageSize() {
        return page;
    }

    @Override
    public long osPageSize() {
        return page;
    }

    @Override
    public long reservedBytes() {
        return reservation.byteSize() - skip - after;
    }

    @Override
    public long committedBytes() {
        return committed;
    }

    @Override
    public long cleanFrom() {
        return 0;
    }

    @Override
    public String shortfall() {
        return reservation.shortfall();
    }

    @Override
    public void commitTo(long end) {
        long target = Math.min(reservedBytes(), Bits.alignUp(end, page));
        if (target <= committed) {
            return;
        }
        reservation.commit(skip + committed, target - committed);
        if (populate) {
            populate(skip + committed, target - committed);
        }
        committed = target;
    }

    private void populate(long offset, long byteSize) {
        String why;
        try {
            if (reservation.advise(offset, byteSize, Advice.POPULATE)) {
                return;
            }
            why = "this system has no populate advice";
        } catch (SystemCallException e) {
            // The commit itself succeeded: the pages are charged and will be faulted in on first touch instead.
            why = e.getMessage();
        }
        populate = false;
        LOG.log(Level.DEBUG, "populating commits turned off, pages are faulted in on first touch: {0}", why);
    }

    @Override
    public void purgeAbove(long keep, long purgedAbove) {
        long from = Math.min(reservedBytes(), Bits.alignUp(Math.max(keep, 0), page));
        if (from < committed) {
            reservation.purge(skip + from, committed - from, purgedAbove);
            committed = from;
        }
    }

    @Override
    public boolean purge(long offset, long byteSize) {
        reservation.purge(skip + offset, byteSize, 0);
        return true;
    }

    @Override
    public void recommit(long offset, long byteSize) {
        reservation.commit(skip + offset, byteSize);
    }

    @Override
    public void guard(long offset, long byteSize) {
        reservation.decommit(skip + offset, byteSize);
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public boolean isShared() {
        return mapping.isShared();
    }

    @Override
    public boolean ownsMemory() {
        return true;
    }

    @Override
    public void release(long liveBytes) {
        mapping.release();
    }

    @Override
    public void endScope() {
        mapping.endScope();
    }

    @Override
    public void onTakenAway(Runnable action) {
        // Nobody else can take a region of the allocator's own.
    }
}
