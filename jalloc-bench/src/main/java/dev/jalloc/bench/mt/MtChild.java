package dev.jalloc.bench.mt;

import dev.jalloc.bench.ProcStatus;
import java.util.concurrent.ExecutionException;

/**
 * One run in a fresh JVM: {@code MtChild BENCH CONTENDER THREADS SECONDS SEED CROSS_EVERY}, started by
 * {@link MtBench}. Opens the contender, reads the base RSS, runs the workload while a sampler follows jalloc's
 * committed bytes, reads the peak and end RSS, and prints one {@link MtResult} line; on a failure it prints the
 * stack trace first and exits with status 1.
 *
 * <pre>
 *   open contender -- VmRSS (base) -- workload: threads until the deadline -- VmHWM (peak), VmRSS (end) -- line
 *                                     then every block freed (untimed)
 *                                     sampler: committedBytes() every 5 ms (jalloc only)
 * </pre>
 */
public final class MtChild {
    /** How often jalloc's committed bytes are sampled. */
    static final int SAMPLE_MILLIS = 5;

    private MtChild() {
    }

    public static void main(String[] args) {
        if (args.length != 6) {
            System.err.println("usage: MtChild BENCH CONTENDER THREADS SECONDS SEED CROSS_EVERY (run by MtBench)");
            System.exit(2);
        }
        String bench = args[0];
        String contender = args[1];
        int threads = Integer.parseInt(args[2]);
        long nanos = (long) (Double.parseDouble(args[3]) * 1e9);
        long seed = Long.parseLong(args[4]);
        int crossEvery = Integer.parseInt(args[5]);
        MtResult result = run(bench, contender, threads, nanos, seed, crossEvery);
        System.out.println(result.format());
        System.out.flush();
        // exit, not return: a failed run may leave a worker stuck, and Netty's and the JDK's threads linger
        System.exit(result.status().equals("failed") ? 1 : 0);
    }

    private static MtResult run(String bench, String name, int threads, long nanos, long seed, int crossEvery) {
        Workload workload = Workload.of(bench, crossEvery);
        Contender contender;
        try {
            contender = Contender.open(name);
        } catch (IllegalStateException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("contender unavailable")) {
                return MtResult.skipped(bench, name, threads, e.getMessage());
            }
            return failed(bench, name, threads, seed, "opening the contender", e);
        } catch (RuntimeException | Error e) {
            return failed(bench, name, threads, seed, "opening the contender", e);
        }
        long base = status("VmRSS");
        Sampler sampler = contender.committedBytes() < 0 ? null : new Sampler(contender);
        Workload.Result result;
        try {
            result = workload.run(contender, threads, nanos, seed);
        } catch (Throwable t) {
            return failed(bench, name, threads, seed, "the workload",
                    t instanceof ExecutionException && t.getCause() != null ? t.getCause() : t);
        } finally {
            if (sampler != null) {
                sampler.finish();
            }
        }
        long peak = status("VmHWM");
        long end = status("VmRSS");
        long committedPeak = sampler == null ? -1 : sampler.peak;
        try {
            contender.close();
        } catch (RuntimeException | Error e) {
            return failed(bench, name, threads, seed, "closing the contender", e);
        }
        return new MtResult(bench, name, threads, "ok", result.metric(), result.unit(), result.ops(),
                result.nanos(), base, peak, end, committedPeak, result.note(), "");
    }

    /** Prints {@code cause}'s stack trace and {@return a failed result naming it and where it was thrown} */
    private static MtResult failed(String bench, String name, int threads, long seed, String what, Throwable cause) {
        System.err.println("mtbench: " + bench + " " + name + " t=" + threads + " seed=" + seed + ": " + what
                + " failed:");
        cause.printStackTrace();
        StackTraceElement[] at = cause.getStackTrace();
        return MtResult.failed(bench, name, threads, cause + (at.length > 0 ? " at " + at[0] : ""));
    }

    /** {@return the value in kiB of {@code field} (VmRSS, VmHWM) of /proc/self/status, or -1 if not there} */
    static long status(String field) {
        return ProcStatus.kib("self", field);   // -1 where not Linux: the memory columns stay empty
    }

    /** Follows jalloc's committed bytes from a daemon thread of its own. */
    private static final class Sampler implements Runnable {
        private final Contender contender;
        private final Thread thread;
        private volatile boolean done;
        long peak;

        Sampler(Contender contender) {
            this.contender = contender;
            this.peak = contender.committedBytes();
            this.thread = Thread.ofPlatform().daemon().name("mtbench-sampler").start(this);
        }

        @Override
        public void run() {
            while (!done) {
                peak = Math.max(peak, contender.committedBytes());
                try {
                    Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Stops the sampler and takes a last sample: the blocks are all freed by now. */
        void finish() {
            done = true;
            thread.interrupt(); // ends its sleep now
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            peak = Math.max(peak, contender.committedBytes());
        }
    }
}
