package dev.jalloc.internal.arena;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.SystemCallException;
import dev.jalloc.internal.os.Advice;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;
import java.lang.System.Logger.Level;

/**
 * Makes, grows, purges and releases the blocks of one arena, with that arena's page size, reservation size and
 * commit step, and counts the bytes it holds reserved and committed.
 *
 * <p>Every method either does all it says or, when the OS refuses, throws and changes nothing: a failed commit
 * leaves the block's committed prefix as it was; a block whose first commit fails is released before the
 * error is thrown. Not thread-safe: the owning arena guards it.
 */
public final class BlockSource {
    private static final System.Logger LOG = System.getLogger("dev.jalloc.arena");

    private final Os os;
    private final long pageSize;
    private final long reserveSize;
    private final long commitStep;
    private final boolean largePages;
    private boolean adviseHugePages;
    private boolean populate;
    private long reservedBytes;
    private long committedBytes;
    private int blocks;

    /**
     * @param os          the primitives
     * @param reserveSize the reservation of an ordinary block, rounded up to the arena page
     * @param commitStep  the commit step, rounded up to the arena page and capped at the reservation
     * @param largePages  whether to try large pages (falling back to OS pages with a logged reason)
     */
    public BlockSource(Os os, long reserveSize, long commitStep, boolean largePages) {
        this.os = os;
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
        this.reserveSize = Bits.alignUp(reserveSize, Math.max(page, os.allocationGranularity()));
        this.commitStep = Math.min(Bits.alignUp(commitStep, page), this.reserveSize);
    }

    /** {@return the arena page: the granularity of reservations and commits} */
    public long pageSize() {
        return pageSize;
    }

    /** {@return whether blocks are backed by large pages} */
    public boolean largePages() {
        return largePages;
    }

    /** {@return the reservation of an ordinary block} */
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

    /**
     * Asks the OS to map every page of each commit at once ({@link Advice#POPULATE}) instead of faulting them in
     * one by one on first touch: several times faster for memory that is about to be written in full, as a
     * growing vector's is. Where the system has no such advice it is turned off, with a logged reason.
     */
    public void populateOnCommit(boolean populate) {
        this.populate = populate;
    }

    /** {@return bytes of address space held by blocks from this source} */
    public long reservedBytes() {
        return reservedBytes;
    }

    /** {@return bytes committed in blocks from this source} */
    public long committedBytes() {
        return committedBytes;
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
        long granule = Math.max(pageSize, os.allocationGranularity());
        long size = Math.max(reserveSize, Bits.alignUp(minBytes, granule));
        long address;
        long committed;
        try {
            if (!isVirtual() && size == reserveSize && !largePages) {
                address = os.reserveCommitted(size);
                committed = size;
            } else {
                address = os.reserve(size, pageSize);
                committed = 0;
            }
        } catch (SystemCallException e) {
            throw outOfMemory("cannot reserve a block of " + size + " bytes", e);
        }
        reservedBytes += size;
        committedBytes += committed;
        blocks++;
        Block block = new Block(address, size, committed, true, 0);
        try {
            commitTo(block, isVirtual() ? commitTo : size);
        } catch (OutOfNativeMemoryError e) {
            release(block);
            throw e;
        }
        return block;
    }

    /**
     * Commits {@code block} so that at least its first {@code end} bytes are committed, in whole commit steps.
     *
     * @throws OutOfNativeMemoryError if the OS refuses; the block is unchanged
     */
    public void commitTo(Block block, long end) {
        if (end <= block.committed) {
            return;
        }
        long target = Math.min(block.reserved, Bits.alignUp(end, commitStep));
        long from = block.committed;
        try {
            os.commit(block.address + from, target - from);
        } catch (SystemCallException e) {
            throw outOfMemory("cannot commit " + (target - from) + " bytes", e);
        }
        if (adviseHugePages) {
            try {
                os.advise(block.address + from, target - from, Advice.HUGE_PAGES);
            } catch (SystemCallException e) {
                adviseHugePages = false;
                LOG.log(Level.WARNING, "large pages refused, using OS pages from now on: {0}", e.getMessage());
            }
        }
        if (populate) {
            populate(block.address + from, target - from);
        }
        committedBytes += target - from;
        block.committed = target;
    }

    private void populate(long address, long byteSize) {
        String why;
        try {
            if (os.advise(address, byteSize, Advice.POPULATE)) {
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

    /**
     * Purges {@code block} above {@code keep} bytes (rounded up to a commit step) if at least one whole step
     * lies above it; the purged range reads as zero and is no longer counted as committed.
     *
     * @throws SystemCallException if the OS refuses (it does not, for a range it committed)
     */
    public void purgeAbove(Block block, long keep) {
        if (!block.fromOs) {
            return;
        }
        long from = Math.min(block.reserved, Bits.alignUp(Math.max(keep, 0), commitStep));
        if (block.committed - from < commitStep) {
            return;
        }
        os.purge(block.address + from, block.committed - from);
        committedBytes -= block.committed - from;
        block.committed = from;
        block.zeroMark = Math.min(block.zeroMark, from);
    }

    /** Releases a block made by this source: its address range is returned to the OS. */
    public void release(Block block) {
        if (!block.fromOs) {
            return;
        }
        os.release(block.address, block.reserved);
        reservedBytes -= block.reserved;
        committedBytes -= block.committed;
        blocks--;
    }

    private static OutOfNativeMemoryError outOfMemory(String what, SystemCallException e) {
        if (!e.isOutOfMemory()) {
            throw e;
        }
        return new OutOfNativeMemoryError(what, e);
    }
}
