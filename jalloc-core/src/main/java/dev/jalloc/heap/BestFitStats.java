package dev.jalloc.heap;

import dev.jalloc.AllocatorStats;
import dev.jalloc.internal.util.Bits;

/**
 * A snapshot of a {@link BestFitAllocator}: its blocks, its free blocks, and what it holds from the OS
 * ({@link AllocatorStats} defines the common numbers).
 *
 * @param liveBytes          bytes of allocated payloads
 * @param liveBlocks         allocated payloads
 * @param freeBytes          bytes of free blocks in the part of the region grown into
 * @param freeBlocks         free blocks: fragmentation shows as many of them
 * @param largestFreeBlock   the largest free block in bytes
 * @param committedBytes     bytes charged by the OS, purged pages not included
 * @param peakCommittedBytes the most committed at once (the arena's, on an arena's tail)
 * @param reservedBytes      address space of its region
 * @param residentBytes      bytes in RAM, or -1 if the OS cannot tell
 * @param osCalls            memory system calls (the arena's, on an arena's tail)
 */
public record BestFitStats(long liveBytes, long liveBlocks, long freeBytes, long freeBlocks, long largestFreeBlock,
        long committedBytes, long peakCommittedBytes, long reservedBytes, long residentBytes, long osCalls)
        implements AllocatorStats {

    @Override
    public String toString() {
        return "BestFitStats[live=" + Bits.bytes(liveBytes) + " in " + liveBlocks + " blocks, free="
                + Bits.bytes(freeBytes) + " in " + freeBlocks + " blocks (largest " + Bits.bytes(largestFreeBlock)
                + "), committed=" + Bits.bytes(committedBytes) + " (peak " + Bits.bytes(peakCommittedBytes)
                + "), resident=" + Bits.bytesOrUnknown(residentBytes) + ", reserved=" + Bits.bytes(reservedBytes)
                + ", osCalls=" + osCalls + "]";
    }
}
