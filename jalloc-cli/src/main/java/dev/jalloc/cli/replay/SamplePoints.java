package dev.jalloc.cli.replay;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The ops after which a pass samples the footprint and the resident memory. They follow from the trace alone
 * (its ops and the live bytes after each), so every allocator, and the noise pass, is sampled after the same ops.
 *
 * <pre>
 *   a trace of up to 100,000 ops (every malloc-lab trace):   after every op
 *   a longer one (a recorded trace, millions of ops):
 *     periodic   after every (ops / 2,000)-th op                                  ~2,000 samples
 *     growth     after an op where the live bytes reach a new high at least       ~1,024 at most
 *                (peak live / 1,024) above the live bytes of the last growth sample
 *     peak       after the first op at which the live bytes reach their peak      1
 *     last       after the last op                                                1
 * </pre>
 * A longer trace is not sampled after every op because glibc's {@code mallinfo2} walks every free chunk
 * (milliseconds a call when millions of blocks are live). Between two samples of a longer trace, a peak of the
 * footprint or of the resident memory that comes and goes while the live bytes stay below their high is missed;
 * inside an op (a realloc that copies, with both blocks resident for a moment) it is missed on every trace.
 */
final class SamplePoints {
    /** Traces up to this many ops are sampled after every op. */
    static final int EVERY_OP_UP_TO = 100_000;
    /** The periodic samples of a longer trace. */
    static final int PERIODIC = 2_000;
    /** A longer trace's growth samples are at least (peak live / GROWTH_STEPS) bytes of live growth apart. */
    static final int GROWTH_STEPS = 1_024;

    private final BitSet after;

    private SamplePoints(BitSet after) {
        this.after = after;
    }

    /** {@return the ops after which a pass over {@code trace} samples} */
    static SamplePoints of(Trace trace) {
        int ops = trace.opCount();
        BitSet after = new BitSet(ops);
        if (ops <= EVERY_OP_UP_TO) {
            after.set(0, ops);
            return new SamplePoints(after);
        }
        int[] byteSizes = new int[trace.maxId() + 1];
        long live = 0;
        long peak = 0;
        int peakOp = 0;
        for (int op = 0; op < ops; op++) {
            live += liveChange(trace, op, byteSizes);
            if (live > peak) {
                peak = live;
                peakOp = op;
            }
        }
        Arrays.fill(byteSizes, 0);
        long step = Math.max(1, peak / GROWTH_STEPS);
        int every = ops / PERIODIC;
        live = 0;
        long high = 0;
        long lastGrowthSample = 0;
        for (int op = 0; op < ops; op++) {
            live += liveChange(trace, op, byteSizes);
            if ((op + 1) % every == 0) {
                after.set(op);
            }
            if (live > high) {
                high = live;
                if (high - lastGrowthSample >= step) {
                    after.set(op);
                    lastGrowthSample = high;
                }
            }
        }
        after.set(peakOp);
        after.set(ops - 1);
        return new SamplePoints(after);
    }

    /** {@return whether a pass samples after op {@code op}} */
    boolean isSampledAfter(int op) {
        return after.get(op);
    }

    /** {@return how many ops are followed by a sample} */
    int count() {
        return after.cardinality();
    }

    /**
     * {@return how op {@code op} changes the live bytes} {@code byteSizes} holds each id's live size (0 when not
     * live) and is updated.
     */
    static long liveChange(Trace trace, int op, int[] byteSizes) {
        int id = trace.id(op);
        int byteSize = trace.kind(op) == Trace.FREE ? 0 : trace.byteSize(op);
        long change = byteSize - byteSizes[id];
        byteSizes[id] = byteSize;
        return change;
    }
}
