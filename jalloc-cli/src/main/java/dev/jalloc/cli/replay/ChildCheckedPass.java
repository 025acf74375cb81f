package dev.jalloc.cli.replay;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A checked pass, or the noise pass, in a fresh child JVM: for every allocator the command knows, so that each is
 * measured the same way, from the same start. There the allocator is as fresh as malloc-lab's heap is at the start
 * of every trace (in the replaying JVM glibc, jemalloc and mimalloc keep the memory of earlier traces: glibc does not
 * shrink a thread arena's heap on {@code malloc_trim}, mimalloc reuses its cached segments), and the process's
 * resident memory is the allocator's and a quiet JVM's only.
 *
 * <pre>
 *   parent: java FLAGS ... ChildCheckedPass ALLOCATOR TRACE          (ALLOCATOR "(none)": the noise pass)
 *   child:  parse TRACE ── warm up (below) ── open ALLOCATOR ── CheckedPass / NoisePass ── "peaks LIVE FOOTPRINT RSS"
 *           exit 0; or the ReplayException's message, exit 1; why it is unavailable, exit 2; anything else, exit 3
 * </pre>
 * The child is the same {@code java}, module or class path and native access ({@link ChildJvm}), with the parent's
 * environment (so {@code GLIBC_TUNABLES}, for jemalloc) plus the allocator's ({@code LD_PRELOAD} for
 * hardened_malloc, which must be the child's malloc: then the child JVM itself runs on it), and these flags:
 * <ul>
 *   <li>{@code -Xms = -Xmx} (sized from the trace) and {@code -XX:+AlwaysPreTouch}: the Java heap is resident
 *       whole before the baseline, so the pass's Java objects (its tree of live blocks, the parsed trace) never
 *       add a resident page, and Java heap growth does not count against the allocator;</li>
 *   <li>{@code -XX:+UseSerialGC}: no GC threads beside the replay;</li>
 *   <li>{@code -XX:TieredStopAtLevel=1 -Xbatch}: one compiler, and compiling in the calling thread's time, so
 *       that the warm-up's compilations are finished, not queued, when the baseline is taken.</li>
 * </ul>
 * The warm-up runs, before the measured allocator is opened, {@value #WARM_UP_ROUNDS} checked passes of a made-up
 * trace on a {@link ScratchAllocator} (its own mapping, unmapped after each) and as many noise passes, then a GC:
 * the replay loops, the payload checks and the sampling are compiled by then. For an allocator whose every instance
 * is fresh (jalloc's), it also runs {@value #WARM_UP_ROUNDS} checked passes on instances of it, each closed
 * before the next and before the measured one is opened (they share no memory), so that its Java code is
 * compiled before the baseline, as a native peer's machine code is before it is loaded. A native peer cannot be
 * warmed up that way (it has one state per process): its few lines of Java (the downcalls) are compiled, and the
 * JVM links its downcalls at their first call, during the measured pass.
 */
public final class ChildCheckedPass {
    private static final String PEAKS = "peaks ";
    /**
     * Warm-up rounds: past the 200 calls after which C1 compiles a method (-XX:Tier3InvocationThreshold), the pass's
     * loop included, so that the measured pass runs compiled code from its first op.
     */
    static final int WARM_UP_ROUNDS = 250;
    /** The ops of the warm-up's made-up trace, on a few ids so that frees and reallocs come often. */
    static final int WARM_UP_OPS = 64;

    private ChildCheckedPass() {
    }

    /**
     * {@return the peaks of the checked pass of {@code trace} on {@code allocator} (a name {@link Allocators}
     * knows), or of the noise pass if it is {@link NoisePass#NO_ALLOCATOR}, run in a child JVM with
     * {@code environment} added to this process's (the allocator's {@link Allocators.Entry#childEnvironment()})}
     *
     * @throws ReplayException if the allocator broke a promise, or the child failed
     * @throws AllocatorUnavailableException if the allocator cannot run in the child
     */
    static CheckedPass.Peaks run(Trace trace, String allocator, Map<String, String> environment)
            throws AllocatorUnavailableException {
        // The child parses the trace again, keeps a few arrays per op and per id and a tree entry per live block:
        // a recorded trace of a real program (millions of ops, millions of live blocks) needs more than the
        // malloc-lab ones, and a heap too tight makes the serial collector run all the time.
        // The heap is pre-touched whole (a second for 256 MiB on the 2-core VM of BENCHMARKS.md): no more than that.
        long heapMiB = 96 + (64L * trace.opCount() + 160L * trace.idCount() >> 20);
        List<String> options = List.of("-Xms" + heapMiB + "m", "-Xmx" + heapMiB + "m", "-XX:+AlwaysPreTouch",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xbatch");
        String[] numbers = ChildJvm.run(options, ChildCheckedPass.class, List.of(allocator, trace.source()),
                environment, PEAKS, trace.source() + ": " + allocator + ": the checked pass").split(" ");
        return new CheckedPass.Peaks(Long.parseLong(numbers[0]), Long.parseLong(numbers[1]),
                Long.parseLong(numbers[2]));
    }

    /**
     * The child's side: {@code ALLOCATOR TRACE}.
     *
     * @param args the allocator's name (or {@link NoisePass#NO_ALLOCATOR}) and the trace file
     */
    public static void main(String[] args) {
        ChildJvm.exitWith(() -> {
            try (ResidentMemory resident = ResidentMemory.open()) {
                Trace trace = TraceParser.parse(Path.of(args[1]));
                CheckedPass.Peaks peaks;
                if (args[0].equals(NoisePass.NO_ALLOCATOR)) {
                    warmUp(resident, null);
                    peaks = NoisePass.run(trace, resident);
                } else {
                    Allocators.Entry entry = Allocators.byName(args[0]).orElseThrow(
                            () -> new IllegalArgumentException("unknown allocator " + args[0]));
                    warmUp(resident, entry);
                    try (ReplayAllocator allocator = entry.opener().open()) {
                        peaks = CheckedPass.run(trace, entry.name(), allocator, resident);
                    }
                }
                return PEAKS + peaks.liveBytes() + " " + peaks.footprintBytes() + " " + peaks.residentBytes();
            }
        });
    }

    /**
     * Compiles what the measured pass runs (see the class comment): checked passes of a made-up trace on a
     * {@link ScratchAllocator}, and on instances of {@code entry} if it is fresh per instance, noise passes, a GC.
     */
    private static void warmUp(ResidentMemory resident, Allocators.Entry entry) throws AllocatorUnavailableException {
        Trace madeUp = ReplayEngine.madeUpTrace(WARM_UP_OPS, 16, 0xC0FFEEL);
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            try (ReplayAllocator scratch = new ScratchAllocator()) {
                CheckedPass.run(madeUp, "warm-up", scratch, resident);
            }
            if (entry != null && !entry.processWide()) {
                try (ReplayAllocator instance = entry.opener().open()) {
                    CheckedPass.run(madeUp, entry.name(), instance, resident);
                }
            }
            NoisePass.run(madeUp, resident);
        }
        System.gc();
    }
}
