package dev.jalloc.internal.heap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One span of the shared heap (a slab, a pool, or a large payload's pages) with its metadata, all out of band: a
 * Java object found from an address by {@link SpanDirectory}, owned for its whole life by one {@link ThreadCache}.
 *
 * <pre>
 *   span [slot 0][slot 1][slot 2] ...            slot i starts at start + i * size  (a large span: one slot)
 *   live[i]     1 while slot i is allocated      plain store by the owner at allocation; every free is a
 *                                                compare-and-set 1 -> 0, from any thread: the one that wins frees it
 *   avail       bit i: slot i is free, in no cache and on no remote list      owner only, plain
 *   used        slots not in avail: live, cached, or freed remotely and not yet drained      owner only
 *   remote      bit i: freed by another thread, not yet drained       getAndBitwiseOr by the freeing thread
 *               (a word's frees gathered first in its cache's outbox), getAndSet(0) a word at a time by the owner
 *   pending     1 while the span is on its owner's pending stack (nextPending links it): set 0 -> 1 by the
 *               remote free that pushes it, set back to 0 by the owner's drain before it reads the remote words
 * </pre>
 * A released span is never reused: its {@code live} bytes stay 0, so a stale free of one of its addresses fails its
 * compare-and-set and is refused, whatever the directory holds by then.
 */
final class SharedSpan extends SharedSpanFields.RemotePadded {
    static final VarHandle LIVE = MethodHandles.arrayElementVarHandle(byte[].class);
    static final VarHandle REMOTE = MethodHandles.arrayElementVarHandle(long[].class);
    static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(SharedSpanFields.Remote.class, "pending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The class of a large span: one slot of whole pages. */
    static final int LARGE = -1;

    /** Written only by the span's owner, on lines of their own (SharedSpanFields). */
    int used;
    SharedSpan nextPartial;
    SharedSpan prevPartial;
    boolean onPartial;
    boolean released;
    /** Empty, and kept by its owner for its next refill instead of going back (see ThreadCache's empty spans). */
    boolean keptEmpty;
    /** The owner's collection period in which it was kept empty. */
    int keptIn;
    /** In the owner's queue of empty spans (at most once). */
    boolean inEmpties;

    /** A slab or pool of class {@code cls}, every slot available. */
    SharedSpan(ThreadCache owner, int cls, int firstPage, long pages) {
        super(owner, cls, firstPage, pages);
        if (cls != LARGE) {
            for (int i = 0; i < slots; i++) {
                avail[i >>> 6] |= 1L << i;
            }
        }
    }

    boolean isLarge() {
        return cls == LARGE;
    }

    /** {@return the slot starting at heap offset {@code off}, or -1 if no slot starts there} */
    int slotAt(long off) {
        long rel = off - start;
        if (cls == LARGE) {
            return rel == 0 ? 0 : -1;
        }
        if (rel < 0 || rel >= (long) slots * size) {
            return -1;
        }
        int i = SlotMath.divide(rel, reciprocal);
        return (long) i * size == rel ? i : -1;
    }

    /** {@return the heap offset of slot {@code i}} */
    long offsetOf(int i) {
        return start + (long) i * size;
    }

    /** Marks slot {@code i} allocated: only its owner's cache hands a slot out, and nobody else writes a free slot. */
    void markLive(int i) {
        live[i] = 1;
    }

    /** {@return whether this call freed slot {@code i}: false if it was not allocated (or another free won)} */
    boolean claimFree(int i) {
        return LIVE.compareAndSet(live, i, (byte) 1, (byte) 0);
    }

    /** {@return whether slot {@code i} is allocated right now} */
    boolean isLive(int i) {
        return (byte) LIVE.getOpaque(live, i) == 1;
    }

    /**
     * Records that another thread freed the slots of {@code bits} in remote word {@code w} (each already claimed).
     * {@return whether the span must be pushed on its owner's pending stack: it was not on it}
     */
    boolean remoteFree(int w, long bits) {
        REMOTE.getAndBitwiseOr(remote, w, bits);
        return pending == 0 && PENDING.compareAndSet(this, 0, 1);
    }

    /**
     * The owner takes the slots freed remotely back into {@code avail}: first off the pending stack (so that a
     * remote free landing after it pushes the span again), then each word atomically emptied. {@return how many}
     */
    int drainRemote() {
        pending = 0;
        int n = 0;
        for (int w = 0; w < remote.length; w++) {
            if ((long) REMOTE.getVolatile(remote, w) != 0) {   // after the volatile write above: a 0 here
                                                                // means the remote free will see pending == 0
                long bits = (long) REMOTE.getAndSet(remote, w, 0L);
                avail[w] |= bits;
                n += Long.bitCount(bits);
            }
        }
        used -= n;
        return n;
    }

    /** {@return whether some slot is available} */
    boolean hasAvailable() {
        for (long w : avail) {
            if (w != 0) {
                return true;
            }
        }
        return false;
    }
}
