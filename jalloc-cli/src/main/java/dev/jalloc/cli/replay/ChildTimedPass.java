package dev.jalloc.cli.replay;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The timed passes of an allocator that must be the whole process's malloc ({@link Allocators.Entry#preloaded()}:
 * hardened_malloc), which cannot run in the replaying JVM: in a child JVM started with its {@code LD_PRELOAD}, one
 * per trace. The child does what the replaying JVM does for every other allocator, with the same code
 * ({@link ReplayEngine}, not isolating):
 *
 * <pre>
 *   parent: java ... ChildTimedPass ALLOCATOR REPETITIONS TRACE [WARM_UP_ALLOCATOR]...     (LD_PRELOAD=...)
 *   child:  parse TRACE
 *           warm up: ReplayEngine.warmUp(the run's allocators that open here, this one included): 3 rounds of
 *                    2 timed passes of the made-up trace on each, each on its allocator's own thread
 *           REPETITIONS timed passes of TRACE back to back on one instance, on the allocator's thread
 *           "fastest NANOS", exit 0; or ChildJvm's statuses (1 broken promise, 2 unavailable, 3 failure)
 * </pre>
 * So the replay loop is compiled having seen the same allocators, the same number of warm-up passes and of timed
 * passes are run, and the fastest is kept, as for an allocator timed in the replaying JVM. The run's other
 * preloaded allocators cannot open in this child (its malloc is not theirs) and are left out of its warm-up.
 * What differs: the child is new for each trace, so the timed passes do not follow the earlier traces' (their JIT
 * profile, the allocator's kept memory); the JVM itself mallocs from the preloaded allocator; and the child has the
 * JVM's default flags, as the replaying JVM has under {@code ./jalloc} (plus native access and, if set,
 * {@code -Djalloc.natives}).
 */
public final class ChildTimedPass {
    private static final String FASTEST = "fastest ";

    private ChildTimedPass() {
    }

    /**
     * {@return the nanoseconds of the fastest of {@code repetitions} timed passes of {@code trace} on
     * {@code allocator}, run in a child JVM with its environment, after a warm-up on {@code warmUp} (the names of
     * the run's allocators)}
     *
     * @throws ReplayException if the allocator refused a request, or the child failed
     * @throws AllocatorUnavailableException if the allocator cannot run in the child
     */
    static long run(Trace trace, Allocators.Entry allocator, int repetitions, List<String> warmUp)
            throws AllocatorUnavailableException {
        List<String> args = new ArrayList<>(List.of(allocator.name(), Integer.toString(repetitions), trace.source()));
        args.addAll(warmUp);
        return Long.parseLong(ChildJvm.run(List.of(), ChildTimedPass.class, args, allocator.childEnvironment(),
                FASTEST, trace.source() + ": " + allocator.name() + ": the timed passes"));
    }

    /**
     * The child's side: {@code ALLOCATOR REPETITIONS TRACE [WARM_UP_ALLOCATOR]...}.
     *
     * @param args the allocator's name, the timed passes, the trace file, the names of the allocators to warm up on
     */
    public static void main(String[] args) {
        ChildJvm.exitWith(() -> {
            Allocators.Entry entry = byName(args[0]);
            int repetitions = Integer.parseInt(args[1]);
            Trace trace = TraceParser.parse(Path.of(args[2]));
            entry.opener().open().close(); // unavailable here: say why before anything else
            List<Allocators.Entry> warmUp = new ArrayList<>();
            for (int i = 3; i < args.length; i++) {
                Allocators.Entry other = byName(args[i]);
                if (opensHere(other)) {
                    warmUp.add(other);
                }
            }
            if (!warmUp.contains(entry)) {
                warmUp.add(entry);
            }
            try (ReplayEngine engine = new ReplayEngine(repetitions, false)) {
                engine.warmUp(warmUp);
                return FASTEST + engine.timedPasses(trace, entry);
            }
        });
    }

    private static Allocators.Entry byName(String name) {
        return Allocators.byName(name).orElseThrow(() -> new IllegalArgumentException("unknown allocator " + name));
    }

    private static boolean opensHere(Allocators.Entry entry) {
        try {
            entry.opener().open().close();
            return true;
        } catch (AllocatorUnavailableException e) {
            return false;
        }
    }
}
