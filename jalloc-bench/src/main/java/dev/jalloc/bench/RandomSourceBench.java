package dev.jalloc.bench;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one random choice costs, the quarantine's per free (issue 12 asks to measure why a hardened heap does not
 * call {@code SecureRandom} per call). One op: a random index below 1024, summed so the JIT keeps it.
 *
 * <dl>
 *   <dt>{@link #counter}</dt><dd>Speed of light: a counter masked to 1024, no randomness.</dd>
 *   <dt>{@link #secureRandom}</dt><dd>{@code new SecureRandom()} (the platform's default, DRBG or NativePRNG),
 *       {@code nextInt(1024)} per op.</dd>
 *   <dt>{@link #secureRandomBuffered}</dt><dd>The same source read 4 KiB at a time into a buffer, two bytes per
 *       op.</dd>
 *   <dt>{@link #seededMix}</dt><dd>What a hardened heap does: {@code L64X256MixRandom} seeded once from
 *       {@code SecureRandom}, {@code nextInt(1024)} per op.</dd>
 *   <dt>{@link #threadLocalRandom}</dt><dd>{@code ThreadLocalRandom} (predictable from its seed: not a
 *       candidate, a reference).</dd>
 * </dl>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Thread)
public class RandomSourceBench {
    static final int OPS = 1024;

    SecureRandom secure;
    RandomGenerator mix;
    byte[] buffer = new byte[4096];
    int at = buffer.length;
    int count;

    @Setup
    public void setup() {
        secure = new SecureRandom();
        byte[] seed = new byte[32];
        secure.nextBytes(seed);
        mix = RandomGeneratorFactory.of("L64X256MixRandom").create(seed);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public int counter() {
        int sum = 0;
        for (int i = 0; i < OPS; i++) {
            sum += count++ & 1023;
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public int secureRandom() {
        int sum = 0;
        for (int i = 0; i < OPS; i++) {
            sum += secure.nextInt(1024);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public int secureRandomBuffered() {
        int sum = 0;
        for (int i = 0; i < OPS; i++) {
            if (at + 2 > buffer.length) {
                secure.nextBytes(buffer);
                at = 0;
            }
            sum += ((buffer[at] & 0xFF) << 8 | buffer[at + 1] & 0xFF) & 1023;
            at += 2;
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public int seededMix() {
        int sum = 0;
        for (int i = 0; i < OPS; i++) {
            sum += mix.nextInt(1024);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public int threadLocalRandom() {
        int sum = 0;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < OPS; i++) {
            sum += r.nextInt(1024);
        }
        return sum;
    }
}
