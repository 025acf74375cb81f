package dev.jalloc.testing;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * Stamps that prove a block was nobody else's: every 8-byte word of a block holds {@code cookie ^ offset}, written
 * when it is handed out and checked before it is freed. A block handed to two owners at once, or written through
 * a stale address, fails the check with where.
 *
 * <pre>
 *   block: [ cookie ^ 0 | cookie ^ 8 | cookie ^ 16 | ... ]   (a tail shorter than 8 bytes is not stamped)
 * </pre>
 */
public final class Stamps {
    private Stamps() {
    }

    /** Stamps every whole word of {@code s} from {@code cookie}. */
    public static void fill(MemorySegment s, long cookie) {
        for (long i = 0; i + 8 <= s.byteSize(); i += 8) {
            s.set(JAVA_LONG, i, cookie ^ i);
        }
    }

    /** @throws AssertionError naming the block and the first word that is not as {@link #fill} left it */
    public static void verify(MemorySegment s, long cookie) {
        for (long i = 0; i + 8 <= s.byteSize(); i += 8) {
            if (s.get(JAVA_LONG, i) != (cookie ^ i)) {
                throw new AssertionError("block at " + Long.toHexString(s.address()) + " (" + s.byteSize()
                        + " bytes) damaged at byte " + i + ": another thread got it too");
            }
        }
    }
}
