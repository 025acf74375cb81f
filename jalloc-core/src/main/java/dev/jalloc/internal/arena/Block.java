package dev.jalloc.internal.arena;

/**
 * One block of an arena: a reservation (or the caller's memory) with its committed prefix, zero mark and, while
 * it is not the block being bumped, its saved offset.
 *
 * <p>Invariant: {@code 0 <= zeroMark}, {@code committed <= reserved}, and every byte in
 * {@code [zeroMark, committed)} reads as zero. Mutable, owned by one arena and guarded by it.
 */
public final class Block {
    /** The address of the first byte ({@code MemorySegment.address()} for caller memory). */
    public final long address;
    /** Bytes of address space (the capacity, for caller memory). */
    public final long reserved;
    /** Whether the OS layer made this block (and it must be released), or the caller supplied it. */
    public final boolean fromOs;
    /** The arena position of the first byte. */
    public long basePos;
    /** Bytes from {@link #address} that are committed. */
    public long committed;
    /** The offset at and above which every committed byte reads as zero. */
    public long zeroMark;
    /** The offset bumped to, saved while another block is current. */
    public long used;
    /** The block before this one in the chain, or the next spare in the spare list. */
    public Block prev;

    Block(long address, long reserved, long committed, boolean fromOs, long zeroMark) {
        this.address = address;
        this.reserved = reserved;
        this.committed = committed;
        this.fromOs = fromOs;
        this.zeroMark = zeroMark;
    }

    /**
     * {@return a block over memory the caller owns}: committed whole and, since its contents are unknown,
     * with its zero mark at the end.
     */
    public static Block ofCallerMemory(long address, long byteSize) {
        return new Block(address, byteSize, byteSize, false, byteSize);
    }

    @Override
    public String toString() {
        return "Block[address=0x" + Long.toHexString(address) + ", reserved=" + reserved + ", committed=" + committed
                + ", basePos=" + basePos + ", used=" + used + ", zeroMark=" + zeroMark + "]";
    }
}
