package dev.jalloc;

import java.util.Locale;

/**
 * How much an allocator watches itself, chosen when it is built ({@code debug(level)} on its builder), with the
 * system property {@value #PROPERTY} as the default for every allocator that is not told ({@code off},
 * {@code leaks}, {@code sampled}, {@code all}, {@code paranoid}; any case). Each level does what the ones before it
 * do:
 *
 * <pre>
 *   level      what it keeps                                        cost per allocation and free
 *   OFF        the counters of stats(): always kept                 nothing beyond them
 *   LEAKS      at close, what is still live is reported (counts)    nothing beyond them
 *   SAMPLED    the allocation site (a stack trace) of a sample of   a map update per sampled block, a map lookup
 *              blocks: one per 512 KiB allocated on average         per free; a stack walk per sample
 *   ALL        the site of every live block                         a stack walk and a map update per allocation
 *   PARANOID   and checks every invariant of the allocator every    an O(pages) walk per 1024 calls
 *              1024 calls and at close
 * </pre>
 * Leak reports ({@link LeakReport}) come from the allocators that free (the heap, best fit): at {@code close()} one
 * with live blocks is logged through {@link System.Logger} {@code dev.jalloc.leaks} at {@code WARNING}, and
 * {@code leakReport()} returns one at any time.
 */
public enum DebugLevel {
    /** Counters only. */
    OFF,
    /** Live blocks reported at close, without their sites. */
    LEAKS,
    /** Sites of a sample of blocks, by bytes. */
    SAMPLED,
    /** Sites of every block. */
    ALL,
    /** Sites of every block, and invariant walks. */
    PARANOID;

    /** The system property read for the default level: {@value}. */
    public static final String PROPERTY = "jalloc.debug";

    /**
     * {@return the level the system property {@value #PROPERTY} names, or {@link #OFF} if it is not set}
     *
     * @throws IllegalArgumentException if it names no level (the message lists them)
     */
    public static DebugLevel fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        return value == null || value.isBlank() ? OFF : parse(value);
    }

    /**
     * {@return the level named {@code name}, in any case}
     *
     * @param name a level's name: off, leaks, sampled, all or paranoid
     * @throws IllegalArgumentException if it names no level (the message lists them)
     */
    public static DebugLevel parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no debug level '" + name + "': off, leaks, sampled, all or paranoid");
        }
    }

    /** {@return whether this level keeps allocation sites (of a sample or of every block)} */
    public boolean keepsSites() {
        return compareTo(SAMPLED) >= 0;
    }
}
