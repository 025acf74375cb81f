package dev.jalloc.bench;

import dev.jalloc.arena.LinearArena;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pushes of 32 bytes on one arena from every benchmark thread ({@code -t 1}, {@code -t 2}: the machine has two
 * cores), each push's first byte written.
 *
 * <dl>
 *   <dt>{@code jallocShared}</dt><dd>A shared {@link LinearArena}: its lock-free window, a compare-and-set of the
 *       offset per push.</dd>
 *   <dt>{@code jallocSharedLocked}</dt><dd>A checked shared arena: it has no window, so every push takes the
 *       arena's lock, which is what every shared push did before the window (checked mode adds nothing else to a
 *       push outside a temp).</dd>
 *   <dt>{@code jallocConfined}</dt><dd>Speed of light: a confined arena per thread (its fast path, no atomic).</dd>
 *   <dt>{@code jdkShared}</dt><dd>{@code Arena.ofShared().allocate(32, 8)}: the JDK's shared arena, malloc per
 *       push (freed when the arena is closed at each iteration's end).</dd>
 * </dl>
 * Every {@value #OPS} pushes the position goes back to the start when past {@value #WRAP} bytes (the pushes of other
 * threads are then popped too, which nobody reads): the arena's memory is touched once, before measuring.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class SharedArenaPushBench {
    static final int OPS = 1024;
    static final long WRAP = 32L << 20;

    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"jallocShared", "jallocSharedLocked", "jdkShared"})
        public String contender;
        LinearArena arena;
        Arena jdk;

        @Setup(Level.Trial)
        public void setUp() {
            if (contender.startsWith("jalloc")) {
                arena = LinearArena.builder().shared(true).checked(contender.endsWith("Locked")).build();
                arena.pushNoInit(2 * WRAP, 4096).fill((byte) 1);   // touch every page once
                arena.popTo(0);
            }
        }

        @Setup(Level.Iteration)
        public void iteration() {
            if (jdk != null) {
                jdk.close();
            }
            jdk = Arena.ofShared();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (arena != null) {
                arena.close();
            }
            jdk.close();
        }
    }

    @State(Scope.Thread)
    public static class Confined {
        LinearArena arena;

        @Setup(Level.Trial)
        public void setUp() {
            arena = LinearArena.builder().build();
            arena.pushNoInit(2 * WRAP, 4096).fill((byte) 1);
            arena.popTo(0);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long shared(Shared s) {
        long sum = 0;
        if (s.arena != null) {
            LinearArena a = s.arena;
            for (int i = 0; i < OPS; i++) {
                MemorySegment m = a.pushNoInit(32, 8);
                m.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) i);
                sum += m.address();
            }
            if (a.pos() > WRAP) {
                a.popTo(0);
            }
        } else {
            Arena jdk = s.jdk;
            for (int i = 0; i < OPS; i++) {
                MemorySegment m = jdk.allocate(32, 8);
                m.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) i);
                sum += m.address();
            }
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long confined(Confined c) {
        LinearArena a = c.arena;
        long sum = 0;
        for (int i = 0; i < OPS; i++) {
            MemorySegment m = a.pushNoInit(32, 8);
            m.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) i);
            sum += m.address();
        }
        if (a.pos() > WRAP) {
            a.popTo(0);
        }
        return sum;
    }
}
