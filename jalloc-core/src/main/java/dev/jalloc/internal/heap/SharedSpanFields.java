package dev.jalloc.internal.heap;

/**
 * The fields of a {@link SharedSpan}, laid out by class so that the three kinds of writer never share a cache line.
 * HotSpot places a superclass's fields first, each class's longs before its ints and references, fills holes left
 * in a superclass with a subclass's smaller fields, and puts a subclass's references right after its superclass's;
 * so every group below ends on 8 bytes (no hole a later field could fill), and eight longs in a class of their own
 * keep each written group 64 bytes or more from the others (checked with {@code Unsafe.objectFieldOffset}). Offsets
 * measured on Temurin 25 (compressed class pointers and oops, 12-byte header):
 *
 * <pre>
 *    12 ..  71   SharedSpanFields   read by every free, written once (owner, class, geometry, the three arrays)
 *    72 .. 135   Padded             eight longs
 *   136 .. 199   Remote             eight longs, then
 *   200 .. 207                      pending, nextPending: compare-and-set by remote frees
 *   208 .. 271   RemotePadded       eight longs
 *   272 .. 299   SharedSpan         used, partial links, flags: written by the owner only
 * </pre>
 * Without it, a remote free's compare-and-set of {@code pending} took the line holding the owner's {@code used}
 * away from the owner, and every owner write took the line of {@code size} and {@code live} away from the freeing
 * thread. The fields every free reads and nobody writes after construction come first.
 */
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
    /** Ends the group on 8 bytes: the hole would take {@code pending}. */
    @SuppressWarnings("unused")
    private int fill;

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

    /**
     * Eight longs between the fields every free reads and the remote group, in a class of their own: without it
     * HotSpot puts {@code nextPending} and {@code pending} right after {@code remote}, on the read-only line.
     */
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

    /**
     * Eight longs after the remote group, in a class of their own: the owner's references would otherwise be put
     * right after {@code nextPending} (HotSpot keeps a subclass's references next to its superclass's).
     */
    abstract static class RemotePadded extends Remote {
        @SuppressWarnings("unused")
        private long z0, z1, z2, z3, z4, z5, z6, z7;

        RemotePadded(ThreadCache owner, int cls, int firstPage, long pages) {
            super(owner, cls, firstPage, pages);
        }
    }
}
