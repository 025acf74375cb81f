package dev.jalloc.internal.heap;

/**
 * The heap's counters for its slow paths, in one place: allocations, frees and live bytes of large ({@link
 * SizeClasses#COUNT}) and huge ({@code COUNT + 1}) payloads. Slots are counted by the engine itself (their bytes on
 * the hot path, their numbers from the spans on demand). Live bytes are usable sizes, not what callers asked for.
 */
public final class HeapStats {
    private final long[] allocations = new long[SizeClasses.COUNT + 2];
    private final long[] frees = new long[SizeClasses.COUNT + 2];
    private long liveBytes;
    private long hugeBytes;

    void allocated(int index, long bytes) {
        allocations[index]++;
        liveBytes += bytes;
        if (index == SizeClasses.COUNT + 1) {
            hugeBytes += bytes;
        }
    }

    void freed(int index, long bytes) {
        frees[index]++;
        liveBytes -= bytes;
        if (index == SizeClasses.COUNT + 1) {
            hugeBytes -= bytes;
        }
    }

    void resized(long oldBytes, long newBytes) {
        liveBytes += newBytes - oldBytes;
    }

    /** {@return the usable bytes of every live allocation} */
    public long liveBytes() {
        return liveBytes;
    }

    /** {@return the bytes of live huge mappings} */
    public long hugeBytes() {
        return hugeBytes;
    }

    /** {@return allocations made in class {@code index} (or large, huge) since the heap was made} */
    public long allocations(int index) {
        return allocations[index];
    }

    /** {@return live allocations in class {@code index} (or large, huge)} */
    public long live(int index) {
        return allocations[index] - frees[index];
    }

}
