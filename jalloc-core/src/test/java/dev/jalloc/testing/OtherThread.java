package dev.jalloc.testing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Runs a test's action on a platform thread of its own, to see what a call from another thread does. */
public final class OtherThread {
    private OtherThread() {
    }

    /** {@return what {@code action} threw on a new platform thread, or null if it returned; waits for it} */
    public static Throwable thrownBy(Runnable action) throws InterruptedException {
        CompletableFuture<Void> f = CompletableFuture.runAsync(action, r -> Thread.ofPlatform().start(r));
        try {
            f.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
