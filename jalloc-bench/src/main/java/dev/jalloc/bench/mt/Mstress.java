package dev.jalloc.bench.mt;

import java.util.SplittableRandom;

/**
 * mstress: a server-like mix, with every block's content checked when it is freed. In the style of mimalloc's
 * {@code test-stress} (mimalloc-bench's {@code mstress N 50 25}) as mimalloc-bench describes it: "allocations in
 * powers of 2 where objects can migrate between threads and some have long life times. Not all threads have
 * equal workloads and after each phase all threads are destroyed and new threads created where some objects
 * survive between phases."
 *
 * <pre>
 *   round r:  threads 0..N-1 start; thread i does (1 + i % 3) x 20000 steps on its local slots L_i:
 *
 *     L_0 [..........]                transfer [....................]  (1000 slots, shared)
 *     L_1 [..........]    10%: swap a random local slot with a random transfer slot (atomic get-and-set)
 *          ...            45%: allocate into a random local slot (check and free what was there)
 *                         45%: check and free a random local slot
 *           thread i ends: checks and frees its even slots; the odd ones survive to thread i of round r + 1
 *   round r + 1: new threads, the same slots; ... until the deadline
 *
 *   a block of w words at address a:   word 0 = COOKIE ^ a ^ (w << 48),   word k = COOKIE ^ a ^ (k * GOLDEN)
 * </pre>
 *
 * <p>Sizes: 8 x 2<sup>k</sup> bytes, k uniform in 0..5 (8 to 256 bytes); one block in 100 is 64 times larger (to
 * 16 KiB) and one in 10,000 1024 times (to 256 KiB). Every word of every block is written when it is allocated and
 * checked when it is freed, by whichever thread frees it; the header word also gives the block's size, so a wrong
 * header fails before any word is read past the block. A mismatch (two live blocks overlapping, a block handed out
 * twice, a write lost) throws {@link IllegalStateException} with the address, size, word and values: the run fails.
 * Each thread index draws from its own sequence ({@code seed}, index), continued across rounds. One op is one
 * allocation or one (checked) free; swaps are not counted.
 */
final class Mstress implements Workload {
    static final int TRANSFER_SLOTS = 1000;
    static final int LOCAL_SLOTS = 1000;
    static final int STEPS = 20_000;
    static final long COOKIE = 0x5DEECE66DA3B9F17L;
    static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /** The largest block, in words: 32 words times 1024. */
    static final int MAX_WORDS = 32 * 1024;

    /** Thread index i's state, kept across rounds: its slots, its sequence, its count. */
    private static final class Lane {
        final Blocks local;
        final SplittableRandom random;
        long ops; // written by one thread per round; published by Thread.start and join

        Lane(Blocks local, SplittableRandom random) {
            this.local = local;
            this.random = random;
        }
    }

    @Override
    public Result run(Contender contender, int threads, long nanos, long seed) throws Exception {
        Blocks transfer = contender.blocks(TRANSFER_SLOTS);
        Lane[] lanes = new Lane[threads];
        for (int i = 0; i < threads; i++) {
            lanes[i] = new Lane(contender.blocks(LOCAL_SLOTS), Workload.random(seed, i));
        }
        Workers workers = new Workers(contender.threads(), nanos);
        long elapsed = 0;
        while (!workers.stop()) {
            for (int i = 0; i < threads; i++) {
                Lane lane = lanes[i];
                int steps = STEPS * (1 + i % 3);
                workers.start(() -> round(workers, lane, transfer, steps));
            }
            elapsed = workers.join(); // on a failure, throws and leaves the blocks: they may be anything
        }
        for (Lane lane : lanes) {
            checkAndFreeAll(lane.local); // untimed, on the main thread: every survivor checked too
        }
        checkAndFreeAll(transfer);
        long ops = 0;
        for (Lane lane : lanes) {
            ops += lane.ops;
        }
        return Result.perSecond(ops, elapsed, "ops/s");
    }

    private static void round(Workers workers, Lane lane, Blocks transfer, int steps) {
        Blocks local = lane.local;
        SplittableRandom random = lane.random;
        long ops = 0;
        for (int step = 0; step < steps; step++) {
            if ((step & 255) == 0 && workers.stop()) {
                break;
            }
            int slot = random.nextInt(LOCAL_SLOTS);
            int choice = random.nextInt(100);
            if (choice < 10) {
                local.exchange(slot, transfer, random.nextInt(TRANSFER_SLOTS));
                continue;
            }
            if (!local.isEmpty(slot)) {
                checkAndFree(local, slot);
                ops++;
            }
            if (choice < 55) {
                allocateAndFill(local, slot, words(random));
                ops++;
            }
        }
        for (int slot = 0; slot < LOCAL_SLOTS; slot += 2) {
            if (!local.isEmpty(slot)) {
                checkAndFree(local, slot);
                ops++;
            }
        }
        lane.ops += ops;
    }

    /** {@return a block size in words: 2^(0..5), rarely times 64 or 1024} */
    private static int words(SplittableRandom random) {
        int words = 1 << random.nextInt(6);
        int rare = random.nextInt(10_000);
        return rare == 0 ? words * 1024 : rare <= 100 ? words * 64 : words;
    }

    private static void allocateAndFill(Blocks blocks, int slot, int words) {
        blocks.allocate(slot, words * 8);
        long address = blocks.address(slot);
        Blocks.putLong(address, COOKIE ^ address ^ ((long) words << 48));
        for (int k = 1; k < words; k++) {
            Blocks.putLong(address + 8L * k, COOKIE ^ address ^ (k * GOLDEN));
        }
    }

    private static void checkAndFree(Blocks blocks, int slot) {
        long address = blocks.address(slot);
        long header = Blocks.getLong(address) ^ COOKIE ^ address;
        long words = header >>> 48;
        if ((header & ((1L << 48) - 1)) != 0 || words == 0 || words > MAX_WORDS) {
            throw new IllegalStateException(String.format("mstress: the block at 0x%x (slot %d, freed by %s) has"
                    + " a wrong header: 0x%x (expected COOKIE ^ address ^ (words << 48) with 1 <= words <= %d)",
                    address, slot, Thread.currentThread(), Blocks.getLong(address), MAX_WORDS));
        }
        for (int k = 1; k < words; k++) {
            long found = Blocks.getLong(address + 8L * k);
            long expected = COOKIE ^ address ^ (k * GOLDEN);
            if (found != expected) {
                throw new IllegalStateException(String.format("mstress: the block at 0x%x of %d bytes (slot %d,"
                        + " freed by %s): word %d is 0x%x, expected 0x%x", address, words * 8, slot,
                        Thread.currentThread(), k, found, expected));
            }
        }
        blocks.free(slot);
    }

    private static void checkAndFreeAll(Blocks blocks) {
        for (int slot = 0; slot < blocks.size(); slot++) {
            if (!blocks.isEmpty(slot)) {
                checkAndFree(blocks, slot);
            }
        }
    }
}
