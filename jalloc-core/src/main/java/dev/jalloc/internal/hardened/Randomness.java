package dev.jalloc.internal.hardened;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * A hardened heap's random numbers: a {@code L64X256MixRandom}, fast enough for every free (about 2 ns a draw, where a
 * {@code SecureRandom} call costs about 120: see {@code RandomSourceBench}), seeded from {@link SecureRandom} and
 * seeded again from it every {@value #RESEED_DRAWS} draws, so that what one could learn of its state from the
 * addresses it chose stops being of use. Not thread-safe: the engine guards it.
 */
final class Randomness implements RandomGenerator {
    /** Draws between two seeds from the OS's source. */
    static final int RESEED_DRAWS = 1 << 20;

    private final SecureRandom source = new SecureRandom();
    private RandomGenerator mix;
    private int left;

    Randomness() {
        reseed();
    }

    private void reseed() {
        byte[] seed = new byte[32];
        source.nextBytes(seed);
        mix = RandomGeneratorFactory.of("L64X256MixRandom").create(seed);
        left = RESEED_DRAWS;
    }

    @Override
    public long nextLong() {
        if (--left <= 0) {
            reseed();
        }
        return mix.nextLong();
    }
}
