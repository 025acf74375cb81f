package dev.jalloc.fuzz;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The state one fuzzing run shares between its drivers: the seed and the random draws, the call counter and the
 * last {@value #LOG_SIZE} calls (printed on a violation), the second thread, what is known about native memory, and
 * the stale segments. Every API call goes through {@link #call}, which runs it on the chosen thread and judges its
 * outcome against an {@link Expect}.
 */
final class Fuzz {
    static final int LOG_SIZE = Integer.getInteger("jalloc.fuzz.log", 50);

    /** One API call, made on whichever thread the fuzzer chose. */
    @FunctionalInterface
    interface Body {
        void run() throws Throwable;
    }

    final long seed;
    final Draw draw;
    final Memory memory = new Memory();
    final OtherThread other = new OtherThread();
    final StaleSegments stale;
    final boolean trace;
    /** API calls made so far; read by the watchdog. */
    volatile long calls;
    private final String[] log = new String[LOG_SIZE];
    private long logged;
    /** Whether the next call runs on the other thread: set by {@link #onOther}, consumed by {@link #call}. */
    private boolean nextOnOther;

    Fuzz(long seed, boolean trace) {
        this.seed = seed;
        this.draw = new Draw(new SplittableRandom(seed));
        this.trace = trace;
        this.stale = new StaleSegments(this);
    }

    /** {@return whether the next call goes to the other thread (drawn with {@code percent} chance); sets it so} */
    boolean onOther(int percent) {
        nextOnOther = draw.chance(percent);
        return nextOnOther;
    }

    /** Calls on a hardened heap (its name says its level): for the count of valid calls a hardened heap took. */
    long hardenedCalls;
    /** Whether most calls go to heaps, every heap built on its own hardened: the hardened fuzz run. */
    boolean hardenedFocus;

    /**
     * Runs one API call and checks its outcome: {@return null if it returned normally, or the documented exception
     * it threw}
     *
     * @throws Violation if it returned where the contract says it throws, or threw what the contract does not allow
     */
    Throwable call(String what, Expect expect, Body body) {
        boolean there = nextOnOther;
        nextOnOther = false;
        long n = calls;
        if (what.contains("[LIGHT") || what.contains("[STANDARD") || what.contains("[FULL")) {
            hardenedCalls++;
        }
        String entry = "#" + n + (there ? " [other thread] " : " ") + what;
        int slot = (int) (logged++ % LOG_SIZE);
        log[slot] = entry;
        calls = n + 1;
        if (trace) {
            System.out.println(entry);
        }
        Throwable thrown;
        if (there) {
            thrown = other.run(body);
        } else {
            thrown = null;
            try {
                body.run();
            } catch (Throwable t) {
                thrown = t;
            }
        }
        log[slot] = entry + (thrown == null ? "" : "  -> " + thrown.getClass().getSimpleName());
        if (trace) {
            System.out.println("    -> " + (thrown == null ? "ok" : thrown.toString()));
        }
        String wrong = expect.judge(thrown);
        if (wrong != null) {
            throw new Violation(what + ": " + wrong, thrown);
        }
        return thrown;
    }

    /** Logs a step that is not an API call (a model action), so that reports show it in order. */
    void note(String what) {
        log[(int) (logged++ % LOG_SIZE)] = "  (" + what + ")";
        if (trace) {
            System.out.println("  (" + what + ")");
        }
    }

    /** Throws unless a refused call left the observable state as it was. */
    static void unchanged(String what, Throwable thrown, long[] before, long[] after) {
        if (thrown != null && !Arrays.equals(before, after)) {
            throw new Violation(what + " was refused (" + thrown + ") but changed the observable state from "
                    + Arrays.toString(before) + " to " + Arrays.toString(after), thrown);
        }
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new Violation(what);
        }
    }

    /** {@return the last calls, oldest first} */
    String lastCalls() {
        StringBuilder b = new StringBuilder();
        for (long i = Math.max(0, logged - LOG_SIZE); i < logged; i++) {
            b.append("  ").append(log[(int) (i % LOG_SIZE)]).append('\n');
        }
        return b.toString();
    }
}
