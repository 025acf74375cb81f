package dev.jalloc.heap;

/**
 * One size class of a {@link HeapStats}: how many of its slots are live, how many wait in caches, and how many
 * slabs or pools hold them.
 *
 * @param index       the class's index (see {@link Heap#sizeClasses()})
 * @param size        the bytes of each slot
 * @param liveBlocks  slots allocated and not freed
 * @param cachedSlots free slots waiting in caches (a thread's, for a shared heap) for the next allocation
 * @param spans       slabs or pools of the class
 */
public record SizeClassStats(int index, long size, long liveBlocks, long cachedSlots, long spans) {
    /** {@return the bytes of the live slots} */
    public long liveBytes() {
        return liveBlocks * size;
    }
}
