package dev.jalloc.vector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Sorting of the primitive vectors: runs of up to {@link Vec#SORT_RUN} elements through a heap array and the kind's
 * {@code Arrays.sort} (the JDK's dual-pivot quicksort beats anything written against segment accessors), then, for
 * longer vectors, a bottom-up merge of the runs through a native buffer, ordered by the kind's signed sort key (for
 * doubles, one that matches {@code Double.compare}).
 */
final class VecSort {
    private VecSort() {
    }

    /** Sorts the live elements of {@code v} in runs of {@code run} elements, then merges them. */
    static void sort(Vec v, long run) {
        long n = v.size;
        long stride = v.stride;
        for (long from = 0; from < n; from += run) {
            v.sortRun(from, Math.min(n, from + run));
        }
        if (n <= run) {
            return;
        }
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment buffer = scratch.allocate(n * stride, stride);
            MemorySegment source = v.all;
            MemorySegment target = buffer;
            for (long width = run; width < n; width *= 2) {
                for (long lo = 0; lo < n; lo += 2 * width) {
                    merge(v, source, target, lo, Math.min(lo + width, n), Math.min(lo + 2 * width, n));
                }
                MemorySegment t = source;
                source = target;
                target = t;
            }
            if (source != v.all) {
                MemorySegment.copy(source, 0, v.all, 0, n * stride);
            }
        }
    }

    private static void merge(Vec v, MemorySegment source, MemorySegment target, long lo, long mid, long hi) {
        long stride = v.stride;
        long i = lo;
        long j = mid;
        long k = lo;
        while (i < mid && j < hi) {
            long take = v.sortKey(source, j * stride) < v.sortKey(source, i * stride) ? j++ : i++;
            copyBits(stride, source, take * stride, target, k++ * stride);
        }
        MemorySegment.copy(source, i * stride, target, k * stride, (mid - i) * stride);
        k += mid - i;
        MemorySegment.copy(source, j * stride, target, k * stride, (hi - j) * stride);
    }

    private static void copyBits(long stride, MemorySegment source, long sourceOffset, MemorySegment target,
            long targetOffset) {
        if (stride == Long.BYTES) {
            target.set(ValueLayout.JAVA_LONG, targetOffset, source.get(ValueLayout.JAVA_LONG, sourceOffset));
        } else {
            target.set(ValueLayout.JAVA_INT, targetOffset, source.get(ValueLayout.JAVA_INT, sourceOffset));
        }
    }
}
