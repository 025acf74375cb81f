/**
 * jcstress tests of the lock-free steps of the shared heap ({@code Heap.ofShared()}), through its public API only.
 *
 * <h2>Words</h2>
 * <dl>
 *   <dt>state</dt>
 *   <dd>One jcstress state object: what one run of the actors shares. jcstress makes tens of thousands of them, so a
 *       test either shares one static heap (a reservation for the life of the forked JVM) and keeps each state's
 *       work to its own blocks, or gives each state a small heap of its own: a new one that the arbiter closes, or
 *       one from a pool of heaps that earlier states left checked and empty ({@link
 *       dev.jalloc.jcstress.Blocks#pooledHeap()}).</dd>
 *   <dt>owner</dt>
 *   <dd>The thread whose cache a block's span belongs to: the thread that allocated it (a span never changes
 *       cache; a dead thread's cache is adopted whole by the next thread that needs one).</dd>
 *   <dt>remote free</dt>
 *   <dd>A free from a thread other than the owner: it wins the slot's compare-and-set and puts the slot's bit in
 *       its own cache's outbox (one remote word of one span); a remote free into another word, or the freeing
 *       thread's slow path, publishes the outbox: its bits into the span's remote bitmap, and the span pushed on
 *       the owner's pending stack if it was not on it. The tests end their frees with one into another span, so
 *       that the publication races inside the actor.</dd>
 *   <dt>drain</dt>
 *   <dd>The owner taking its pending stack whole and the remote bits back, on its slow path (the refill of an empty
 *       cache). The tests allocate {@value dev.jalloc.jcstress.Blocks#MEDIUM}-byte blocks: that class's cache starts
 *       with a fill of one slot, so a fresh cache's first allocations run refills, and so drains.</dd>
 *   <dt>hand-over</dt>
 *   <dd>An actor publishing the blocks it allocated to the other actor through a volatile flag, which the other
 *       waits for (bounded: giving up is an outcome of its own). The program's happens-before edge that a free from
 *       another thread needs, as any real program provides it.</dd>
 *   <dt>verdict</dt>
 *   <dd>What an arbiter found when it gave the state's blocks back: {@code 0} when every check held; the codes are
 *       the constants of {@link dev.jalloc.jcstress.Blocks}, each a FORBIDDEN outcome.</dd>
 * </dl>
 *
 * <h2>What jcstress (0.16) does with a state, and what follows</h2>
 * The first states of an iteration are made by the harness's own thread; after each round the two actor threads
 * run the arbiters of half the states each and make their replacements, at the same time. So no arbiter runs on a
 * quiet heap: a test that checks the whole heap ({@code check()}, {@code liveAllocations()}) gives each state a heap
 * of its own, and a test on a shared static heap checks only its own blocks (a block handed out twice shows as a
 * refused free).
 */
package dev.jalloc.jcstress;
