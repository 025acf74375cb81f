package dev.jalloc.cli.replay;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Replays traces on allocators: for each (trace, allocator), one {@link CheckedPass} then
 * {@code repetitions} {@link TimedPass}es. {@code seconds} is the fastest timed pass.
 *
 * <p>Every timed pass opens a new allocator instance on a new platform thread, so thread caches (glibc's and
 * jemalloc's tcache, mimalloc's thread heap) start empty and go back when the thread ends; a process-wide
 * allocator otherwise keeps the state earlier passes left (memory already faulted in, as in a long-running
 * program): the timed passes measure the steady state, not the first touch of fresh pages. The checked pass
 * of a fresh-per-instance allocator runs the same way; that of a process-wide one runs in a child JVM, where
 * the allocator is new (see {@link ChildCheckedPass}).
 */
public final class ReplayEngine {
    /** The timed passes per (trace, allocator) unless told otherwise. */
    public static final int DEFAULT_REPETITIONS = 5;

    private final int repetitions;
    private final boolean isolateProcessWide;

    /**
     * An engine that times each replay {@code repetitions} times and keeps the fastest.
     *
     * @param repetitions at least 1
     * @param isolateProcessWide whether to run the checked pass of a {@linkplain Allocators.Entry#processWide()
     *        process-wide} allocator in a child JVM ({@link ChildCheckedPass}), where it starts fresh; if false,
     *        it runs here, and its footprint depends on what earlier replays left in the allocator
     * @throws IllegalArgumentException if {@code repetitions} is below 1
     */
    public ReplayEngine(int repetitions, boolean isolateProcessWide) {
        if (repetitions < 1) {
            throw new IllegalArgumentException("repetitions: " + repetitions + " (expected: >= 1)");
        }
        this.repetitions = repetitions;
        this.isolateProcessWide = isolateProcessWide;
    }

    /**
     * {@return one row: {@code trace} replayed on {@code allocator}}
     *
     * @throws ReplayException if the allocator broke a promise or refused a request
     * @throws AllocatorUnavailableException if the allocator cannot run here
     */
    public ReplayResult replay(Trace trace, Allocators.Entry allocator) throws AllocatorUnavailableException {
        CheckedPass.Peaks peaks = allocator.processWide() && isolateProcessWide
                ? ChildCheckedPass.run(trace, allocator.name())
                : onFreshThread(allocator.name() + " checked", () -> {
                    try (ReplayAllocator instance = allocator.opener().open()) {
                        return CheckedPass.run(trace, allocator.name(), instance);
                    }
                });
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < repetitions; i++) {
            fastest = Math.min(fastest, timedPass(trace, allocator));
        }
        return new ReplayResult(trace.name(), allocator.name(), trace.opCount(), Math.max(fastest, 1) / 1e9,
                peaks.liveBytes(), peaks.footprintBytes());
    }

    /**
     * Runs the timed pass of a made-up trace on every allocator, round after round, so that the JIT compiles
     * the replay loop having seen all of them before any is timed: no allocator is measured while the loop is
     * still interpreted, or compiled for it alone.
     *
     * @throws AllocatorUnavailableException if one of them cannot run here
     */
    public void warmUp(List<Allocators.Entry> allocators) throws AllocatorUnavailableException {
        Trace warmUp = madeUpTrace(4_000, 0xBADC0FFEL);
        for (int round = 0; round < 6; round++) {
            for (Allocators.Entry allocator : allocators) {
                timedPass(warmUp, allocator);
            }
        }
    }

    private long timedPass(Trace trace, Allocators.Entry allocator) throws AllocatorUnavailableException {
        return onFreshThread(allocator.name() + " timed", () -> {
            try (ReplayAllocator instance = allocator.opener().open()) {
                return TimedPass.run(trace, allocator.name(), instance);
            }
        });
    }

    /** {@return a legal trace of {@code ops} random allocs, frees and reallocs of up to 4 KiB} */
    static Trace madeUpTrace(int ops, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int ids = 256;
        boolean[] live = new boolean[ids];
        StringBuilder text = new StringBuilder("0\n" + ids + "\n" + ops + "\n1\n");
        for (int op = 0; op < ops; op++) {
            int id = random.nextInt(ids);
            if (!live[id]) {
                text.append("a ").append(id).append(' ').append(random.nextInt(4097)).append('\n');
                live[id] = true;
            } else if (random.nextInt(3) == 0) {
                text.append("r ").append(id).append(' ').append(random.nextInt(4097)).append('\n');
            } else {
                text.append("f ").append(id).append('\n');
                live[id] = false;
            }
        }
        try {
            return TraceParser.parse("made-up", "made-up", new StringReader(text.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code task} on a new platform thread and waits for it, rethrowing what it throws. */
    private static <T> T onFreshThread(String name, Callable<T> task) throws AllocatorUnavailableException {
        FutureTask<T> future = new FutureTask<>(task);
        Thread thread = Thread.ofPlatform().name("jalloc-replay " + name).start(future);
        try {
            thread.join();
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying", e);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case AllocatorUnavailableException unavailable -> throw unavailable;
                case RuntimeException runtime -> throw runtime;
                case Error error -> throw error;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }
}
