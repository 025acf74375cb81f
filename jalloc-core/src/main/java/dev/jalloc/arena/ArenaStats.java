package dev.jalloc.arena;

import dev.jalloc.AllocatorStats;
import dev.jalloc.internal.util.Bits;

/**
 * A snapshot of a {@link LinearArena}: its position and blocks, and what it holds from the OS
 * ({@link AllocatorStats} defines the common numbers). Memory the caller gave the arena is counted in neither
 * committed, resident nor reserved bytes: jalloc does not hold it from the OS.
 *
 * @param liveBytes          the arena's position: bytes pushed and not popped (alignment padding included)
 * @param blocks             blocks in its chain, the current one included
 * @param committedBytes     bytes charged by the OS, what lives on its tail included
 * @param peakCommittedBytes the most committed at once
 * @param reservedBytes      address space held
 * @param residentBytes      bytes in RAM, or -1 if the OS cannot tell
 * @param osCalls            memory system calls
 */
public record ArenaStats(long liveBytes, int blocks, long committedBytes, long peakCommittedBytes,
        long reservedBytes, long residentBytes, long osCalls) implements AllocatorStats {

    @Override
    public String toString() {
        return "ArenaStats[pos=" + Bits.bytes(liveBytes) + ", blocks=" + blocks + ", committed="
                + Bits.bytes(committedBytes) + " (peak " + Bits.bytes(peakCommittedBytes) + "), resident="
                + Bits.bytesOrUnknown(residentBytes) + ", reserved="
                + Bits.bytes(reservedBytes) + ", osCalls=" + osCalls + "]";
    }
}
