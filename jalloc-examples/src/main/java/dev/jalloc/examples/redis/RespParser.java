package dev.jalloc.examples.redis;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;

/**
 * Cuts a connection's input into commands, as Redis reads them: a RESP2 array of bulk strings
 * ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}), or an inline command (a line of words separated by spaces, as
 * {@code telnet} sends {@code PING\r\n}). The arguments of a command are not copied: {@link Args} points into the
 * input.
 *
 * <p>{@link #next} is called with the bytes not yet consumed and parses one command from their start; when they
 * hold only part of one it consumes nothing, and is called again with more (only the headers are read again, never
 * a bulk's bytes). A bulk string longer than the limit is not buffered: its bytes and the rest of its command are
 * skipped as they arrive, and the command then ends as {@link #TOO_LARGE}, which the connection answers with an
 * error reply and goes on; a length over {@link RedisConfig#MAX_VALUE_LIMIT} is not skipped but refused. Input that
 * is not RESP is a {@link ProtocolException}: Redis replies with an error and closes the connection.
 */
final class RespParser {
    /** {@link #status()}: a command is in the {@link Args}. */
    static final int COMMAND = 1;
    /** {@link #status()}: bytes were consumed, no command to run (an empty command, or part of a skipped one). */
    static final int SKIPPED = 2;
    /** {@link #status()}: a command with a bulk string over the limit was skipped to its end. */
    static final int TOO_LARGE = 3;

    /** Redis's limits: the most elements in a request, the longest inline command. */
    static final long MAX_ARGUMENTS = 1024 * 1024;
    static final int MAX_INLINE = 64 * 1024;
    /** The longest header line: {@code $} and a 19-digit length. */
    private static final int MAX_HEADER = 32;

    private final long maxBulk;
    private int status;
    private long skipBytes;
    private long skipArguments;
    private long tooLargeLength;

    /** A protocol error: the message of the error reply, after which the connection closes. */
    static final class ProtocolException extends Exception {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super("ERR Protocol error: " + message, null, false, false);
        }
    }

    RespParser(long maxBulk) {
        this.maxBulk = maxBulk;
    }

    /** {@return what the last {@link #next} call that consumed bytes found} */
    int status() {
        return status;
    }

    /** {@return the length of the bulk string that made the last command {@link #TOO_LARGE}} */
    long tooLargeLength() {
        return tooLargeLength;
    }

    /** {@return whether part of a too-large command is still to be skipped} */
    boolean skipping() {
        return skipBytes > 0 || skipArguments > 0;
    }

    /**
     * Parses the next command of {@code in[start, end)}.
     *
     * @return the bytes consumed, 0 if more input is needed; then {@link #status()} says what they were
     * @throws ProtocolException if the input is not RESP
     */
    int next(MemorySegment in, int start, int end, Args args) throws ProtocolException {
        if (skipping()) {
            return skip(in, start, end);
        }
        if (start == end) {
            return 0;
        }
        if (in.get(JAVA_BYTE, start) != '*') {
            return inline(in, start, end, args);
        }
        int eol = lineEnd(in, start + 1, end, MAX_HEADER);
        if (eol < 0) {
            return 0;
        }
        long count = number(in, start + 1, eol, "invalid multibulk length");
        if (count > MAX_ARGUMENTS) {
            throw new ProtocolException("invalid multibulk length");
        }
        int at = eol + 2;
        if (count <= 0) {   // *0 and *-1: nothing to run, as Redis
            status = SKIPPED;
            return at - start;
        }
        args.reset(in);
        for (long i = 0; i < count; i++) {
            if (at >= end) {
                return 0;
            }
            byte type = in.get(JAVA_BYTE, at);
            if (type != '$') {
                throw new ProtocolException("expected '$', got '" + printable(type) + "'");
            }
            eol = lineEnd(in, at + 1, end, MAX_HEADER);
            if (eol < 0) {
                return 0;
            }
            long length = bulkLength(in, at + 1, eol);
            at = eol + 2;
            if (length > maxBulk) {
                tooLargeLength = length;
                skipBytes = length + 2;
                skipArguments = count - i - 1;
                status = SKIPPED;
                return at - start;
            }
            if (end - at < length + 2) {
                return 0;
            }
            if (in.get(JAVA_BYTE, at + length) != '\r' || in.get(JAVA_BYTE, at + length + 1) != '\n') {
                throw new ProtocolException("bulk string not followed by CRLF");
            }
            args.add(at, (int) length);
            at += (int) length + 2;
        }
        status = COMMAND;
        return at - start;
    }

    /** Skips what is left of a command with a bulk string over the limit, as it arrives. */
    private int skip(MemorySegment in, int start, int end) throws ProtocolException {
        if (skipBytes > 0) {
            int n = (int) Math.min(skipBytes, end - start);
            skipBytes -= n;
            status = skipping() ? SKIPPED : TOO_LARGE;
            return n;
        }
        int eol = lineEnd(in, start + 1, end, MAX_HEADER);
        if (start == end || eol < 0) {
            return 0;
        }
        if (in.get(JAVA_BYTE, start) != '$') {
            throw new ProtocolException("expected '$', got '" + printable(in.get(JAVA_BYTE, start)) + "'");
        }
        long length = bulkLength(in, start + 1, eol);
        skipArguments--;
        skipBytes = length + 2;
        status = SKIPPED;
        return eol + 2 - start;
    }

    /** An inline command: words separated by spaces, up to LF (a CR before it is dropped). */
    private int inline(MemorySegment in, int start, int end, Args args) throws ProtocolException {
        int lf = -1;
        for (int i = start; i < end && i - start <= MAX_INLINE; i++) {
            if (in.get(JAVA_BYTE, i) == '\n') {
                lf = i;
                break;
            }
        }
        if (lf < 0) {
            if (end - start > MAX_INLINE) {
                throw new ProtocolException("too big inline request");
            }
            return 0;
        }
        int stop = lf > start && in.get(JAVA_BYTE, lf - 1) == '\r' ? lf - 1 : lf;
        args.reset(in);
        int word = -1;
        for (int i = start; i <= stop; i++) {
            boolean space = i == stop || in.get(JAVA_BYTE, i) == ' ' || in.get(JAVA_BYTE, i) == '\t';
            if (space && word >= 0) {
                args.add(word, i - word);
                word = -1;
            } else if (!space && word < 0) {
                word = i;
            }
        }
        status = args.count() > 0 ? COMMAND : SKIPPED;
        return lf + 1 - start;
    }

    /** {@return the index of the CR of the CRLF ending the line from {@code from}, or -1 if not there yet} */
    private static int lineEnd(MemorySegment in, int from, int end, int maxLength) throws ProtocolException {
        for (int i = from; i + 1 < end; i++) {
            if (in.get(JAVA_BYTE, i) == '\r') {
                if (in.get(JAVA_BYTE, i + 1) != '\n') {
                    throw new ProtocolException("CR without LF in a header");
                }
                return i;
            }
            if (i - from > maxLength) {
                throw new ProtocolException("header too long");
            }
        }
        if (end - from > maxLength) {
            throw new ProtocolException("header too long");
        }
        return -1;
    }

    /**
     * {@return a bulk string's length}: one over {@link RedisConfig#MAX_VALUE_LIMIT}, the most any configuration
     * allows, is refused as Redis refuses a length over its {@code proto-max-bulk-len}, not skipped (a client would
     * never send it, and {@code 2^63 - 1 + 2} bytes to skip would overflow)
     */
    private static long bulkLength(MemorySegment in, int from, int to) throws ProtocolException {
        long length = number(in, from, to, "invalid bulk length");
        if (length < 0 || length > RedisConfig.MAX_VALUE_LIMIT) {
            throw new ProtocolException("invalid bulk length");
        }
        return length;
    }

    private static long number(MemorySegment in, int from, int to, String error) throws ProtocolException {
        try {
            return Numbers.parseLong(in, from, to - from);
        } catch (RedisException e) {
            throw new ProtocolException(error);
        }
    }

    private static String printable(byte b) {
        return b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
    }
}
