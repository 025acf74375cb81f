package dev.jalloc;

import dev.jalloc.arena.ArenaStats;
import dev.jalloc.heap.BestFitStats;
import dev.jalloc.heap.HeapStats;
import dev.jalloc.vector.VecStats;

/**
 * What every allocator's statistics record says: one immutable snapshot from one {@code stats()} call, with the
 * numbers each kind of allocator adds in its own record. Read on a quiet allocator they are exact; a shared
 * allocator read while other threads work gives each number as it was at some moment of the call.
 *
 * <pre>
 *   reservedBytes        address space held              never charged by the OS until committed
 *     committedBytes     charged by the OS now           purged pages not included
 *       residentBytes    in RAM now (mincore)            touched pages; -1 where the OS cannot tell (Windows)
 *         liveBytes      what the program holds now      payloads, an arena's position, a vector's elements
 *   peakCommittedBytes   the most committed at once so far
 *   osCalls              memory system calls made: reserve, commit, purge, decommit, release, advise
 * </pre>
 * An allocator on an arena's tail holds its memory from the arena: its reserved, committed and resident bytes are
 * its own share, and its peak and its calls are the arena's.
 */
public sealed interface AllocatorStats permits HeapStats, BestFitStats, ArenaStats, VecStats {
    /** {@return the bytes the program holds now} */
    long liveBytes();

    /** {@return the bytes the OS charges for this allocator now} */
    long committedBytes();

    /** {@return the most bytes committed at once so far} */
    long peakCommittedBytes();

    /** {@return the bytes of address space held} */
    long reservedBytes();

    /** {@return the bytes in RAM now, or -1 if the OS cannot tell} */
    long residentBytes();

    /** {@return the memory system calls made so far} */
    long osCalls();
}
