package dev.jalloc.examples.redis;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jalloc.heap.Heap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the Redis tests share: commands' arguments made the way the parser makes them ({@link Args} over a native
 * segment), RESP2 replies decoded into Java values, and seeds. Byte strings are written as Java strings in
 * ISO-8859-1, one char per byte, so that any bytes (NUL, CR, LF, 0xff) read and compare as text.
 */
final class RespTesting {
    /** The decoded nil array ({@code *-1}); the nil bulk string decodes to {@code null}. */
    static final Object NIL_ARRAY = new Object() {
        @Override
        public String toString() {
            return "*-1";
        }
    };

    private RespTesting() {
    }

    /**
     * {@return the arguments {@code parts} (the command's name first)}, laid out as in a connection's input: each
     * after a line of junk, so that no argument starts at offset 0 or is followed by its own bytes again
     */
    static Args args(String... parts) {
        long size = 3;
        for (String part : parts) {
            size += part.length() + 2;
        }
        MemorySegment in = Arena.ofAuto().allocate(size);
        in.fill((byte) '#');
        Args args = new Args();
        args.reset(in);
        long at = 3;
        for (String part : parts) {
            byte[] bytes = bytes(part);
            MemorySegment.copy(bytes, 0, in, JAVA_BYTE, at, bytes.length);
            args.add((int) at, bytes.length);
            at += bytes.length + 2;
        }
        return args;
    }

    /** {@return the bytes of {@code text}, one per char} */
    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@return {@code bytes} as text, one char per byte} */
    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /**
     * {@return the one reply in {@code reply}}: a bulk string as a {@code String} ({@code null} for nil), an
     * integer as a {@code Long}, an array as a {@code List} ({@link #NIL_ARRAY} for the nil array), a simple string
     * as {@code "+text"}, an error as {@code "-message"}
     */
    static Object decode(Reply reply) {
        ByteBuffer buffer = reply.flip().duplicate();
        Object value = decode(buffer);
        assertEquals(0, buffer.remaining(), "bytes after the reply");
        reply.release();
        return value;
    }

    /**
     * Asserts that a storage's shutdown report says nothing leaked: the jalloc heap's leak report counts
     * {@code 0 blocks}, Netty's says every buffer was released (and never {@code LEAK}).
     */
    static void assertNoLeak(String report) {
        assertNotNull(report);
        assertFalse(report.contains("LEAK"), report);
        assertFalse(Pattern.compile("\\b[1-9][0-9]* blocks \\(").matcher(report).find(), report);
    }

    /** Reply buffers of the tests: one shared heap for the test JVM, each buffer given back by {@link #decode}. */
    private static final Heap REPLY_BUFFERS = Heap.ofShared();

    /** {@return an empty reply buffer, released by {@link #decode}} */
    static Reply reply() {
        return new Reply(REPLY_BUFFERS, 16);
    }

    private static Object decode(ByteBuffer in) {
        char type = (char) in.get();
        String line = line(in);
        switch (type) {
            case '+', '-' -> {
                return type + line;
            }
            case ':' -> {
                return Long.parseLong(line);
            }
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = new byte[length];
                in.get(bytes);
                assertEquals("", line(in), "a bulk string ends in CRLF");
                return text(bytes);
            }
            case '*' -> {
                long count = Long.parseLong(line);
                if (count < 0) {
                    return NIL_ARRAY;
                }
                List<Object> elements = new ArrayList<>();
                for (long i = 0; i < count; i++) {
                    elements.add(decode(in));
                }
                return elements;
            }
            default -> {
                return fail("not a RESP2 type: '" + type + "'");
            }
        }
    }

    private static String line(ByteBuffer in) {
        StringBuilder line = new StringBuilder();
        while (true) {
            byte b = in.get();
            if (b == '\r') {
                assertEquals('\n', in.get(), "CR is followed by LF");
                return line.toString();
            }
            line.append((char) (b & 0xff));
        }
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
}
