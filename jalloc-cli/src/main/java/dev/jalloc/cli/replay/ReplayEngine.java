package dev.jalloc.cli.replay;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Replays traces on allocators: for each (trace, allocator), one {@link CheckedPass} then
 * {@code repetitions} {@link TimedPass}es; for each trace, one {@link NoisePass}. {@code seconds} is the fastest
 * timed pass.
 *
 * <pre>
 *   checked pass   a registered allocator: a child JVM, where the allocator is new and the resident memory is its
 *                  own and a quiet JVM's ({@link ChildCheckedPass}); an allocator the child cannot open by name
 *                  (a test's own), or any when not isolating: a new instance on a new thread, in this JVM
 *   noise pass     the same as a checked pass, without an allocator
 *   timed passes   one instance per (trace, allocator), replaying the trace {@code repetitions} times back to back,
 *                  on the allocator's own thread, the same for the whole run (warm-up included); for an
 *                  allocator that must be the process's malloc (hardened_malloc), in a child JVM per trace started
 *                  with it preloaded, after the same warm-up there ({@link ChildTimedPass})
 * </pre>
 * So the timed passes measure the steady state of a long-running program: the first pass may pay for the first
 * touch of fresh pages, the next ones reuse what the allocator kept (its thread cache, its arena, its pages), and
 * the fastest is kept. Every allocator gets the same treatment, whether it is fresh per instance or process-wide.
 */
public final class ReplayEngine implements AutoCloseable {
    /** The timed passes per (trace, allocator) unless told otherwise. */
    public static final int DEFAULT_REPETITIONS = 5;

    /** Rounds of the warm-up, each running {@value #WARM_UP_PASSES} timed passes on every allocator. */
    static final int WARM_UP_ROUNDS = 3;
    /** Timed passes of the made-up trace per allocator and round of the warm-up. */
    static final int WARM_UP_PASSES = 2;
    /** Ops of the warm-up's made-up trace. */
    static final int WARM_UP_OPS = 4_000;

    private final int repetitions;
    private final boolean isolate;
    private final Map<String, ExecutorService> allocatorThreads = new LinkedHashMap<>();
    /** The names of the allocators of the last {@link #warmUp}, for the children that time an allocator. */
    private List<String> warmedUp = List.of();

    /**
     * An engine that times each replay {@code repetitions} times and keeps the fastest.
     *
     * @param repetitions at least 1
     * @param isolate whether to run the checked pass of every registered allocator, and the noise pass, in a child
     *        JVM ({@link ChildCheckedPass}), where the allocator starts fresh and the resident memory is its own; if
     *        false they run here, a process-wide allocator's footprint depends on what earlier replays left in it,
     *        and the resident memory is this JVM's
     * @throws IllegalArgumentException if {@code repetitions} is below 1
     */
    public ReplayEngine(int repetitions, boolean isolate) {
        if (repetitions < 1) {
            throw new IllegalArgumentException("repetitions: " + repetitions + " (expected: >= 1)");
        }
        this.repetitions = repetitions;
        this.isolate = isolate;
    }

    /**
     * {@return one row: {@code trace} replayed on {@code allocator}}
     *
     * @throws ReplayException if the allocator broke a promise or refused a request
     * @throws AllocatorUnavailableException if the allocator cannot run here
     */
    public ReplayResult replay(Trace trace, Allocators.Entry allocator) throws AllocatorUnavailableException {
        progress.passStarting(trace.name(), allocator.name(), 0, repetitions); // progress
        CheckedPass.Peaks peaks;
        if (isolate && registered(allocator)) {
            peaks = ChildCheckedPass.run(trace, allocator.name(), allocator.childEnvironment());
        } else {
            FutureTask<CheckedPass.Peaks> checked = new FutureTask<>(() -> {
                try (ReplayAllocator instance = allocator.opener().open();
                     ResidentMemory resident = ResidentMemory.open()) {
                    return CheckedPass.run(trace, allocator.name(), instance, resident);
                }
            });
            Thread.ofPlatform().name("jalloc-replay checked " + allocator.name()).start(checked);
            peaks = await(checked);
        }
        long fastest;
        if (timedInAChild(allocator)) {
            progress.passStarting(trace.name(), allocator.name(), 1, repetitions); // progress: all of them at once
            fastest = ChildTimedPass.run(trace, allocator, repetitions, warmedUp);
        } else {
            fastest = timedPasses(trace, allocator, repetitions);
        }
        return ReplayResult.of(trace, allocator.name(), Math.max(fastest, 1) / 1e9, peaks);
    }

    /** {@return whether {@code allocator} is the one {@link Allocators} knows by its name (a child can open it)} */
    private static boolean registered(Allocators.Entry allocator) {
        return Allocators.byName(allocator.name()).filter(allocator::equals).isPresent();
    }

    /**
     * {@return whether the timed passes of {@code allocator} run in a child JVM ({@link ChildTimedPass}): those of
     * a registered allocator that must be the process's malloc, when isolating}
     */
    private boolean timedInAChild(Allocators.Entry allocator) {
        return isolate && allocator.preloaded() && registered(allocator);
    }

    /**
     * {@return the row of the noise pass over {@code trace}: the harness's own peak growth of resident memory,
     * with no allocator}
     *
     * @throws ReplayException if the child JVM failed
     * @throws AllocatorUnavailableException not in practice: it is how a child reports an allocator it cannot open,
     *         and this one opens none
     */
    public ReplayResult noiseFloor(Trace trace) throws AllocatorUnavailableException {
        CheckedPass.Peaks peaks;
        if (isolate) {
            peaks = ChildCheckedPass.run(trace, NoisePass.NO_ALLOCATOR, Map.of());
        } else {
            try (ResidentMemory resident = ResidentMemory.open()) {
                peaks = NoisePass.run(trace, resident);
            }
        }
        return ReplayResult.of(trace, NoisePass.NO_ALLOCATOR, Double.NaN, peaks);
    }

    /**
     * Runs the timed passes of a made-up trace on every allocator, round after round, so that the JIT compiles
     * the replay loop having seen all of them before any is timed (no allocator is measured while the loop is
     * still interpreted, or compiled for it alone), and every allocator's thread has used it before. An allocator
     * whose timed passes run in a child JVM is warmed up there, the same way, on the same allocators
     * ({@link ChildTimedPass}).
     *
     * @throws AllocatorUnavailableException if one of them cannot run here
     * @throws ReplayException if one of them refuses a request
     */
    public void warmUp(List<Allocators.Entry> allocators) throws AllocatorUnavailableException {
        warmedUp = allocators.stream().map(Allocators.Entry::name).toList();
        Trace warmUp = madeUpTrace(WARM_UP_OPS, 256, 0xBADC0FFEL);
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            for (Allocators.Entry allocator : allocators) {
                if (!timedInAChild(allocator)) {
                    timedPasses(warmUp, allocator, WARM_UP_PASSES);
                }
            }
        }
    }

    /**
     * {@return the fastest of this engine's repetitions of timed passes of {@code trace} on {@code allocator}, here,
     * on one instance, on the allocator's thread: what {@link ChildTimedPass}'s child measures}
     */
    long timedPasses(Trace trace, Allocators.Entry allocator) throws AllocatorUnavailableException {
        return timedPasses(trace, allocator, repetitions);
    }

    /** {@return the fastest of {@code passes} timed passes on one instance, on the allocator's thread} */
    private long timedPasses(Trace trace, Allocators.Entry allocator, int passes)
            throws AllocatorUnavailableException {
        ExecutorService thread = allocatorThreads.computeIfAbsent(allocator.name(), name ->
                Executors.newSingleThreadExecutor(Thread.ofPlatform().name("jalloc-replay " + name).factory()));
        return await(thread.submit(() -> {
            try (ReplayAllocator instance = allocator.opener().open()) {
                long fastest = Long.MAX_VALUE;
                for (int i = 0; i < passes; i++) {
                    progress.passStarting(trace.name(), allocator.name(), i + 1, passes); // progress
                    fastest = Math.min(fastest, TimedPass.run(trace, allocator.name(), instance));
                }
                return fastest;
            }
        }));
    }

    /** Ends the allocators' threads (which ends their thread caches). */
    @Override
    public void close() {
        allocatorThreads.values().forEach(ExecutorService::close);
        allocatorThreads.clear();
    }

    // ---- progress: jalloc replay's progress line hears of each pass as it begins ----

    private ReplayProgress progress = ReplayProgress.NONE;

    /** Tells {@code progress} of each pass as it begins (before its clock starts); call it before replaying. */
    public void progress(ReplayProgress progress) {
        this.progress = Objects.requireNonNull(progress);
    }

    /** {@return a legal trace of {@code ops} random allocs, frees and reallocs of up to 4 KiB, on {@code ids} ids} */
    static Trace madeUpTrace(int ops, int ids, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
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

    /** {@return what {@code task} returned, once done, rethrowing what it threw} */
    private static <T> T await(Future<T> task) throws AllocatorUnavailableException {
        try {
            return task.get();
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
