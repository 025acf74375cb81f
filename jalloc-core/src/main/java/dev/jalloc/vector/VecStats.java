package dev.jalloc.vector;

import dev.jalloc.AllocatorStats;
import dev.jalloc.internal.util.Bits;

/**
 * A snapshot of a {@link Vec}: its elements, its capacity, and what it holds from the OS ({@link AllocatorStats}
 * defines the common numbers).
 *
 * @param size               elements
 * @param capacity           elements the committed memory holds
 * @param liveBytes          bytes of the elements: {@code size} times the element stride
 * @param committedBytes     bytes charged by the OS
 * @param peakCommittedBytes the most committed at once (the arena's, on an arena's tail)
 * @param reservedBytes      address space held: the most it can ever grow to
 * @param residentBytes      bytes in RAM, or -1 if the OS cannot tell
 * @param osCalls            memory system calls (the arena's, on an arena's tail)
 */
public record VecStats(long size, long capacity, long liveBytes, long committedBytes, long peakCommittedBytes,
        long reservedBytes, long residentBytes, long osCalls) implements AllocatorStats {

    @Override
    public String toString() {
        return "VecStats[size=" + size + ", capacity=" + capacity + ", live=" + Bits.bytes(liveBytes)
                + ", committed=" + Bits.bytes(committedBytes) + " (peak " + Bits.bytes(peakCommittedBytes)
                + "), resident=" + Bits.bytesOrUnknown(residentBytes) + ", reserved="
                + Bits.bytes(reservedBytes) + ", osCalls=" + osCalls + "]";
    }
}
