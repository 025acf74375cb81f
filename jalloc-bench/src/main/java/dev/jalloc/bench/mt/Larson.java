package dev.jalloc.bench.mt;

import java.util.SplittableRandom;

/**
 * larson: a long-running server whose threads come and go, each freeing blocks its predecessor allocated.
 * Follows P. Larson and M. Krishnan, <i>Memory allocation for long-running server applications</i>, ISMM 1998,
 * as mimalloc-bench runs it ({@code larson 5 8 1000 5000 100 4141 N}: 5 seconds, sizes 8 to 1000 bytes, 5000
 * blocks per thread, 100 rounds, seed 4141, N threads).
 *
 * <pre>
 *   lineage 0:  main fills 5000 slots --> thread A --start--> thread B --start--> thread C ...
 *   lineage 1:  main fills 5000 slots --> thread D --start--> thread E ...          (until the deadline)
 *
 *   one generation (thread) on its lineage's slots, 100 x 5000 times:
 *       victim = random slot;  free(slots[victim]);  slots[victim] = allocate(random 8..999), touched
 *   then it starts its successor on the same slots and ends.
 * </pre>
 *
 * <p>The first generation frees the blocks the main thread allocated, and each later one the blocks of a thread
 * that has ended: the "bleeding" of memory between threads that Larson and Krishnan saw in servers, plus thread
 * churn (a thread's cache created, abandoned and adopted). Each lineage draws its victims and sizes from its own
 * sequence ({@code seed}, lineage index), continued by every successor, so every contender replays the same
 * sequence. One op is one allocation or one free (a replacement is two ops); the main thread's fill and the
 * final frees are not timed.
 */
final class Larson implements Workload {
    static final int MIN_SIZE = 8;
    static final int MAX_SIZE = 1000;
    static final int BLOCKS_PER_THREAD = 5000;
    static final int ROUNDS = 100;

    /** One thread's slots, handed from generation to generation with the random sequence and the count. */
    private static final class Lineage {
        final Blocks blocks;
        final SplittableRandom random;
        long ops; // written by one generation at a time; published by Thread.start and join

        Lineage(Blocks blocks, SplittableRandom random) {
            this.blocks = blocks;
            this.random = random;
        }
    }

    @Override
    public Result run(Contender contender, int threads, long nanos, long seed) throws Exception {
        Lineage[] lineages = new Lineage[threads];
        for (int i = 0; i < threads; i++) {
            Lineage lineage = new Lineage(contender.blocks(BLOCKS_PER_THREAD), Workload.random(seed, i));
            for (int slot = 0; slot < BLOCKS_PER_THREAD; slot++) {
                lineage.blocks.allocate(slot, lineage.random.nextInt(MIN_SIZE, MAX_SIZE));
            }
            lineages[i] = lineage;
        }
        Workers workers = new Workers(contender.threads(), nanos);
        for (Lineage lineage : lineages) {
            workers.start(() -> generation(workers, lineage));
        }
        long elapsed = workers.join(); // on a failure, throws and leaves the blocks: they may be anything
        for (Lineage lineage : lineages) {
            lineage.blocks.freeAll();
        }
        long ops = 0;
        for (Lineage lineage : lineages) {
            ops += lineage.ops;
        }
        return Result.perSecond(ops, elapsed, "ops/s");
    }

    private static void generation(Workers workers, Lineage lineage) {
        Blocks blocks = lineage.blocks;
        SplittableRandom random = lineage.random;
        long replaced = 0;
        for (long i = 0; i < (long) ROUNDS * BLOCKS_PER_THREAD; i++) {
            if ((i & 255) == 0 && workers.stop()) {
                break;
            }
            int victim = random.nextInt(BLOCKS_PER_THREAD);
            blocks.free(victim);
            blocks.allocate(victim, random.nextInt(MIN_SIZE, MAX_SIZE));
            replaced++;
        }
        lineage.ops += 2 * replaced;
        if (!workers.stop()) {
            workers.start(() -> generation(workers, lineage));
        }
    }
}
