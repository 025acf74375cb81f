package dev.jalloc.bench.mt;

import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * rptest: mostly local allocation with a share of blocks freed by another thread. Follows the benchmark of
 * rpmalloc-benchmark (M. Jansson) as rpmalloc's BENCHMARKS.md describes it, with the parameters mimalloc-bench
 * uses ({@code rptest N 0 1 2 500 1000 100 8 16000}: random sizes with a linear falloff, every 2nd loop hands
 * blocks to another thread, 1000 blocks per thread, 100 blocks per op batch, 8 to 16000 bytes); here the threads
 * loop until the deadline instead of 500 times.
 *
 * <pre>
 *   thread i, each loop:
 *     1. free every block in its inbox (handed by thread i - 1), give each emptied batch back to its sender
 *     2. free 100 blocks at random slots of its 1000
 *     3. allocate 100 blocks into random slots (freeing what was there)
 *     4. every --cross-every loops (2): allocate 100 blocks into a spare batch, queue it to thread i + 1
 *
 *     +----------+  batch of 100 new blocks   +--------------+  freed there   +----------+
 *     | thread i | -------------------------> | inbox of i+1 | -------------> | thread   |
 *     +----------+                            +--------------+                |   i + 1  |
 *          ^                 the emptied batch goes back to i's spares        +----------+
 *          +----------------------------------------------------------------------+
 * </pre>
 *
 * <p>Sizes from 8 to 16000 bytes, their density falling linearly with size (rpmalloc-benchmark's "linear
 * falloff"): {@code 8 + (16000 - 8) * (1 - sqrt(u))}. Each thread draws its slots and sizes from its own sequence
 * ({@code seed}, thread index); waiting for a batch and receiving one draw nothing, so the sequence is the same for
 * every contender. A thread has {@value #SPARE_BATCHES} batches (rpmalloc-benchmark's hand-off list is unbounded;
 * bounded here so that memory is comparable); while all are out it frees its own inbox and waits. With one thread
 * it hands the batches to itself (all frees local). One op is one allocation or one free.
 */
final class Rptest implements Workload {
    static final int MIN_SIZE = 8;
    static final int MAX_SIZE = 16_000;
    static final int BLOCKS = 1000;
    static final int BATCH = 100;
    static final int SPARE_BATCHES = 8;
    /** Every how many loops a thread hands a batch to another (rptest's cross-thread rate); 0: never. */
    private final int crossEvery;

    /** A batch of blocks on its way to another thread, and the queue it goes back to when emptied. */
    private record Batch(Blocks blocks, BlockingQueue<Batch> home) {
    }

    private static final class Lane {
        final Blocks local;
        final SplittableRandom random;
        final BlockingQueue<Batch> spares = new LinkedBlockingQueue<>();
        final ConcurrentLinkedQueue<Batch> inbox = new ConcurrentLinkedQueue<>();
        long ops; // written by its thread; read after join

        Lane(Blocks local, SplittableRandom random) {
            this.local = local;
            this.random = random;
        }
    }

    Rptest(int crossEvery) {
        this.crossEvery = crossEvery;
    }

    @Override
    public Result run(Contender contender, int threads, long nanos, long seed) throws Exception {
        Lane[] lanes = new Lane[threads];
        for (int i = 0; i < threads; i++) {
            Lane lane = new Lane(contender.blocks(BLOCKS), Workload.random(seed, i));
            for (int b = 0; b < SPARE_BATCHES; b++) {
                lane.spares.add(new Batch(contender.blocks(BATCH), lane.spares));
            }
            lanes[i] = lane;
        }
        Workers workers = new Workers(contender.threads(), nanos);
        for (int i = 0; i < threads; i++) {
            Lane lane = lanes[i];
            Lane next = lanes[(i + 1) % threads];
            workers.start(() -> loop(workers, lane, next));
        }
        long elapsed = workers.join(); // on a failure, throws and leaves the blocks: they may be anything
        for (Lane lane : lanes) {
            lane.local.freeAll();
            for (Batch batch; (batch = lane.inbox.poll()) != null; ) {
                batch.blocks().freeAll();
            }
        }
        long ops = 0;
        for (Lane lane : lanes) {
            ops += lane.ops;
        }
        return Result.perSecond(ops, elapsed, "ops/s");
    }

    private void loop(Workers workers, Lane lane, Lane next) throws InterruptedException {
        Blocks local = lane.local;
        SplittableRandom random = lane.random;
        long ops = 0;
        for (long loop = 1; !workers.stop(); loop++) {
            ops += receive(lane);
            for (int i = 0; i < BATCH; i++) {
                int slot = random.nextInt(BLOCKS);
                if (!local.isEmpty(slot)) {
                    local.free(slot);
                    ops++;
                }
            }
            for (int i = 0; i < BATCH; i++) {
                int slot = random.nextInt(BLOCKS);
                if (!local.isEmpty(slot)) {
                    local.free(slot);
                    ops++;
                }
                local.allocate(slot, size(random));
                ops++;
            }
            if (crossEvery > 0 && loop % crossEvery == 0) {
                Batch batch;
                while ((batch = lane.spares.poll(100, TimeUnit.MICROSECONDS)) == null) {
                    ops += receive(lane); // frees the batches of the thread this one may be waiting for
                    if (workers.stop()) {
                        lane.ops += ops;
                        return;
                    }
                }
                for (int i = 0; i < BATCH; i++) {
                    batch.blocks().allocate(i, size(random));
                }
                ops += BATCH;
                next.inbox.add(batch);
            }
        }
        lane.ops += ops;
    }

    /** Frees every block handed to this lane and sends the batches home; {@return the frees} */
    private static long receive(Lane lane) {
        long frees = 0;
        for (Batch batch; (batch = lane.inbox.poll()) != null; ) {
            for (int i = 0; i < BATCH; i++) {
                batch.blocks().free(i);
            }
            frees += BATCH;
            batch.home().add(batch);
        }
        return frees;
    }

    /** {@return a size in [MIN_SIZE, MAX_SIZE] whose density falls linearly with size} */
    private static int size(SplittableRandom random) {
        return MIN_SIZE + (int) ((MAX_SIZE - MIN_SIZE) * (1 - Math.sqrt(random.nextDouble())));
    }
}
