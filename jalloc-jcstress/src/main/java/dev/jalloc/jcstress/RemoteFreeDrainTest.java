package dev.jalloc.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.jalloc.heap.Heap;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Remote frees against the owner's drain: the owner allocates two blocks and hands them to the freer, with a third
 * from another span, then allocates two more while the freer frees the first two and then the third. The blocks
 * are {@value Blocks#MEDIUM} bytes, a class whose cache starts with a fill of one slot, so the owner's next two
 * allocations run at least one refill, which drains the owner's pending stack. The freer's frees of {@code p0, p1}
 * gather in its outbox (one remote word); its free of {@code p2}, in another span, publishes them: the freer's
 * bit-set, pending flag and push race the owner's take-all, flag reset and word swaps, and a slot the freer freed
 * may come back to the owner within the state.
 *
 * <pre>
 *   owner (actor 1)                                freer (actor 2)
 *     p0, p1 = allocate (medium), p2 (small)         its own cache made (a small block allocated and freed)
 *     ready = true                                   wait for ready (bounded)
 *     b0 = allocate       (maybe a refill: drain)    free(p0), free(p1)   remote: live CAS, into the outbox
 *     b1 = allocate       (maybe a refill: drain)    free(p2)   publishes them: bits, pending 0 -> 1, push
 *   arbiter: b0 != b1, free(b0) and free(b1) succeed
 *            OwnHeap: check() before those frees; liveAllocations() == 0 and check() after them
 * </pre>
 *
 * <p>Results: {@code r1} the freer's frees of {@code p0, p1} that succeeded (2), or -1 if it gave up waiting for
 * {@code ready} ({@value Blocks#WAIT_MILLIS} ms: the owner was descheduled; the arbiter frees {@code p0, p1, p2}
 * then); {@code r2} how many of {@code b0, b1} are {@code p0} or {@code p1} (handed out again after the remote
 * free); {@code r3} the arbiter's verdict ({@link Blocks}: 0 fine, 1 handed out twice, 2 a live block's free
 * refused (the freer's free of {@code p2} included), 3 live count wrong, 4 {@code check()} failed).
 */
public final class RemoteFreeDrainTest {
    private RemoteFreeDrainTest() {
    }

    /** The state and the two roles, shared by the two tests below. */
    abstract static class Round {
        final Heap heap;
        /** The owner's blocks: {@code p0, p1} handed to the freer, {@code b0, b1} kept; read by the arbiter. */
        long p0;
        long p1;
        /** Another span's block: its remote free publishes the outbox holding {@code p0, p1}. */
        long p2;
        /** Whether the freer's free of {@code p2} succeeded: written by the freer's actor, read by the arbiter. */
        boolean freedP2;
        long b0;
        long b1;
        /** The owner's hand-over: {@code p0, p1} are written before it. */
        volatile boolean ready;
        /** The freer's successful frees, or -1: written by the freer's actor, read by the arbiter. */
        int freed;

        Round(Heap heap) {
            this.heap = heap;
        }

        void owner() {
            p0 = heap.allocateAddressNoInit(Blocks.MEDIUM, Blocks.ALIGN);
            p1 = heap.allocateAddressNoInit(Blocks.MEDIUM, Blocks.ALIGN);
            p2 = heap.allocateAddressNoInit(Blocks.SMALL, Blocks.ALIGN);
            ready = true;
            b0 = heap.allocateAddressNoInit(Blocks.MEDIUM, Blocks.ALIGN);
            b1 = heap.allocateAddressNoInit(Blocks.MEDIUM, Blocks.ALIGN);
        }

        void freer() {
            // The freer's cache must exist before the hand-over: a thread's first call on a heap makes it under the
            // heap's lock, which would delay the remote frees past the owner's drains.
            heap.free(heap.allocateAddressNoInit(Blocks.SMALL, Blocks.ALIGN));
            long deadline = System.nanoTime() + Blocks.WAIT_NANOS;
            while (!ready) {
                if (System.nanoTime() - deadline > 0) {
                    freed = -1;
                    return;
                }
                Thread.onSpinWait();
            }
            freed = (Blocks.tryFree(heap, p0) ? 1 : 0) + (Blocks.tryFree(heap, p1) ? 1 : 0);
            freedP2 = Blocks.tryFree(heap, p2);
        }

        /** Fills {@code r} and frees what is still live; {@return the verdict so far} */
        int judge(III_Result r) {
            r.r1 = freed;
            r.r2 = Blocks.oneOf(b0, p0, p1) + Blocks.oneOf(b1, p0, p1);
            if (b0 == b1) {
                return Blocks.HANDED_OUT_TWICE;
            }
            boolean live = Blocks.tryFree(heap, b0) & Blocks.tryFree(heap, b1);
            if (freed < 0) {
                live &= Blocks.tryFree(heap, p0) & Blocks.tryFree(heap, p1) & Blocks.tryFree(heap, p2);
            } else {
                live &= freedP2;
            }
            return live ? Blocks.OK : Blocks.LIVE_FREE_REFUSED;
        }
    }

    /**
     * One heap for the whole run: the owner's cache and spans are warm (other states' blocks live beside these), and
     * neither side takes the heap's lock but to make a span now and then. The verdict covers the state's own blocks
     * only: other states work on the heap while an arbiter runs.
     */
    @JCStressTest
    @Outcome(id = "2, 0, 0", expect = ACCEPTABLE,
            desc = "Both remote frees succeeded; the owner's refills ran before they landed, or drained them and took "
                    + "other slots first.")
    @Outcome(id = "2, [12], 0", expect = ACCEPTABLE_INTERESTING,
            desc = "The owner's refill drained a remote free that raced with it and handed the freed block out again.")
    @Outcome(id = "-1, 0, 0", expect = ACCEPTABLE,
            desc = "The freer gave up waiting for the hand-over (the owner was descheduled); the arbiter freed all.")
    @Outcome(expect = FORBIDDEN,
            desc = "A free of a live block was refused (r1 = 0 or 1, r3 = 2), a block was handed out twice (r3 = 1), "
                    + "or a block came back that was never freed (r1 = -1, r2 > 0).")
    @State
    public static class WarmHeap extends Round {
        static final Heap HEAP = Heap.ofShared();

        public WarmHeap() {
            super(HEAP);
        }

        @Actor
        public void actor1() {
            owner();
        }

        @Actor
        public void actor2() {
            freer();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = judge(r);
        }
    }

    /**
     * A small heap per state: nothing else touches it while the state has it, so the heap must pass {@code check()}
     * as the actors left it, and once the arbiter has freed every block it must count no live allocation and pass
     * {@code check()} again (a remote free lost, drained twice, or left off the pending stack breaks one of them).
     * A heap that passes goes back to a pool for a later state (making one per state costs an mmap, a munmap and the
     * caches' first calls under the lock, and would leave few states per second); one that fails is closed. In a
     * reused heap the caches of the actor threads of earlier iterations are dead, and are adopted.
     */
    @JCStressTest
    @Outcome(id = "2, 0, 0", expect = ACCEPTABLE,
            desc = "Both remote frees succeeded; the owner's refills ran before they landed, or drained them and took "
                    + "other slots first; the heap was consistent and empty after the arbiter.")
    @Outcome(id = "2, [12], 0", expect = ACCEPTABLE_INTERESTING,
            desc = "The owner's refill drained a remote free that raced with it and handed the freed block out "
                    + "again; the heap was consistent and empty after the arbiter.")
    @Outcome(id = "-1, 0, 0", expect = ACCEPTABLE,
            desc = "The freer gave up waiting for the hand-over (the owner was descheduled); the arbiter freed all; "
                    + "the heap was consistent and empty after it.")
    @Outcome(expect = FORBIDDEN,
            desc = "A free of a live block was refused (r1 = 0 or 1, r3 = 2), a block was handed out twice (r3 = 1), "
                    + "the heap failed check() as the actors left it or once emptied (r3 = 4), the emptied heap "
                    + "counted live allocations (r3 = 3), or a block came back that was never freed (r1 = -1, r2 > 0).")
    @State
    public static class OwnHeap extends Round {
        public OwnHeap() {
            super(Blocks.pooledHeap());
        }

        @Actor
        public void actor1() {
            owner();
        }

        @Actor
        public void actor2() {
            freer();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            boolean empty = false;
            try {
                // First as the actors left it: a free of the arbiter's could push a span whose push was lost.
                int before = Blocks.check(heap);
                int verdict = judge(r);
                r.r3 = before != Blocks.OK ? before : verdict != Blocks.OK ? verdict : Blocks.checkEmpty(heap);
                empty = r.r3 == Blocks.OK;   // checked empty: live count 0, check() passed
            } finally {
                if (empty) {
                    Blocks.reuse(heap);
                } else {
                    heap.close();
                }
            }
        }
    }
}
