package dev.jalloc.internal.arena;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.internal.util.Bits;
import java.util.ArrayList;
import java.util.List;

/**
 * The blocks of one arena: the chain it bumps through (newest first), the spares popped off it, and the policy
 * that grows, pops, purges and releases them. Deals in positions, offsets and blocks; the arena owns segments.
 *
 * <pre>
 *   chain:   current --prev--> block --prev--> first          pos(block's first byte) = basePos
 *   spares:  spare --prev--> spare                            kept reserved for the next growth
 *
 *   basePos(next) = basePos(current) + reserved(current)      so positions never repeat across blocks
 * </pre>
 *
 * <p>While a block is current, the arena keeps its offset and zero mark in fields of its own; it writes them
 * back to the block ({@link Block#used}, {@link Block#zeroMark}) before calling {@link #grow} or
 * {@link #popTo}, and reads the current block again afterwards. Not thread-safe: the arena guards it.
 */
public final class BlockChain {

    /** Writes over popped bytes: checked mode's poison. */
    @FunctionalInterface
    public interface Filler {
        /** Fills {@code [from, to)} of {@code block}. */
        void fill(Block block, long from, long to);
    }

    private final BlockSource source;
    private final long retainBytes;
    private Block current;
    private Block spares;

    /**
     * @param source      where new blocks come from
     * @param first       the first block (from {@code source}, or the caller's memory)
     * @param retainBytes the position below which popped pages stay committed
     */
    public BlockChain(BlockSource source, Block first, long retainBytes) {
        this.source = source;
        this.retainBytes = retainBytes;
        this.current = first;
    }

    /** {@return the position below which popped pages stay committed} */
    public long retainBytes() {
        return retainBytes;
    }

    /** {@return the block being bumped} */
    public Block current() {
        return current;
    }

    /**
     * Makes room for a push of {@code byteSize} bytes aligned to {@code byteAlignment} that would end at
     * offset {@code end} of the current block: commits more of it if it can hold the push, otherwise links a
     * spare or a new block (if {@code chaining}). Afterwards {@link #current()} can hold the push.
     *
     * @throws OutOfNativeMemoryError if the block is full and chaining is off, or the OS refuses; nothing changed
     */
    public void grow(long byteSize, long byteAlignment, long end, boolean chaining) {
        if (current.fromOs() && end <= current.reserved) {
            source.commitTo(current, end);
            return;
        }
        if (!chaining) {
            throw new OutOfNativeMemoryError("arena full: cannot push " + byteSize + " bytes aligned to "
                    + byteAlignment + " at pos " + (current.basePos + current.used) + " ("
                    + (current.fromOs() ? "reservation of " : "fixed block of ") + current.reserved
                    + " bytes, chaining off)");
        }
        // A block starts at an arena page boundary; a larger alignment needs room for padding.
        long need = byteSize + (byteAlignment > source.pageSize() ? byteAlignment : 0);
        Block next = takeSpare(need);
        if (next != null) {
            try {
                source.commitTo(next, need);
            } catch (OutOfNativeMemoryError e) {
                next.prev = spares;
                spares = next;
                throw e;
            }
        } else {
            next = source.newBlock(need, need);
        }
        next.basePos = current.basePos + current.reserved;
        next.used = 0;
        next.prev = current;
        current = next;
    }

    private Block takeSpare(long need) {
        Block before = null;
        for (Block b = spares; b != null; before = b, b = b.prev) {
            if (b.reserved >= need) {
                if (before == null) {
                    spares = b.prev;
                } else {
                    before.prev = b.prev;
                }
                b.prev = null;
                return b;
            }
        }
        return null;
    }

    /**
     * {@return whether {@code pos} is a position the arena handed out}: at most the current position
     * ({@code currentOffset} into the current block) and within the used part of a block of the chain. A position
     * in an earlier block's unused reservation, or between blocks, was never handed out.
     */
    public boolean isHandedOut(long pos, long currentOffset) {
        if (pos < 0) {
            return false;
        }
        Block b = current;
        long used = currentOffset;
        while (pos < b.basePos) {
            b = b.prev;
            if (b == null) {
                return false;
            }
            used = b.used;
        }
        return pos - b.basePos <= used;
    }

    /**
     * {@return the highest position handed out at or below {@code pos}}: {@code pos} itself if it was handed out,
     * else the end of the used part of the block it falls in (or between).
     */
    public long handedOutAtOrBelow(long pos, long currentOffset) {
        Block b = current;
        long used = currentOffset;
        while (pos < b.basePos && b.prev != null) {
            b = b.prev;
            used = b.used;
        }
        return Math.max(0, Math.min(pos, b.basePos + used));
    }

    /**
     * Moves the position back to {@code pos}, a position the arena handed out ({@link #isHandedOut}, checked by the
     * caller): blocks above it become spares, and pages above {@code max(pos, retainBytes)} are purged.
     *
     * @param poison fills popped bytes, or {@code null}
     */
    public void popTo(long pos, Filler poison) {
        while (pos < current.basePos) {
            Block dropped = current;
            if (poison != null) {
                fill(poison, dropped, 0, dropped.used);
            }
            current = dropped.prev;
            dropped.used = 0;
            dropped.prev = spares;
            spares = dropped;
            source.purgeAbove(dropped, retainBytes - dropped.basePos);
        }
        long offset = pos - current.basePos;
        if (poison != null) {
            fill(poison, current, offset, current.used);
        }
        current.used = offset;
        source.purgeAbove(current, Math.max(offset, retainBytes - current.basePos));
    }

    /** Poisons {@code [from, to)} of {@code block}, never past what is committed. */
    private static void fill(Filler poison, Block block, long from, long to) {
        long end = Math.min(to, block.committed);
        if (from < end) {
            poison.fill(block, from, end);
        }
    }

    /**
     * Gives back the memory nothing holds (the position's block saved by the caller): the spare blocks and the
     * current block's pages above the position are purged, whatever {@code retainBytes} says. Addresses stay
     * reserved until the arena closes: segments may still point there, and purged memory reads as zero.
     */
    public void trim() {
        for (Block b = spares; b != null; b = b.prev) {
            source.purgeFrom(b, 0, 0);
        }
        source.purgeFrom(current, Bits.alignUp(current.used, source.pageSize()), 0);
    }

    /**
     * {@return the offset of {@code block} at or above which a pop may purge}: a pop to any offset leaves the
     * block's committed pages alone while {@code committed - purgeFloor(block)} is below one commit step,
     * because {@link #popTo} keeps at least this much committed. {@link Long#MAX_VALUE} for the caller's memory,
     * which is never purged.
     */
    public long purgeFloor(Block block) {
        if (!block.fromOs()) {
            return Long.MAX_VALUE;
        }
        return Math.min(block.reserved, Bits.roundUp(Math.max(retainBytes - block.basePos, 0), source.commitStep()));
    }

    /** {@return the number of blocks in the chain} */
    public int blockCount() {
        int n = 0;
        for (Block b = current; b != null; b = b.prev) {
            n++;
        }
        return n;
    }

    /** {@return the bytes in RAM of every block's committed part, chained or spare (caller memory counts 0)} */
    public long residentBytes() {
        long bytes = 0;
        for (Block list : new Block[] {current, spares}) {
            for (Block b = list; b != null; b = b.prev) {
                long r = b.residentBytes(0, b.committed);
                if (r < 0) {
                    return -1;
                }
                bytes += r;
            }
        }
        return bytes;
    }

    /** {@return {address, byteSize} of every OS reservation held, chained or spare} */
    public List<long[]> osRanges() {
        List<long[]> ranges = new ArrayList<>();
        for (Block list : new Block[] {current, spares}) {
            for (Block b = list; b != null; b = b.prev) {
                if (b.fromOs()) {
                    ranges.add(new long[] {b.address, b.reserved});
                }
            }
        }
        return ranges;
    }

    /**
     * Releases every block made by the OS layer, chained or spare. Goes on past a failure and throws the first
     * one at the end, with the others suppressed; the chain is empty afterwards either way.
     */
    public void releaseAll() {
        RuntimeException failure = null;
        for (Block list : new Block[] {current, spares}) {
            for (Block b = list; b != null; ) {
                Block next = b.prev;
                try {
                    source.release(b);
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
                b = next;
            }
        }
        current = null;
        spares = null;
        if (failure != null) {
            throw failure;
        }
    }
}
