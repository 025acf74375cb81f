package dev.jalloc.examples.redis;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small blocking RESP2 client for the tests, over a plain {@link Socket} with buffered streams. Commands go out as
 * arrays of bulk strings ({@code String} arguments in UTF-8, {@code byte[]} as they are); {@link #sendRaw} sends any
 * bytes (malformed input, half a command). A reply is read into a Java value:
 *
 * <pre>
 *   +OK          "OK" (String)              -ERR x       RedisError("ERR x")
 *   :42          42L (Long)                 $3 abc       byte[] {'a','b','c'}
 *   $-1          null                       *-1          NIL_ARRAY
 *   *2 ...       List&lt;Object&gt; of the elements
 * </pre>
 *
 * <p>Every read has a 10 s timeout ({@code SO_TIMEOUT}): a server that never answers fails the test with a
 * {@link java.net.SocketTimeoutException} instead of hanging it.
 */
final class RespClient implements AutoCloseable {
    /** The reply {@code *-1}, told apart from an empty array and from the nil bulk string ({@code null}). */
    static final Object NIL_ARRAY = new Object() {
        @Override
        public String toString() {
            return "NIL_ARRAY";
        }
    };

    /** An error reply, as a value: the message without the leading {@code -}. */
    record RedisError(String message) {
        /** {@return whether the message starts with {@code prefix}} */
        boolean startsWith(String prefix) {
            return message.startsWith(prefix);
        }
    }

    static final int TIMEOUT_MILLIS = 10_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RespClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    /** {@return a client connected to the server on localhost:{@code port}} */
    static RespClient connect(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            return new RespClient(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    // ---- sending ------------------------------------------------------------------------------------------------

    /** {@return the RESP encoding of a command: an array of bulk strings} */
    static byte[] encode(Object... args) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            write(bytes, args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(OutputStream to, Object[] args) throws IOException {
        to.write(ascii("*" + args.length + "\r\n"));
        for (Object arg : args) {
            byte[] bytes = bytes(arg);
            to.write(ascii("$" + bytes.length + "\r\n"));
            to.write(bytes);
            to.write('\r');
            to.write('\n');
        }
    }

    private static byte[] bytes(Object arg) {
        return switch (arg) {
            case byte[] b -> b;
            case String s -> s.getBytes(StandardCharsets.UTF_8);
            case Number n -> n.toString().getBytes(StandardCharsets.US_ASCII);
            default -> throw new IllegalArgumentException("argument: " + arg + " (expected: byte[], String, number)");
        };
    }

    /** Buffers one command (not flushed: see {@link #flush()}). */
    RespClient send(Object... args) throws IOException {
        write(out, args);
        return this;
    }

    /** Sends raw bytes and flushes. */
    RespClient sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends a raw ASCII string and flushes. */
    RespClient sendRaw(String ascii) throws IOException {
        return sendRaw(ascii(ascii));
    }

    void flush() throws IOException {
        out.flush();
    }

    /** Sends one command and {@return its reply} */
    Object call(Object... args) throws IOException {
        send(args);
        out.flush();
        return read();
    }

    /** {@return {@link #text} of the reply to one command}: compact to assert on */
    String cmd(Object... args) throws IOException {
        return text(call(args));
    }

    /**
     * Sends every command at once (from another thread, so that neither side can block the other however much both
     * send), then {@return their replies, in order}
     */
    List<Object> pipeline(List<Object[]> commands) throws IOException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().name("resp-client-writer").start(() -> {
            try {
                for (Object[] command : commands) {
                    send(command);
                }
                out.flush();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        List<Object> replies = new ArrayList<>(commands.size());
        try {
            for (int i = 0; i < commands.size(); i++) {
                replies.add(read());
            }
        } finally {
            try {
                writer.join(TIMEOUT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure.get() != null) {
            throw new IOException("the pipeline's writer failed", failure.get());
        }
        return replies;
    }

    // ---- receiving ----------------------------------------------------------------------------------------------

    /**
     * {@return the next reply}
     *
     * @throws EOFException                     if the server closed the connection
     * @throws java.net.SocketTimeoutException if nothing came for 10 s
     */
    Object read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("the server closed the connection");
        }
        String line = line();
        return switch (type) {
            case '+' -> line;
            case '-' -> new RedisError(line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield null;
                }
                byte[] bytes = in.readNBytes(length);
                if (bytes.length < length || in.read() != '\r' || in.read() != '\n') {
                    throw new IOException("bulk string of " + length + " bytes cut short or not ended by CRLF");
                }
                yield bytes;
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    yield NIL_ARRAY;
                }
                List<Object> elements = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    elements.add(read());
                }
                yield elements;
            }
            default -> throw new IOException("not a RESP2 reply type: '" + (char) type + "' followed by " + line);
        };
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the connection closed inside a reply's line: " + line);
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("CR without LF after " + line);
                }
                return line.toString();
            }
            line.append((char) b);
        }
    }

    /**
     * Waits for the server to close the connection, reading (and dropping) whatever comes first;
     * {@return whether it closed} (false if it was still open after 10 s)
     */
    boolean awaitClosedByServer() throws IOException {
        try {
            while (in.read() >= 0) {
                // discard
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {   // reset by the server: closed too
            return true;
        }
    }

    /** Closes the socket at once with a reset (SO_LINGER 0), as a crashing client would. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    // ---- replies as text ----------------------------------------------------------------------------------------

    /**
     * {@return a reply as compact text}: {@code +OK}, {@code -ERR ...}, {@code :42}, {@code $abc} (UTF-8 text, or
     * hex in {@code $<hex:...>} for bytes that are not printable ASCII), {@code $nil}, {@code *nil}, and arrays as
     * {@code [a, b]} of their elements' texts
     */
    static String text(Object reply) {
        return switch (reply) {
            case null -> "$nil";
            case String s -> "+" + s;
            case RedisError e -> "-" + e.message();
            case Long l -> ":" + l;
            case byte[] b -> "$" + (printable(b) ? new String(b, StandardCharsets.US_ASCII)
                    : "<hex:" + HexFormat.of().formatHex(b) + ">");
            case List<?> list -> {
                List<String> texts = new ArrayList<>();
                for (Object element : list) {
                    texts.add(text(element));
                }
                yield texts.toString();
            }
            default -> {
                if (reply == NIL_ARRAY) {
                    yield "*nil";
                }
                throw new IllegalArgumentException("not a reply: " + reply);
            }
        };
    }

    private static boolean printable(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** {@return a bulk reply's bytes as UTF-8 text, null for nil} */
    static String string(Object reply) {
        if (reply != null && !(reply instanceof byte[])) {
            throw new AssertionError("expected a bulk string, got " + text(reply));
        }
        return reply == null ? null : new String((byte[]) reply, StandardCharsets.UTF_8);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "RespClient[" + socket.getLocalPort() + " -> " + socket.getPort() + "]";
    }
}
