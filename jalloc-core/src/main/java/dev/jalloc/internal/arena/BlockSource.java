package dev.jalloc.internal.arena;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.SystemCallException;
import dev.jalloc.internal.memory.Reservation;
import dev.jalloc.internal.memory.Usage;
import dev.jalloc.internal.os.Advice;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;
import java.lang.System.Logger.Level;

/**
 * Makes, grows, purges and releases the blocks of one arena, with that arena's page size, reservation size and
 * commit step; every block is a {@link Reservation} counted in the arena's {@link Usage}, which a heap or vector on
 * the arena's tail shares.
 *
 * <p>Every method either does all it says or, when the OS refuses, throws and changes nothing: a failed commit
 * leaves the block's committed prefix as it was; a block whose first commit fails is released before the error is
 * thrown. With {@code degrade} (the reservation size was not asked for), a reservation the OS refuses is retried at
 * half the size, down to what the request needs, and later blocks use the size granted. Not thread-safe: the owning
 * arena guards it.
 */
public final class BlockSource {
    private static final System.Logger LOG = System.getLogger("dev.jalloc.arena");

    private final Os os;
    private final long pageSize;
    private long reserveSize;
    private long commitStep;
    private final boolean largePages;
    private final boolean degrade;
    private final Usage usage = new Usage();
    private boolean adviseHugePages;
    private int blocks;
    private String shortfall;

    /**
     * @param os          the primitives
     * @param reserveSize the reservation of an ordinary block, rounded up to the arena page
     * @param commitStep  the commit step, rounded up to the arena page (not to a power of two) and capped at the
     *                    reservation
     * @param largePages  whether to try large pages (falling back to OS pages with a logged reason)
     * @param degrade     whether a refused reservation is retried smaller
     */
    public BlockSource(Os os, long reserveSize, long commitStep, boolean largePages, boolean degrade) {
        this.os = os;
        this.degrade = degrade;
        long page = os.pageSize();
        boolean large = false;
        if (largePages) {
            String why = os.largePagesUnavailableReason();
            if (why == null && os.largePageSize() > page) {
                page = os.largePageSize();
                large = true;
            } else {
                LOG.log(Level.WARNING, "large pages requested but not used, falling back to {0} pages: {1}",
                        Bits.bytes(page), why == null ? "the large page is no larger than the OS page" : why);
            }
        }
        this.pageSize = page;
        this.largePages = large;
        this.adviseHugePages = large;
        this.reserveSize = Bits.alignUp(reserveSize, granule());
        this.commitStep = Math.min(Bits.alignUp(commitStep, page), this.reserveSize);
    }

    private long granule() {
        return Math.max(pageSize, os.allocationGranularity());
    }

    /** {@return the arena page: the granularity of reservations and commits} */
    public long pageSize() {
        return pageSize;
    }

    /** {@return the OS page: the granularity of purges of a tail's holes} */
    public long osPageSize() {
        return os.pageSize();
    }

    /** {@return whether blocks are backed by large pages} */
    public boolean largePages() {
        return largePages;
    }

    /** {@return the reservation of an ordinary block (smaller than asked if the OS refused that much)} */
    public long reserveSize() {
        return reserveSize;
    }

    /** {@return the commit step} */
    public long commitStep() {
        return commitStep;
    }

    /** {@return whether blocks are committed step by step rather than whole} */
    public boolean isVirtual() {
        return commitStep < reserveSize;
    }

    /** {@return how the reservations fell short of the size asked for, or {@code null}} */
    public String shortfall() {
        return shortfall;
    }

    /** {@return the counts of what this source holds from the OS: reservations, commits, purges, calls} */
    public Usage usage() {
        return usage;
    }

    /** {@return bytes of address space held} */
    public long reservedBytes() {
        return usage.reservedBytes();
    }

    /** {@return bytes committed in blocks from this source, by the arena or by what lives on its tail} */
    public long committedBytes() {
        return usage.committedBytes();
    }

    /** {@return the number of blocks from this source not yet released} */
    public int blocks() {
        return blocks;
    }

    /**
     * Makes a block of at least {@code minBytes} bytes, committed to at least {@code commitTo} bytes.
     *
     * @throws OutOfNativeMemoryError if the OS refuses the reservation or the commit
     */
    public Block newBlock(long minBytes, long commitTo) {
        long need = Bits.alignUp(Math.max(minBytes, 1), granule());
        long size = Math.max(reserveSize, need);
        Reservation r;
        boolean whole = !isVirtual() && !largePages;
        if (degrade && size == reserveSize) {
            long minimum = isVirtual() ? Math.max(need, Bits.alignUp(commitStep, granule())) : need;
            r = Reservation.reserveDegrading(os, size, minimum, pageSize, whole, usage, "an arena block");
            if (r.shortfall() != null) {
                shortfall = r.shortfall();
                reserveSize = r.byteSize();
                commitStep = Math.min(commitStep, reserveSize);   // a committed block stays committed whole
                LOG.log(Level.INFO, "arena reservation reduced: {0}", shortfall);
            }
        } else if (whole && size == reserveSize) {
            r = Reservation.reserveCommitted(os, size, usage, "an arena block");
        } else {
            r = Reservation.reserve(os, size, pageSize, usage, "an arena block");
        }
        blocks++;
        Block block = new Block(r, r.committedBytes());   // all of it if mapped committed in one call, else none
        try {
            commitTo(block, isVirtual() ? commitTo : block.reserved);
        } catch (OutOfNativeMemoryError e) {
            release(block);
            throw e;
        }
        return block;
    }

    /**
     * Commits {@code block} so that at least its first {@code end} bytes are committed, in whole commit steps. The
     * caller's memory is committed already.
     *
     * @throws OutOfNativeMemoryError if the OS refuses; the block is unchanged
     */
    public void commitTo(Block block, long end) {
        if (end <= block.committed || !block.fromOs()) {
            return;
        }
        long target = Math.min(block.reserved, Bits.roundUp(end, commitStep));
        long from = block.committed;
        block.reservation.commit(from, target - from);
        if (adviseHugePages) {
            try {
                block.reservation.advise(from, target - from, Advice.HUGE_PAGES);
            } catch (SystemCallException e) {
                adviseHugePages = false;
                LOG.log(Level.WARNING, "large pages refused, using OS pages from now on: {0}", e.getMessage());
            }
        }
        block.committed = target;
    }

    /**
     * Purges {@code block} above {@code keep} bytes (rounded up to a commit step) if at least one whole step lies
     * above it; the purged range reads as zero and is no longer counted as committed. The caller's memory is never
     * purged.
     */
    public void purgeAbove(Block block, long keep) {
        long from = Math.min(block.reserved, Bits.roundUp(Math.max(keep, 0), commitStep));
        if (block.committed - from >= commitStep) {
            purgeFrom(block, from, 0);
        }
    }

    /**
     * Purges {@code block} from {@code from} (a multiple of the OS page) to its committed end, of which
     * {@code alreadyPurged} bytes were purged before (holes a heap on the tail made); the prefix ends at {@code from}.
     */
    public void purgeFrom(Block block, long from, long alreadyPurged) {
        if (!block.fromOs() || from >= block.committed) {
            return;
        }
        block.reservation.purge(from, block.committed - from, alreadyPurged);
        block.committed = from;
        block.zeroMark = Math.min(block.zeroMark, from);
    }

    /**
     * Purges a range of a block's committed prefix for the heap or best-fit allocator on the arena's tail (a hole
     * it will commit again with {@link #recommitHole}). {@return false for the caller's memory: nothing done}
     */
    public boolean purgeHole(Block block, long offset, long byteSize) {
        if (!block.fromOs()) {
            return false;
        }
        block.reservation.purge(offset, byteSize, 0);
        return true;
    }

    /** Commits again a hole {@link #purgeHole} made. */
    public void recommitHole(Block block, long offset, long byteSize) {
        if (block.fromOs()) {
            block.reservation.commit(offset, byteSize);
        }
    }

    /** Releases a block made by this source: its address range is returned to the OS. */
    public void release(Block block) {
        if (block.fromOs() && !block.reservation.isReleased()) {
            block.reservation.release();
            blocks--;
        }
    }
}
