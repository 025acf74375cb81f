package dev.jalloc.bench.mt;

/**
 * cache-scratch: passive false sharing. Follows E. D. Berger, K. S. McKinley, R. D. Blumofe and P. R. Wilson,
 * <i>Hoard: A Scalable Memory Allocator for Multithreaded Applications</i>, ASPLOS 2000 (its "passive-false"
 * benchmark, run by mimalloc-bench as {@code cache-scratch N 1000 1 2000000 N}).
 *
 * <pre>
 *   main:      h0 = allocate(8); h1 = allocate(8); ...        likely one cache line:  [h0......h1......]
 *              hand h_i to thread i
 *   thread i:  free(h_i);
 *              loop { a = allocate(8); write a[0..7] 1000 times; free(a) }    as cache-thrash
 *
 *   passive false sharing: thread i's allocation reuses the h_i it freed, so the threads write into the
 *   main thread's line, side by side, though each allocated its own block
 * </pre>
 *
 * <p>An allocator that puts a freed block back where the freeing thread allocates next (rather than with the
 * thread or page that owns it) inherits the false sharing of the main thread's placement. The loop, the op, and
 * the metric (ns per op per thread) and the note (cache lines that held blocks of more than one thread) are
 * {@link CacheThrash}'s; the handed blocks are allocated and handed before the clock starts. No random choices.
 */
final class CacheScratch implements Workload {
    @Override
    public Result run(Contender contender, int threads, long nanos, long seed) throws Exception {
        Blocks handed = contender.blocks(threads);
        for (int i = 0; i < threads; i++) {
            handed.allocate(i, CacheThrash.OBJECT_SIZE);
        }
        long[] counts = new long[threads * CacheThrash.PAD * 2];
        long[][] lines = new long[threads][];
        Workers workers = new Workers(contender.threads(), nanos);
        for (int i = 0; i < threads; i++) {
            int thread = i;
            workers.start(() -> {
                Blocks mine = contender.blocks(1); // made by its thread: its slot array shares no line
                handed.moveTo(thread, mine, 0);    // published by Thread.start
                mine.free(0);
                CacheThrash.loop(workers, mine, counts, lines, thread);
            });
        }
        long elapsed = workers.join(); // on a failure, throws and leaves the blocks: they may be anything
        handed.freeAll(); // none left unless a thread failed before taking its block
        return CacheThrash.perOp(counts, lines, elapsed);
    }
}
