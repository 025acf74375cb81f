package dev.jalloc.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How a shared heap finds the calling thread's cache (issue 10 asks to measure this before choosing). One op: find
 * the calling thread's {@link Cache} and bump its counter, the least a heap's fast path does with what it found.
 * {@value #OPS} ops per invocation, in a loop the JIT may not hoist the lookup out of (each lookup goes through a
 * method that is not inlined into the loop's caller, as an allocation call from user code would).
 *
 * <dl>
 *   <dt>{@link #explicitHandle}</dt>
 *   <dd>Speed of light: the caller holds its cache (a thread-confined handle passed to the hot loop).</dd>
 *   <dt>{@link #currentThread}</dt>
 *   <dd>{@code Thread.currentThread()} alone, compared with a field: what any implicit lookup pays at least.</dd>
 *   <dt>{@link #threadLocal}</dt>
 *   <dd>{@code ThreadLocal.get()} of an initialized value (the thread's map, its hash, one probe).</dd>
 *   <dt>{@link #threadIdTable}</dt>
 *   <dd>A table of 1024 slots indexed by {@code Thread.currentThread().threadId()}, the slot's owner compared
 *       with the current thread (what a heap keyed by thread would do without a {@code ThreadLocal}).</dd>
 *   <dt>{@link #scopedValue}</dt>
 *   <dd>{@code ScopedValue.get()} inside a binding made once per invocation (JDK 25's final API): only
 *       applicable where the caller runs under a binding.</dd>
 * </dl>
 * Run with {@code -t 1} and {@code -t 2} (the machine has two cores): every lookup reads only the calling thread's
 * state, so the two should agree unless a lookup shares a cache line between threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
public class ThreadLookupBench {
    static final int OPS = 1024;
    static final int TABLE = 1024;

    /** What a heap's thread cache would be; padded so that two threads' caches never share a cache line. */
    public static final class Cache {
        long p0, p1, p2, p3, p4, p5, p6;
        long count;
        long q0, q1, q2, q3, q4, q5, q6;
        final Thread owner;

        Cache(Thread owner) {
            this.owner = owner;
        }
    }

    static final ThreadLocal<Cache> LOCAL = ThreadLocal.withInitial(() -> new Cache(Thread.currentThread()));
    static final ScopedValue<Cache> SCOPED = ScopedValue.newInstance();
    static final Cache[] BY_ID = new Cache[TABLE];

    /** The calling thread's own state: its handle, and its registration in the table. */
    @State(Scope.Thread)
    public static class PerThread {
        Cache handle;
        Thread thread;

        @Setup(Level.Trial)
        public void setUp() {
            thread = Thread.currentThread();
            handle = LOCAL.get();
            int slot = (int) (thread.threadId() & (TABLE - 1));
            if (BY_ID[slot] != null && BY_ID[slot].owner != thread) {
                throw new IllegalStateException("two benchmark threads share table slot " + slot);
            }
            BY_ID[slot] = handle;
        }
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    static Cache viaThreadLocal() {
        return LOCAL.get();
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    static Cache viaTable() {
        Thread t = Thread.currentThread();
        Cache c = BY_ID[(int) (t.threadId() & (TABLE - 1))];
        if (c == null || c.owner != t) {
            throw new IllegalStateException("no cache for " + t);
        }
        return c;
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    static Cache viaScopedValue() {
        return SCOPED.get();
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    static Cache viaHandle(Cache handle) {
        return handle;
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    static boolean isOwner(PerThread s) {
        return Thread.currentThread() == s.thread;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long explicitHandle(PerThread s) {
        for (int i = 0; i < OPS; i++) {
            viaHandle(s.handle).count++;
        }
        return s.handle.count;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long currentThread(PerThread s) {
        for (int i = 0; i < OPS; i++) {
            if (isOwner(s)) {
                s.handle.count++;
            }
        }
        return s.handle.count;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long threadLocal(PerThread s) {
        for (int i = 0; i < OPS; i++) {
            viaThreadLocal().count++;
        }
        return s.handle.count;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long threadIdTable(PerThread s) {
        for (int i = 0; i < OPS; i++) {
            viaTable().count++;
        }
        return s.handle.count;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long scopedValue(PerThread s) {
        return ScopedValue.where(SCOPED, s.handle).call(() -> {
            for (int i = 0; i < OPS; i++) {
                viaScopedValue().count++;
            }
            return s.handle.count;
        });
    }
}
