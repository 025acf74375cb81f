package dev.jalloc.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.jalloc.heap.Heap;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

/**
 * Two threads free the same block at once: of the two compare-and-sets on the slot's live byte exactly one wins, and
 * the loser gets {@code IllegalArgumentException}. {@code r1} and {@code r2}: whether actor 1's and actor 2's free
 * succeeded.
 *
 * <p>The block is allocated by the thread that builds the state, so depending on the state one actor's free is the
 * owner's (the slot goes back into its cache) and the other's is remote (into the freer's outbox), or both are
 * remote: every pairing of the two paths races.
 */
public final class DoubleFreeTest {
    private DoubleFreeTest() {
    }

    /** A slot of a small slab: the loser's compare-and-set on the live byte fails, and its free is refused. */
    @JCStressTest
    @Outcome(id = "true, false", expect = ACCEPTABLE, desc = "Actor 1's free won, actor 2's was refused.")
    @Outcome(id = "false, true", expect = ACCEPTABLE, desc = "Actor 2's free won, actor 1's was refused.")
    @Outcome(id = "true, true", expect = FORBIDDEN, desc = "Both frees succeeded: the block was freed twice.")
    @Outcome(id = "false, false", expect = FORBIDDEN, desc = "Both frees were refused: a live block was lost.")
    @State
    public static class Small {
        static final Heap HEAP = Heap.ofShared();
        final long block = HEAP.allocateAddressNoInit(Blocks.SMALL, Blocks.ALIGN);

        @Actor
        public void actor1(ZZ_Result r) {
            r.r1 = Blocks.tryFree(HEAP, block);
        }

        @Actor
        public void actor2(ZZ_Result r) {
            r.r2 = Blocks.tryFree(HEAP, block);
        }
    }

    /**
     * A large payload (whole pages): the winner of the compare-and-set then keeps the span in its thread's cache of
     * large spans (or, when that is full, takes the heap's lock to give the pages back and clear the directory, which
     * the loser may read before or after).
     */
    @JCStressTest
    @Outcome(id = "true, false", expect = ACCEPTABLE, desc = "Actor 1's free won, actor 2's was refused.")
    @Outcome(id = "false, true", expect = ACCEPTABLE, desc = "Actor 2's free won, actor 1's was refused.")
    @Outcome(id = "true, true", expect = FORBIDDEN, desc = "Both frees succeeded: the pages were freed twice.")
    @Outcome(id = "false, false", expect = FORBIDDEN, desc = "Both frees were refused: a live payload was lost.")
    @State
    public static class Large {
        static final Heap HEAP = Heap.ofShared();
        final long block = HEAP.allocateAddressNoInit(Blocks.LARGE, Blocks.ALIGN);

        @Actor
        public void actor1(ZZ_Result r) {
            r.r1 = Blocks.tryFree(HEAP, block);
        }

        @Actor
        public void actor2(ZZ_Result r) {
            r.r2 = Blocks.tryFree(HEAP, block);
        }
    }
}
