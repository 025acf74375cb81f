package dev.jalloc.internal.heap;

/**
 * The fields of a {@link SharedSpan}, laid out by class so that the three kinds of writer never share a cache line
 * (a superclass's fields come first in the object, and eight longs pad each group):
 *
 * <pre>
 *   [header | SharedSpanFields: read by every free, written once | pad 64 B]
 *   [Remote: pending, nextPending: compare-and-set by remote frees | pad 64 B]
 *   [SharedSpan: used, partial links, flags: written by the owner only | pad 64 B]
 * </pre>
 * Without it, a remote free's compare-and-set of {@code pending} took the line holding the owner's {@code used} away
 * from the owner, and every owner write took the line of {@code size} and {@code live} away from the freeing thread.
 */
/** The fields every free reads and nobody writes after construction, first in the object. */
abstract class SharedSpanFields {
    final ThreadCache owner;
    final int cls;
    /** Offset of the first slot in the heap's region. */
    final long start;
    final int firstPage;
    final long pages;
    final int size;
    final int slots;
    final long reciprocal;
    final byte[] live;
    final long[] avail;
    final long[] remote;

    SharedSpanFields(ThreadCache owner, int cls, int firstPage, long pages) {
        this.owner = owner;
        this.cls = cls;
        this.firstPage = firstPage;
        this.pages = pages;
        this.start = (long) firstPage << PageStore.PAGE_SHIFT;
        if (cls == SharedSpan.LARGE) {
            this.size = 0;
            this.slots = 1;
            this.reciprocal = 0;
        } else {
            this.size = SizeClasses.size(cls);
            this.slots = (int) ((pages << PageStore.PAGE_SHIFT) / size);
            this.reciprocal = SlotMath.reciprocal(size);
        }
        this.live = new byte[slots];
        int words = (slots + 63) >>> 6;
        this.avail = new long[words];
        this.remote = new long[words];
    }

    abstract static class Padded extends SharedSpanFields {
        @SuppressWarnings("unused")
        private long p0, p1, p2, p3, p4, p5, p6, p7;

        Padded(ThreadCache owner, int cls, int firstPage, long pages) {
            super(owner, cls, firstPage, pages);
        }
    }

    /** Written by remote frees: a cache line of its own. */
    abstract static class Remote extends Padded {
        volatile int pending;
        SharedSpan nextPending;
        @SuppressWarnings("unused")
        private long r0, r1, r2, r3, r4, r5, r6, r7;

        Remote(ThreadCache owner, int cls, int firstPage, long pages) {
            super(owner, cls, firstPage, pages);
        }
    }
}
