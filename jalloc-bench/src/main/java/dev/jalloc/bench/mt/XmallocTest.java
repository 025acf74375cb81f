package dev.jalloc.bench.mt;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * xmalloc-test: threads that only allocate hand their blocks to threads that only free. Follows the test of
 * C. Lever and D. Boreham, <i>malloc() Performance in a Multithreaded Linux Environment</i>, USENIX 2000 (FREENIX),
 * as mimalloc-bench runs it ({@code xmalloc-test -w N -t 5 -s 64}: N allocating and N freeing threads, 5 seconds,
 * 64-byte objects), reporting frees per second.
 *
 * <pre>
 *   producers 0..N-1                      full batches                  consumers 0..N-1
 *   take an empty batch    ------->  [ 256 x 64 B ] [ ... ]  ------->   free all 256 blocks
 *   allocate 256 blocks of 64 B,                                        give the batch back empty
 *   each touched                                                                  |
 *          ^                                                                      |
 *          +--------------------------  empty batches  <--------------------------+
 * </pre>
 *
 * <p>Every block is freed by a thread other than the one that allocated it, in a pattern with no locality at all:
 * the asymmetric producer-consumer case that allocators with thread caches find hardest (a freeing thread's cache
 * fills with blocks its owner never gets back unless they are returned). Unlike the original, whose queue grows
 * without bound the faster the producers are (mimalloc-bench says to disregard its memory use), a run has
 * {@value #BATCHES_PER_PRODUCER} batches per producer in flight at most, so its memory use is comparable across
 * contenders. There are no random choices: the workload is the same for every contender. {@code --threads N}
 * means N producers and N consumers. One op is one free.
 */
final class XmallocTest implements Workload {
    static final int OBJECT_SIZE = 64;
    static final int BATCH = 256;
    static final int BATCHES_PER_PRODUCER = 8;

    @Override
    public Result run(Contender contender, int threads, long nanos, long seed) throws Exception {
        int batches = threads * BATCHES_PER_PRODUCER;
        Blocks blocks = contender.blocks(batches * BATCH);
        BlockingQueue<Integer> empty = new ArrayBlockingQueue<>(batches);
        BlockingQueue<Integer> full = new ArrayBlockingQueue<>(batches);
        for (int batch = 0; batch < batches; batch++) {
            empty.add(batch);
        }
        long[] frees = new long[threads * 16]; // a consumer's count every 16 longs: no two on one cache line
        Workers workers = new Workers(contender.threads(), nanos);
        for (int i = 0; i < threads; i++) {
            workers.start(() -> produce(workers, blocks, empty, full));
        }
        for (int i = 0; i < threads; i++) {
            int consumer = i;
            workers.start(() -> frees[consumer * 16] = consume(workers, blocks, empty, full));
        }
        long elapsed = workers.join(); // on a failure, throws and leaves the blocks: they may be anything
        blocks.freeAll(); // the batches still full at the deadline
        long total = 0;
        for (int i = 0; i < threads; i++) {
            total += frees[i * 16];
        }
        return Result.perSecond(total, elapsed, "frees/s");
    }

    private static void produce(Workers workers, Blocks blocks, BlockingQueue<Integer> empty,
            BlockingQueue<Integer> full) throws InterruptedException {
        while (!workers.stop()) {
            Integer batch = empty.poll(1, TimeUnit.MILLISECONDS);
            if (batch == null) {
                continue;
            }
            int first = batch * BATCH;
            for (int slot = first; slot < first + BATCH; slot++) {
                blocks.allocate(slot, OBJECT_SIZE);
            }
            full.add(batch); // never full: there are only as many batches as it holds
        }
    }

    private static long consume(Workers workers, Blocks blocks, BlockingQueue<Integer> empty,
            BlockingQueue<Integer> full) throws InterruptedException {
        long frees = 0;
        while (!workers.stop()) {
            Integer batch = full.poll(1, TimeUnit.MILLISECONDS);
            if (batch == null) {
                continue;
            }
            int first = batch * BATCH;
            for (int slot = first; slot < first + BATCH; slot++) {
                blocks.free(slot);
            }
            frees += BATCH;
            empty.add(batch);
        }
        return frees;
    }
}
