package dev.jalloc.internal.heap;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared heap's one lock, taken on slow paths only (new and released spans, large and huge payloads, new
 * caches): a {@link ReentrantLock} that virtual threads wait for in a way a pinned virtual thread cannot hang.
 */
final class CentralLock {
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * Takes the central lock. A platform thread waits in the lock's queue. A virtual thread waits in it 50 us at a
     * time and then tries again: a virtual thread handed the lock in its turn needs a carrier to take it, and a
     * virtual thread pinned to its carrier (in a class initializer, or under a native frame) that parked in the
     * queue until its turn would keep that carrier from everyone, so that with one carrier nobody could take the
     * lock again. A timed-out try barges in whenever the lock is free, and a thread holding the central lock never
     * blocks inside it, so the pinned thread gets it in the end.
     */
    void lock() {
        if (lock.tryLock()) {
            return;
        }
        if (!Thread.currentThread().isVirtual()) {
            lock.lock();
            return;
        }
        try {
            while (!lock.tryLock(50, TimeUnit.MICROSECONDS)) {
                // Timed out: leave the queue, and barge in if the lock is free now.
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();   // kept for the program; this call still needs the lock
            lock.lock();
        }
    }


    void unlock() {
        lock.unlock();
    }
}
