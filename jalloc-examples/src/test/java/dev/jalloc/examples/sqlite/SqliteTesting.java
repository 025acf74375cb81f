package dev.jalloc.examples.sqlite;

import java.util.SplittableRandom;

/** What the tests of this package share: the skip messages, seeds, and random rows. */
final class SqliteTesting {
    /** Why a test skips when the dynamic linker cannot find SQLite. */
    static final String NO_LIBRARY = "SQLite is not installed (Debian package " + SqliteLibrary.DEBIAN_PACKAGE
            + "): the binding's tests skip";

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789"
            + "éüñß€漢字✓𝄞";

    private SqliteTesting() {
    }

    /**
     * {@return the seed of a randomized test}: {@code -Djalloc.seed=N} replays one, otherwise a new one; printed
     * either way, so that any failure can be replayed.
     *
     * @param test the test's name, printed with the seed
     */
    static long seed(String test) {
        String given = System.getProperty("jalloc.seed");
        long seed = given != null ? Long.parseLong(given) : System.nanoTime();
        System.out.println(test + ": seed " + seed + " (replay with -Djalloc.seed=" + seed + ")");
        return seed;
    }

    /**
     * {@return random text of about {@code minBytes} to {@code maxBytes} bytes of UTF-8}, mostly ASCII with some
     * two-, three- and four-byte characters
     *
     * @param random   the source
     * @param minBytes the least UTF-8 length
     * @param maxBytes about the most (a last character may pass it by up to 3 bytes)
     */
    static String text(SplittableRandom random, int minBytes, int maxBytes) {
        int target = random.nextInt(minBytes, maxBytes + 1);
        StringBuilder text = new StringBuilder(target);
        while (NativeMemory.utf8Length(text.toString()) < target) {
            int at = random.nextInt(100) < 90 ? random.nextInt(63) : random.nextInt(63, ALPHABET.length());
            char c = ALPHABET.charAt(at);
            if (Character.isSurrogate(c)) {
                int start = Character.isHighSurrogate(c) ? at : at - 1;
                text.append(ALPHABET, start, start + 2);
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }
}
