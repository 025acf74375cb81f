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
 * A thread dies holding blocks while another thread frees them, and the dead thread's cache is adopted at the same
 * moment. Each state has a small heap of its own, so the dead thread's cache is the only one free to adopt.
 *
 * <pre>
 *   adopter (actor 1)                                 freer (actor 2)
 *     start thread T: a0, a1 = allocate (medium),        wait for ready (bounded)
 *       a2 (small, another span); T ends                 free(a0), free(a1), free(a2)   remote to T's cache, which
 *     join T; ready = true                                 is dead: the first heap call of either actor may adopt
 *     b0, b1 = allocate                                    it; a2's free publishes the outbox holding a0, a1
 *       adopts T's cache (or makes its own if the freer adopted it first); a refill drains T's pending stack
 *   arbiter: check(); b0 != b1, free(b0), free(b1) succeed; liveAllocations() == 0; check(); close
 * </pre>
 * The blocks are {@value Blocks#MEDIUM} bytes, a class whose cache starts with a fill of one slot, so T's cache of
 * their class holds at most one slot when T dies and the adopter's second allocation at the latest runs a refill. If
 * the freer adopts T's cache its frees are the owner's own (into the cache); if the adopter does, they are remote
 * frees, gathered in the freer's outbox and published by its free of {@code a2} (a block of another span), racing
 * the adopter's drain.
 *
 * <p>Results: {@code r1} the freer's frees that succeeded (2), or -1 if it gave up waiting for {@code ready} (the
 * thread start took more than {@value Blocks#WAIT_MILLIS} ms; the arbiter frees {@code a0, a1, a2} then); {@code r2}
 * how many of {@code b0, b1} are {@code a0} or {@code a1}; {@code r3} the arbiter's verdict ({@link Blocks}: 0
 * fine, 1 handed out twice, 2 a live block's free refused, 3 live count wrong, 4 {@code check()} failed, 5 thread T
 * threw).
 */
@JCStressTest
@Outcome(id = "2, 0, 0", expect = ACCEPTABLE,
        desc = "Both frees succeeded; the adopter's blocks came from elsewhere; the heap was consistent and empty "
                + "after the arbiter.")
@Outcome(id = "2, [12], 0", expect = ACCEPTABLE_INTERESTING,
        desc = "The adopter took over the dead thread's cache, drained the freer's remote frees and handed the freed "
                + "blocks out again; the heap was consistent and empty after the arbiter.")
@Outcome(id = "-1, 0, 0", expect = ACCEPTABLE,
        desc = "The freer gave up waiting for the dead thread's blocks (a slow thread start) and the arbiter freed "
                + "them; the heap was consistent and empty after the arbiter.")
@Outcome(expect = FORBIDDEN,
        desc = "A free of a live block was refused (r1 = 0 or 1, r3 = 2), a block was handed out twice (r3 = 1), the "
                + "heap failed check() as the actors left it or once emptied (r3 = 4), the emptied heap counted live "
                + "allocations (r3 = 3), a block came back that was never freed (r1 = -1, r2 > 0), or thread T threw "
                + "(r3 = 5).")
@State
public class AbandonTest {
    final Heap heap = Blocks.smallHeap();
    /** The dying thread's blocks, or what it threw: written by it, read by the freer after ready and the arbiter. */
    long a0;
    long a1;
    /** Another span's block: its remote free publishes the outbox holding {@code a0, a1}. */
    long a2;
    /** Whether the freer's free of {@code a2} succeeded. */
    boolean freedA2;
    Throwable died;
    /** The adopter's hand-over, after the dying thread's join. */
    volatile boolean ready;
    /** The adopter's blocks: read by the arbiter. */
    long b0;
    long b1;
    /** The freer's successful frees, or -1 if it gave up waiting. */
    int freed;

    @Actor
    public void adopter() {
        Thread t = Thread.ofPlatform().name("jalloc-abandon").start(() -> {
            try {
                a0 = heap.allocateAddressNoInit(Blocks.MEDIUM, Blocks.ALIGN);
                a1 = heap.allocateAddressNoInit(Blocks.MEDIUM, Blocks.ALIGN);
                a2 = heap.allocateAddressNoInit(Blocks.SMALL, Blocks.ALIGN);
            } catch (RuntimeException | Error e) {
                died = e;
            }
        });
        joinUninterruptibly(t);
        ready = true;
        b0 = heap.allocateAddressNoInit(Blocks.MEDIUM, Blocks.ALIGN);
        b1 = heap.allocateAddressNoInit(Blocks.MEDIUM, Blocks.ALIGN);
    }

    @Actor
    public void freer() {
        long deadline = System.nanoTime() + Blocks.WAIT_NANOS;
        while (!ready) {
            if (System.nanoTime() - deadline > 0) {
                freed = -1;
                return;
            }
            Thread.onSpinWait();
        }
        freed = (Blocks.tryFree(heap, a0) ? 1 : 0) + (Blocks.tryFree(heap, a1) ? 1 : 0);
        freedA2 = Blocks.tryFree(heap, a2);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        try {
            r.r1 = freed;
            r.r2 = Blocks.oneOf(b0, a0, a1) + Blocks.oneOf(b1, a0, a1);
            r.r3 = judge();
        } finally {
            heap.close();
        }
    }

    private int judge() {
        if (died != null) {
            Blocks.report("thread T threw: " + died);
            return Blocks.THREAD_FAILED;
        }
        // First as the actors left it: a free of the arbiter's could push a span whose push was lost.
        if (Blocks.check(heap) != Blocks.OK) {
            return Blocks.CHECK_FAILED;
        }
        if (b0 == b1) {
            return Blocks.HANDED_OUT_TWICE;
        }
        boolean live = Blocks.tryFree(heap, b0) & Blocks.tryFree(heap, b1);
        if (freed < 0) {
            live &= Blocks.tryFree(heap, a0) & Blocks.tryFree(heap, a1) & Blocks.tryFree(heap, a2);
        } else {
            live &= freedA2;
        }
        return live ? Blocks.checkEmpty(heap) : Blocks.LIVE_FREE_REFUSED;
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
