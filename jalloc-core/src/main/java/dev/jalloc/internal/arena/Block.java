package dev.jalloc.internal.arena;

import dev.jalloc.internal.memory.Reservation;

/**
 * One block of an arena: a reservation from the OS layer (or the caller's memory) with its committed prefix, zero
 * mark and, while it is not the block being bumped, its saved offset.
 *
 * <p>Invariant: {@code 0 <= used <= committed <= reserved}, {@code zeroMark <= reserved}, and every byte in
 * {@code [zeroMark, committed)} reads as zero. Mutable, owned by one arena and guarded by it.
 */
public final class Block {
    /** The address of the first byte ({@code MemorySegment.address()} for caller memory). */
    public final long address;
    /** Bytes of address space (the capacity, for caller memory). */
    public final long reserved;
    /** The reservation, or {@code null} for the caller's memory, which jalloc never commits, purges or releases. */
    final Reservation reservation;
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

    Block(Reservation reservation, long committed) {
        this.reservation = reservation;
        this.address = reservation.address();
        this.reserved = reservation.byteSize();
        this.committed = committed;
    }

    private Block(long address, long byteSize) {
        this.reservation = null;
        this.address = address;
        this.reserved = byteSize;
        this.committed = byteSize;
        this.zeroMark = byteSize;
    }

    /**
     * {@return a block over memory the caller owns}: committed whole and, since its contents are unknown, with its
     * zero mark at the end.
     */
    public static Block ofCallerMemory(long address, long byteSize) {
        return new Block(address, byteSize);
    }

    /**
     * {@return the bytes of the OS pages over {@code [offset, offset + byteSize)} in RAM now, or -1 if the OS cannot
     * tell; 0 for the caller's memory, which jalloc does not hold from the OS}
     */
    public long residentBytes(long offset, long byteSize) {
        if (reservation == null || byteSize <= 0) {
            return 0;
        }
        long page = reservation.pageSize();
        long from = offset & -page;
        long to = Math.min(committed, (offset + byteSize + page - 1) & -page);
        return to <= from ? 0 : reservation.residentBytes(from, to - from);
    }

    /** {@return whether the OS layer made this block (jalloc commits, purges and releases it), not the caller} */
    public boolean fromOs() {
        return reservation != null;
    }

    @Override
    public String toString() {
        return "Block[address=0x" + Long.toHexString(address) + ", reserved=" + reserved + ", committed=" + committed
                + ", basePos=" + basePos + ", used=" + used + ", zeroMark=" + zeroMark
                + (fromOs() ? "" : ", caller's memory") + "]";
    }
}
