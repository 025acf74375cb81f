package dev.jalloc.jcstress;

import dev.jalloc.heap.Heap;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the tests share: block sizes, a free that reports instead of throwing, the small heaps a state may own (new,
 * or reused from a pool), the bounded wait of a hand-over, and the verdict codes of the arbiters (each one a
 * FORBIDDEN outcome, so a failure names what broke).
 */
final class Blocks {
    /** The alignment of every block. */
    static final long ALIGN = 16;
    /** A small class: slots of one-page slabs, cached many at a time. */
    static final long SMALL = 48;
    /**
     * A medium class whose thread cache starts with a fill of one slot (the fill doubles while the class is in use,
     * up to half of its 16 slots: {@code SizeClasses.firstFill}, {@code cacheSlots}): a fresh cache's first
     * allocations run the refill, which drains the remote frees first.
     */
    static final long MEDIUM = 4096;
    /** Above the medium classes: whole pages, freed under the heap's lock after the compare-and-set. */
    static final long LARGE = 64 << 10;
    /**
     * How long an actor waits for the other's hand-over before it gives up (an outcome of its own): long enough that
     * only a descheduled thread misses it, bounded so that actors run one after the other could not hang.
     */
    static final long WAIT_MILLIS = 100;
    static final long WAIT_NANOS = WAIT_MILLIS * 1_000_000;
    /** The address space of a heap made per state: a few spans are all a state uses. */
    static final long SMALL_HEAP_RESERVE = 1 << 20;

    /** Every check held. */
    static final int OK = 0;
    /** An allocation returned an address the same state still held: a block handed out twice. */
    static final int HANDED_OUT_TWICE = 1;
    /** Freeing a block the state held (and nobody else freed) was refused: it was handed out twice, or lost. */
    static final int LIVE_FREE_REFUSED = 2;
    /** After every block was freed, the heap still counted live allocations. */
    static final int LIVE_COUNT_WRONG = 3;
    /** {@code Heap.check()} found a broken invariant, as the actors left the heap or after every block was freed. */
    static final int CHECK_FAILED = 4;
    /** A thread started by an actor threw. */
    static final int THREAD_FAILED = 5;

    private static final AtomicBoolean REPORTED = new AtomicBoolean();
    private static final Queue<Heap> POOL = new ConcurrentLinkedQueue<>();

    private Blocks() {
    }

    /** {@return whether {@code heap} freed {@code address}: false if it refused (not live, or another free won)} */
    static boolean tryFree(Heap heap, long address) {
        try {
            heap.free(address);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@return a new shared heap with a reservation of {@value #SMALL_HEAP_RESERVE} bytes, for one state: close it} */
    static Heap smallHeap() {
        return Heap.builder().shared(true).reserveSize(SMALL_HEAP_RESERVE).build();
    }

    /**
     * {@return a small shared heap for one state: one that an earlier state left empty and consistent, or a new one}
     * Give it back with {@link #reuse} once checked, or close it.
     */
    static Heap pooledHeap() {
        Heap heap = POOL.poll();
        return heap != null ? heap : smallHeap();
    }

    /**
     * Keeps {@code heap}, which the caller found empty and consistent and no thread is using, for a later state (the
     * queue orders the caller's work before the next user's). The pool's heaps live as long as the forked JVM.
     */
    static void reuse(Heap heap) {
        POOL.add(heap);
    }

    /**
     * {@return the verdict of {@code check()} on a quiet heap: {@link #OK} or {@link #CHECK_FAILED}} The first
     * failure's details go to the forked JVM's error stream, which jcstress keeps in its report.
     */
    static int check(Heap heap) {
        try {
            heap.check();
            return OK;
        } catch (IllegalStateException e) {
            report("check(): " + e.getMessage());
            return CHECK_FAILED;
        }
    }

    /**
     * {@return the verdict on a quiet heap whose every block was freed: {@link #OK}, {@link #LIVE_COUNT_WRONG} or
     * {@link #CHECK_FAILED}}
     */
    static int checkEmpty(Heap heap) {
        long live = heap.liveAllocations();
        if (live != 0) {
            report("liveAllocations() = " + live + " after every block was freed: " + heap);
            return LIVE_COUNT_WRONG;
        }
        return check(heap);
    }

    /** Prints the first failure of this JVM only: a broken heap would otherwise flood the report. */
    static void report(String what) {
        if (REPORTED.compareAndSet(false, true)) {
            System.err.println("jalloc-jcstress: " + what);
        }
    }

    /** {@return {@code 1} if {@code address} is one of {@code a} and {@code b}, else {@code 0}} */
    static int oneOf(long address, long a, long b) {
        return address == a || address == b ? 1 : 0;
    }
}
