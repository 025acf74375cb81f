package dev.jalloc.examples.redis;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.jalloc.heap.Heap;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A connection's output: replies are encoded in RESP2 straight into a buffer from the event loop's own heap that
 * grows as needed, and written to the socket once per batch of commands (a pipelined batch costs one write).
 *
 * <pre>
 *   +OK\r\n             simple string      :42\r\n          integer
 *   -ERR message\r\n    error              $5\r\nhello\r\n  bulk string ($-1\r\n: nil)
 *   *2\r\n$1\r\na\r\n$1\r\nb\r\n           array of two bulk strings (*-1\r\n: nil array)
 * </pre>
 */
final class Reply {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NIL = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NIL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Heap heap;
    private ByteBuffer buffer;
    private MemorySegment segment;
    /** The write position in {@link #segment}; the buffer's position is kept at 0 until {@link #flip()}. */
    private long pos;

    /** A reply buffer of {@code initialBytes} from {@code heap}, which {@link #release()} gives back. */
    Reply(Heap heap, int initialBytes) {
        this.heap = heap;
        segment = heap.allocateNoInit(initialBytes, 64);
        buffer = segment.asByteBuffer();
    }

    /** Gives the buffer back to the heap; the reply is not used after. */
    void release() {
        heap.free(segment);
        segment = MemorySegment.NULL;
        buffer = null;
    }

    /** Replies {@code +OK}. */
    public void ok() {
        raw(OK);
    }

    /**
     * A simple string reply.
     *
     * @param text ASCII, without CR or LF
     */
    public void simple(String text) {
        line('+', text);
    }

    /**
     * An error reply.
     *
     * @param message the message, starting with its code ({@code ERR ...}); CR and LF become spaces
     */
    public void error(String message) {
        line('-', message.replace('\r', ' ').replace('\n', ' '));
    }

    /**
     * An integer reply.
     *
     * @param value the integer
     */
    public void integer(long value) {
        header(':', value);
    }

    /** The nil bulk string ({@code $-1}). */
    public void nil() {
        raw(NIL);
    }

    /** The nil array ({@code *-1}). */
    public void nilArray() {
        raw(NIL_ARRAY);
    }

    /**
     * An array's header; its {@code count} elements are the next replies.
     *
     * @param count the number of elements
     */
    public void array(long count) {
        header('*', count);
    }

    /**
     * A bulk string: {@code length} bytes at {@code offset} of {@code source}.
     *
     * @param source where the bytes are
     * @param offset where they start
     * @param length how many
     */
    public void bulk(MemorySegment source, long offset, long length) {
        header('$', length);
        ensure(length + 2);
        MemorySegment.copy(source, offset, segment, pos, length);
        pos += length;
        raw(CRLF);
    }

    /**
     * A bulk string of {@code bytes}.
     *
     * @param bytes the bytes
     */
    public void bulk(byte[] bytes) {
        bulk(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    /**
     * A bulk string of {@code text} in UTF-8.
     *
     * @param text the text
     */
    public void bulk(String text) {
        bulk(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Starts a bulk string of {@code length} bytes that the caller writes itself.
     *
     * @param length how many bytes
     * @return where to write them in {@link #segment()}; call {@link #endBulk(long)} after
     */
    public long beginBulk(long length) {
        header('$', length);
        ensure(length + 2);
        return pos;
    }

    /**
     * Ends a bulk string begun with {@link #beginBulk(long)}.
     *
     * @param length the length given to {@code beginBulk}
     */
    public void endBulk(long length) {
        pos += length;
        raw(CRLF);
    }

    /** {@return the segment the replies are written into} (valid until the next write grows it) */
    public MemorySegment segment() {
        return segment;
    }

    // ---- for the connection ---------------------------------------------------------------------------------

    /** {@return the number of bytes waiting to be written} */
    long pending() {
        return pos - buffer.position();
    }

    /** {@return the buffer, its position and limit framing what is still to be written} */
    ByteBuffer flip() {
        buffer.limit((int) pos);
        return buffer;
    }

    /** After a write: forgets what was written, and shrinks a buffer a large reply grew. */
    void written(int shrinkTo) {
        if (buffer.hasRemaining()) {
            return;
        }
        buffer.clear();
        pos = 0;
        if (buffer.capacity() > shrinkTo) {
            heap.free(segment);
            segment = heap.allocateNoInit(shrinkTo, 64);
            buffer = segment.asByteBuffer();
        }
    }

    // ---- encoding --------------------------------------------------------------------------------------------

    private void header(char type, long value) {
        ensure(1 + Numbers.MAX_DIGITS + 2);
        segment.set(JAVA_BYTE, pos++, (byte) type);
        pos += Numbers.writeLong(segment, pos, value);
        segment.set(JAVA_BYTE, pos++, (byte) '\r');
        segment.set(JAVA_BYTE, pos++, (byte) '\n');
    }

    private void line(char type, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ensure(bytes.length + 3);
        segment.set(JAVA_BYTE, pos++, (byte) type);
        raw(bytes);
        raw(CRLF);
    }

    private void raw(byte[] bytes) {
        ensure(bytes.length);
        MemorySegment.copy(bytes, 0, segment, JAVA_BYTE, pos, bytes.length);
        pos += bytes.length;
    }

    private void ensure(long more) {
        if (pos + more <= segment.byteSize()) {
            return;
        }
        long wanted = Math.max(segment.byteSize() * 2, pos + more);
        if (wanted > Integer.MAX_VALUE - 8) {
            throw new RedisException("ERR reply too large");
        }
        MemorySegment grown = heap.allocateNoInit(wanted, 64);
        ByteBuffer bigger = grown.asByteBuffer();
        int start = buffer.position();
        MemorySegment.copy(segment, start, grown, 0, pos - start);
        pos -= start;
        heap.free(segment);
        buffer = bigger;
        segment = grown;
    }
}
