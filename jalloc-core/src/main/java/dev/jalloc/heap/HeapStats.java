package dev.jalloc.heap;

import dev.jalloc.AllocatorStats;
import dev.jalloc.internal.util.Bits;
import java.util.List;

/**
 * A snapshot of a {@link Heap}, from one {@link Heap#stats()} call in O(size classes + threads' caches):
 * ({@link AllocatorStats} defines the common numbers).
 *
 * <pre>
 *   committedBytes = pages in spans (slabs, pools, large, cached) + free pages not purged + huge mappings
 *   liveBytes      = sum over classes of liveBlocks * size + large pages handed out + huge mappings
 * </pre>
 * A hardened heap's guard pages after slabs and pools ({@link HeapBuilder#guardSlabInterval}) are reserved address
 * space only: in {@code reservedBytes}, neither committed nor free ({@link HeapPicture} draws them as
 * {@link HeapPicture.Kind#GUARD}).
 *
 * @param shared             whether it is a shared heap
 * @param liveBytes          usable bytes of every live allocation
 * @param liveBlocks         live allocations
 * @param committedBytes     bytes charged by the OS: the heap's footprint
 * @param peakCommittedBytes the most footprint so far
 * @param reservedBytes      address space of its region (huge mappings not included)
 * @param residentBytes      bytes in RAM, or -1 if the OS cannot tell
 * @param freePages          4 KiB pages in free spans of the committed prefix, purged or not
 * @param purgedPages        of those, pages given back to the OS (they read as zero and cost nothing)
 * @param purges             decays and trims that purged pages
 * @param classes            every size class, in index order
 * @param largeBlocks        live large payloads (whole pages, up to 16 MiB)
 * @param largeBytes         their bytes
 * @param hugeBlocks         live huge payloads (a mapping each)
 * @param hugeBytes          their bytes
 * @param remoteFrees        frees of slots another thread's cache owns (0 for a confined heap)
 * @param threadCaches       caches of platform threads made so far (0 for a confined heap)
 * @param osCalls            memory system calls (the arena's, on an arena's tail; huge mappings' included)
 */
public record HeapStats(boolean shared, long liveBytes, long liveBlocks, long committedBytes,
        long peakCommittedBytes, long reservedBytes, long residentBytes, long freePages, long purgedPages,
        long purges, List<SizeClassStats> classes, long largeBlocks, long largeBytes, long hugeBlocks,
        long hugeBytes, long remoteFrees, int threadCaches, long osCalls) implements AllocatorStats {

    /**
     * Makes a record; {@code classes} is copied.
     *
     * @throws NullPointerException if {@code classes} is null
     */
    public HeapStats {
        classes = List.copyOf(classes);
    }

    /** {@return free slots waiting in caches, over every class} */
    public long cachedSlots() {
        long n = 0;
        for (SizeClassStats c : classes) {
            n += c.cachedSlots();
        }
        return n;
    }

    /** {@return the share of the footprint not holding live allocations: {@code 1 - liveBytes / committedBytes}} */
    public double fragmentation() {
        return committedBytes == 0 ? 0 : 1 - (double) liveBytes / committedBytes;
    }

    /**
     * {@return the numbers on a few lines, then one line per size class that has live, cached or span memory}
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append("HeapStats[").append(shared ? "shared" : "confined").append("]\n");
        b.append(String.format("  live       %s in %d blocks (fragmentation %.1f %%)%n", Bits.bytes(liveBytes),
                liveBlocks, 100 * fragmentation()));
        b.append(String.format("  committed  %s (peak %s), resident %s, reserved %s%n", Bits.bytes(committedBytes),
                Bits.bytes(peakCommittedBytes), Bits.bytesOrUnknown(residentBytes), Bits.bytes(reservedBytes)));
        b.append(String.format("  pages      %d free, %d of them purged; %d purges; %d OS calls%n", freePages,
                purgedPages, purges, osCalls));
        b.append(String.format("  large      %d blocks, %s; huge %d blocks, %s%n", largeBlocks,
                Bits.bytes(largeBytes), hugeBlocks, Bits.bytes(hugeBytes)));
        if (shared) {
            b.append(String.format("  threads    %d caches, %d remote frees%n", threadCaches, remoteFrees));
        }
        b.append("  class      size       live     cached      spans\n");
        for (SizeClassStats c : classes) {
            if (c.liveBlocks() != 0 || c.cachedSlots() != 0 || c.spans() != 0) {
                b.append(String.format("  %5d %9d %10d %10d %10d%n", c.index(), c.size(), c.liveBlocks(),
                        c.cachedSlots(), c.spans()));
            }
        }
        return b.toString();
    }
}
