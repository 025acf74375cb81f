package dev.jalloc.internal.vector;

import dev.jalloc.internal.arena.Block;
import dev.jalloc.internal.arena.BlockSource;
import dev.jalloc.internal.os.Os;

/**
 * A reservation of the vector's own, made through a {@link BlockSource} with a commit step of one page (the
 * vector decides how far to commit) and, by default, commits populated at once.
 */
public final class OwnReservation implements Region {
    private final BlockSource source;
    private final Block block;

    /**
     * Reserves {@code reserveBytes} of address space and commits nothing.
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses the reservation
     */
    public OwnReservation(Os os, long reserveBytes, boolean populate) {
        this.source = new BlockSource(os, reserveBytes, os.pageSize(), false);
        source.populateOnCommit(populate);
        this.block = source.newBlock(0, 0);
    }

    @Override
    public long address() {
        return block.address;
    }

    @Override
    public long pageSize() {
        return source.pageSize();
    }

    @Override
    public long reservedBytes() {
        return block.reserved;
    }

    @Override
    public long committedBytes() {
        return block.committed;
    }

    @Override
    public void commitTo(long end) {
        source.commitTo(block, end);
    }

    @Override
    public void purgeAbove(long keep) {
        source.purgeAbove(block, keep);
    }

    @Override
    public void release() {
        source.release(block);
    }
}
