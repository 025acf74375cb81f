package dev.jalloc.examples.sqlite;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes of native memory at raw addresses, for the binding's temporaries and SQLite's results: one
 * segment over the whole address space, so that an access at an address makes no {@link MemorySegment} object.
 *
 * <p>Only addresses the binding got from its {@link Temporaries} or from SQLite itself are accessed, within the
 * byte counts they came with (SQLite's {@code sqlite3_column_bytes}, the temporary's own size): the segment checks
 * nothing, as C would not.
 */
final class NativeMemory {
    /** Every address: offset {@code a} of this segment is address {@code a}. */
    @SuppressWarnings("restricted")
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private NativeMemory() {
    }

    /**
     * {@return the length of {@code text} in UTF-8, as {@link String#getBytes} with UTF-8 encodes it} (a lone
     * surrogate becomes one byte, {@code '?'})
     *
     * @param text the text
     */
    static long utf8Length(String text) {
        int n = text.length();
        long bytes = n;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    bytes += 2;   // 4 bytes for the pair's 2 chars
                    i++;
                } else if (!Character.isSurrogate(c)) {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    /**
     * Writes {@code text} as UTF-8 at {@code address}, followed by a NUL.
     *
     * @param address    where, with {@code utf8Length + 1} writable bytes
     * @param text       the text
     * @param utf8Length {@link #utf8Length(String)} of it
     */
    static void putUtf8(long address, String text, long utf8Length) {
        int n = text.length();
        if (utf8Length == n) {   // ASCII: the JDK copies it without an intermediate array
            ALL.setString(address, text, StandardCharsets.UTF_8);
            return;
        }
        long at = address;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                ALL.set(JAVA_BYTE, at++, (byte) c);
            } else if (c < 0x800) {
                ALL.set(JAVA_BYTE, at++, (byte) (0xc0 | c >> 6));
                ALL.set(JAVA_BYTE, at++, (byte) (0x80 | c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                ALL.set(JAVA_BYTE, at++, (byte) (0xf0 | cp >> 18));
                ALL.set(JAVA_BYTE, at++, (byte) (0x80 | cp >> 12 & 0x3f));
                ALL.set(JAVA_BYTE, at++, (byte) (0x80 | cp >> 6 & 0x3f));
                ALL.set(JAVA_BYTE, at++, (byte) (0x80 | cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                ALL.set(JAVA_BYTE, at++, (byte) '?');
            } else {
                ALL.set(JAVA_BYTE, at++, (byte) (0xe0 | c >> 12));
                ALL.set(JAVA_BYTE, at++, (byte) (0x80 | c >> 6 & 0x3f));
                ALL.set(JAVA_BYTE, at++, (byte) (0x80 | c & 0x3f));
            }
        }
        ALL.set(JAVA_BYTE, at, (byte) 0);
    }
}
