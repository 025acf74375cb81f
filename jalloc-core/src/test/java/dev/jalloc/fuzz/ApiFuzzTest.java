package dev.jalloc.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.testing.ChildJvm;
import dev.jalloc.testing.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The API fuzzer (issue 9): child JVMs ({@link ApiFuzzChild}) drive every public type of jalloc with random
 * sequences of valid and invalid calls, so that a crash, a hang or an undocumented exception is a failure that names
 * the seed, not a dead build. Child {@code i} runs the seed {@code base + i}.
 *
 * <p>Properties: {@code jalloc.fuzz.calls} (total calls, default {@value #CALLS}), {@code jalloc.fuzz.children}
 * (default {@value #CHILDREN}), {@code jalloc.fuzz.parallel} (children at once, default {@value #PARALLEL}),
 * {@code jalloc.test.seed} (the base seed). Replay a failed child with {@code -Djalloc.test.seed=<its seed>
 * -Djalloc.fuzz.children=1 -Djalloc.fuzz.calls=<calls>}. The long run: see docs/TESTING.md.
 */
class ApiFuzzTest {
    static final long CALLS = 1_000_000;
    static final int CHILDREN = 4;
    static final int PARALLEL = 2;
    static final long HARDENED_CALLS = 150_000;

    @Test
    void randomCallsKeepTheContract() throws Exception {
        fuzz("ApiFuzzTest", Long.getLong("jalloc.fuzz.calls", CALLS), false);
    }

    /**
     * Most calls on hardened heaps (every level but {@code NONE}, confined and shared, some with checked
     * lifetimes), among the rest of the API: valid use must never be reported as damage. {@code
     * jalloc.fuzz.hardenedCalls} sets the calls (default {@value #HARDENED_CALLS}); each child prints how many went to
     * hardened heaps.
     */
    @Test
    void hardenedHeapsSeeNoDamageInValidCalls() throws Exception {
        fuzz("ApiFuzzTest[hardened]", Long.getLong("jalloc.fuzz.hardenedCalls", HARDENED_CALLS), true);
    }

    private static void fuzz(String name, long total, boolean hardened) throws Exception {
        int children = Integer.getInteger("jalloc.fuzz.children", CHILDREN);
        int parallel = Integer.getInteger("jalloc.fuzz.parallel", PARALLEL);
        long base = Seeds.seed(name);
        long perChild = (total + children - 1) / children;
        long timeout = Math.max(170, perChild / 1500);
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        List<Future<String>> runs = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < children; i++) {
            long seed = base + i;
            runs.add(pool.submit(() -> {
                ChildJvm.Result r = ChildJvm.of(ApiFuzzChild.class).timeoutSeconds(timeout)
                        .run(Long.toString(seed), Long.toString(perChild), hardened ? "hardened" : "mixed");
                String line = lastLine(r.output());
                System.out.println("child seed " + seed + ": " + (r.ok() ? line : r.describe()));
                return r.ok() && line.startsWith("PASS") ? null
                        : "child seed " + seed + " (replay: -Djalloc.test.seed=" + seed
                                + " -Djalloc.fuzz.children=1 -Djalloc.fuzz." + (hardened ? "hardenedCalls=" : "calls=")
                                + perChild + "): " + r.describe();
            }));
        }
        List<String> failures = new ArrayList<>();
        for (Future<String> f : runs) {
            String failure = f.get();
            if (failure != null) {
                failures.add(failure);
            }
        }
        pool.shutdown();
        System.out.printf("%s: %d children x %d calls in %.1f s%n", name, children, perChild,
                (System.nanoTime() - start) / 1e9);
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
    }

    private static String lastLine(String output) {
        String s = output.strip();
        int i = s.lastIndexOf('\n');
        return i < 0 ? s : s.substring(i + 1);
    }
}
