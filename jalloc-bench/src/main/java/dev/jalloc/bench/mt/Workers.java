package dev.jalloc.bench.mt;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The threads of one run: started from the contender's factory (platform or virtual), with a common deadline,
 * and joined together, threads started by other workers included (larson's successors, mstress's rounds). The
 * first exception of any worker stops the others at their next {@link #stop()} check and is rethrown by
 * {@link #join()}: a correctness failure ends the run as failed, never as a number.
 */
final class Workers {
    /** A worker's code. */
    interface Body {
        void run() throws Exception;
    }

    private final ThreadFactory factory;
    private final ConcurrentLinkedQueue<Thread> started = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final long start;
    private final long deadline;

    /** Starts the clock: the run ends {@code nanos} from now. */
    Workers(ThreadFactory factory, long nanos) {
        this.factory = factory;
        this.start = System.nanoTime();
        this.deadline = start + nanos;
    }

    /** Starts a worker running {@code body}; may be called from a worker. */
    void start(Body body) {
        Thread thread = factory.newThread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                fail(t);
            }
        });
        started.add(thread);
        thread.start();
    }

    /** Records {@code t} as the run's failure (the first one wins; later ones are attached to it). */
    void fail(Throwable t) {
        if (!failure.compareAndSet(null, t) && failure.get() != t) {
            failure.get().addSuppressed(t);
        }
    }

    /** {@return whether workers should stop: the deadline passed, or a worker failed} */
    boolean stop() {
        return System.nanoTime() - deadline >= 0 || failure.get() != null;
    }

    /**
     * Waits for every worker, those started while waiting included, and {@return the nanoseconds from the start
     * to the end of the last one}.
     *
     * @throws ExecutionException with the first worker's exception as its cause, if one failed
     */
    long join() throws InterruptedException, ExecutionException {
        for (Thread thread; (thread = started.poll()) != null; ) {
            thread.join(); // a worker adds its successor before it ends, so the queue is empty only at the end
        }
        long elapsed = System.nanoTime() - start;
        Throwable t = failure.get();
        if (t != null) {
            throw new ExecutionException("a worker failed: " + t, t);
        }
        return elapsed;
    }
}
