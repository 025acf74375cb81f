package dev.jalloc.bench.mt;

import java.util.HashMap;
import java.util.Map;

/**
 * cache-thrash: active false sharing. Follows E. D. Berger, K. S. McKinley, R. D. Blumofe and P. R. Wilson,
 * <i>Hoard: A Scalable Memory Allocator for Multithreaded Applications</i>, ASPLOS 2000 (its "active-false"
 * benchmark, run by mimalloc-bench as {@code cache-thrash N 1000 1 2000000 N}).
 *
 * <pre>
 *   thread 0:  loop { a = allocate(8); write a[0..7] 1000 times; free(a) }
 *   thread 1:  loop { b = allocate(8); write b[0..7] 1000 times; free(b) }
 *
 *   good allocator:   line X: [a.......]            line Y: [b.......]      each core keeps its own line
 *   false sharing:    line X: [a.......b.......]    every write by one thread takes the line from the other
 * </pre>
 *
 * <p>An allocator that hands tiny blocks of different threads out of one cache line makes their writes fight
 * over it, though the threads share nothing. One op is one iteration: allocate {@value #OBJECT_SIZE} bytes
 * (touched), store each byte {@value #REPETITIONS} times with opaque stores (each one done, as through C's
 * {@code volatile}), free. Reported in ns per op per thread (each thread's own wall time over its iterations,
 * summed over threads, divided by all iterations): flat from 1 to 2 threads means no false sharing; a rise
 * means the threads fight over lines. No random choices.
 *
 * <p>Timings on a busy machine say little, so the run also counts what causes false sharing, independent of load:
 * each thread notes the cache lines (64 bytes) its blocks covered (the first {@value #LINES_NOTED} distinct ones),
 * and the result's note says how many lines held blocks of more than one thread.
 */
final class CacheThrash implements Workload {
    static final int OBJECT_SIZE = 8;
    static final int REPETITIONS = 1000;
    /** Per-thread counts and times sit this many longs apart: on cache lines of their own. */
    static final int PAD = 16;
    /** The most distinct cache lines a thread notes. */
    static final int LINES_NOTED = 64;

    @Override
    public Result run(Contender contender, int threads, long nanos, long seed) throws Exception {
        long[] counts = new long[threads * PAD * 2];
        long[][] lines = new long[threads][];
        Workers workers = new Workers(contender.threads(), nanos);
        for (int i = 0; i < threads; i++) {
            int thread = i;
            workers.start(() -> {
                Blocks mine = contender.blocks(1); // made by its thread: its slot array shares no line
                loop(workers, mine, counts, lines, thread);
            });
        }
        return perOp(counts, lines, workers.join());
    }

    /**
     * The iterations of one thread until the deadline; its count and time go to {@code counts}, the cache lines its
     * blocks covered to {@code lines[thread]} (0-terminated).
     */
    static void loop(Workers workers, Blocks mine, long[] counts, long[][] lines, int thread) {
        long[] noted = new long[LINES_NOTED + 1];
        int distinct = 0;
        long last = -1;
        long start = System.nanoTime();
        long iterations = 0;
        while (!workers.stop()) {
            mine.allocate(0, OBJECT_SIZE);
            long address = mine.address(0);
            long line = address >>> 6; // blocks are 16-aligned and 8 long: one line each
            if (line != last && distinct < LINES_NOTED) {
                last = line;
                if (!contains(noted, distinct, line)) {
                    noted[distinct++] = line;
                }
            }
            for (int repetition = 0; repetition < REPETITIONS; repetition++) {
                for (int k = 0; k < OBJECT_SIZE; k++) {
                    Blocks.putByteOpaque(address + k, (byte) (repetition + k));
                }
            }
            mine.free(0);
            iterations++;
        }
        counts[thread * PAD * 2] = iterations;
        counts[thread * PAD * 2 + PAD] = System.nanoTime() - start;
        lines[thread] = noted;
    }

    private static boolean contains(long[] lines, int count, long line) {
        for (int i = 0; i < count; i++) {
            if (lines[i] == line) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@return ns per iteration (every thread's time summed over every thread's iterations), the wall time, and a
     * note of the cache lines that held blocks of more than one thread}
     */
    static Result perOp(long[] counts, long[][] lines, long wallNanos) {
        int threads = lines.length;
        long iterations = 0;
        long busy = 0;
        Map<Long, Integer> threadsPerLine = new HashMap<>();
        for (int thread = 0; thread < threads; thread++) {
            iterations += counts[thread * PAD * 2];
            busy += counts[thread * PAD * 2 + PAD];
            if (lines[thread] != null) {
                for (int i = 0; i < LINES_NOTED && lines[thread][i] != 0; i++) {
                    threadsPerLine.merge(lines[thread][i], 1, Integer::sum);
                }
            }
        }
        long shared = threadsPerLine.values().stream().filter(n -> n > 1).count();
        String note = threads == 1 ? "" : "lines shared by threads: " + shared + " of " + threadsPerLine.size();
        return new Result(iterations, wallNanos, (double) busy / Math.max(1, iterations), "ns/op", note);
    }
}
