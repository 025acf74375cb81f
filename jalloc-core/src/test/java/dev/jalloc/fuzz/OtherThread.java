package dev.jalloc.fuzz;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The second thread: runs one call at a time for the fuzzer, which waits for it (a hang is the watchdog's to
 * report). Calls on confined objects from here must get {@link WrongThreadException}; calls on shared ones are
 * ordinary calls made from another thread. {@link #start} also runs a task concurrently with the main thread.
 */
final class OtherThread implements AutoCloseable {
    private volatile Thread thread;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzz-other");
        t.setDaemon(true);
        thread = t;
        return t;
    });

    OtherThread() {
        join(start(() -> { }));
    }

    /** {@return the other thread} */
    Thread thread() {
        return thread;
    }

    /** {@return null, or what {@code body} threw on the other thread} */
    Throwable run(Fuzz.Body body) {
        return join(start(body));
    }

    /** Starts {@code body} on the other thread; {@link #join} waits for it. */
    Future<Throwable> start(Fuzz.Body body) {
        return executor.submit(() -> {
            try {
                body.run();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
    }

    /** {@return null, or what the task threw} */
    static Throwable join(Future<?> f) {
        while (true) {
            try {
                return (Throwable) f.get();
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (InterruptedException e) {
                // The fuzzer's main thread is never interrupted on purpose; wait on.
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
