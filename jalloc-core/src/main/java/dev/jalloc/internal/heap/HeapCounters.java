package dev.jalloc.internal.heap;

/**
 * The heap's statistics, in one place and counted on slow paths only (refills, flushes, spans, large and huge
 * allocations): the fast paths of {@code allocate} and {@code free} count nothing. A class's live slots are the slots
 * out of its spans less those waiting in its bin's cache, so every number is O(size classes) to read.
 */
public final class HeapCounters {
    /** Per class: slots taken out of spans, into the bin's cache or live. */
    final long[] slotsOut = new long[SizeClasses.COUNT];
    long largeAllocations;
    long largeFrees;
    long largeBytes;
    long hugeAllocations;
    long hugeFrees;
    long hugeBytes;
    long spansMade;
    long spansReleased;
    long refills;
    long flushes;

    void largeAllocated(long bytes) {
        largeAllocations++;
        largeBytes += bytes;
    }

    void largeFreed(long bytes) {
        largeFrees++;
        largeBytes -= bytes;
    }

    void hugeAllocated(long bytes) {
        hugeAllocations++;
        hugeBytes += bytes;
    }

    void hugeFreed(long bytes) {
        hugeFrees++;
        hugeBytes -= bytes;
    }
}
