package dev.jalloc.vector;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.internal.util.Bits;

/**
 * How a vector's committed pages follow its size: growing doubles the committed bytes from one page up to the
 * commit step, then a step at a time ({@code committed - live <= max(step, page)}); removals give pages back only
 * when more than two commit steps are committed above the live elements, and then down to one step above them (never
 * below a capacity asked for with {@code ensureCapacity}), so a vector going back and forth around a boundary costs
 * at most one system call per step of change.
 */
final class VecGrowth {
    private VecGrowth() {
    }

    /** Commits so that {@code minCapacity} elements of {@code v} fit. */
    static void growTo(Vec v, long minCapacity) {
        if (minCapacity > v.maxCapacity) {
            throw full(v, minCapacity - v.size);
        }
        long committed = v.region.committedBytes();
        long wanted = Math.max(minCapacity * v.stride, Math.min(2 * committed, committed + v.commitStep));
        v.region.commitTo(Math.min(pageEnd(v, wanted), v.region.reservedBytes()));
        v.capacity = v.region.committedBytes() / v.stride;
    }

    /** {@return the error of a vector whose reservation cannot hold {@code more} elements} */
    static OutOfNativeMemoryError full(Vec v, long more) {
        return new OutOfNativeMemoryError(v.kind + " is full: " + more + " more element(s) asked for, " + v.size
                + " held, at most " + v.maxCapacity + " fit in its reservation of "
                + Bits.bytes(v.region.reservedBytes()) + " (build it with a larger VecBuilder.reserveSize)");
    }

    /** Purges down to one commit step above the live elements if more than two steps are committed above them. */
    static void shrinkIfSlack(Vec v) {
        if (v.capacity - v.size > v.shrinkSlack && v.capacity > v.keptCapacity) {
            purgeAbove(v, pageEnd(v, Math.max(v.size * v.stride + v.commitStep, v.keptCapacity * v.stride)));
        }
    }

    /**
     * {@return {@code bytes} from the region's start, rounded up so that the region ends on a page there}: a region
     * on an arena's tail starts inside a page.
     */
    static long pageEnd(Vec v, long bytes) {
        long address = v.region.address();
        return Bits.roundUp(address + bytes, v.region.pageSize()) - address;
    }

    /** Gives back the committed pages at and above {@code keep}. */
    static void purgeAbove(Vec v, long keep) {
        if (keep < v.region.committedBytes()) {
            v.region.purgeAbove(keep, 0);
            v.capacity = v.region.committedBytes() / v.stride;
        }
    }
}
