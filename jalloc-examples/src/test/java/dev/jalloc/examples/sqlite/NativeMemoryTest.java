package dev.jalloc.examples.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The binding's UTF-8 encoder writes what {@link String#getBytes} with UTF-8 makes, for ASCII, 2-, 3- and 4-byte
 * characters and lone surrogates (which become {@code '?'}), followed by a NUL. Needs no SQLite.
 */
class NativeMemoryTest {
    private static final char[] CHARS = {'a', 'Z', '0', ' ', '\0', 'é', 'ß', '€', '漢', '\uD834', '\uDD1E', '\uDFFF',
        '\u07FF', '\u0800', '\uFFFF', '\u007F', '\u0080'};

    @Test
    void put_utf8_writes_what_get_bytes_makes() {
        SplittableRandom random = new SplittableRandom(SqliteTesting.seed("NativeMemoryTest"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(4 * 64 + 1);
            for (int round = 0; round < 20_000; round++) {
                char[] text = new char[random.nextInt(64)];
                boolean ascii = random.nextBoolean();
                for (int i = 0; i < text.length; i++) {
                    text[i] = ascii ? (char) random.nextInt(0x80) : CHARS[random.nextInt(CHARS.length)];
                }
                String string = new String(text);
                byte[] expected = string.getBytes(StandardCharsets.UTF_8);
                assertEquals(expected.length, NativeMemory.utf8Length(string), string);
                memory.fill((byte) 0x55);
                NativeMemory.putUtf8(memory.address(), string, expected.length);
                assertArrayEquals(expected, memory.asSlice(0, expected.length).toArray(ValueLayout.JAVA_BYTE), string);
                assertEquals(0, memory.get(ValueLayout.JAVA_BYTE, expected.length), "the NUL after " + string);
            }
        }
    }
}
