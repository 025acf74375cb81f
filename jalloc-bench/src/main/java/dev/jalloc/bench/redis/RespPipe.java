package dev.jalloc.bench.redis;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A pipelining RESP2 client for the churn benchmark: commands are written into a buffer and sent in batches, and
 * their replies read back and checked (an error reply fails the run). It keeps no reply but integers and short
 * texts: the benchmark measures the server, not this client.
 */
final class RespPipe implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] digits = new byte[20];
    private int pending;

    RespPipe(int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(120_000);
        out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    }

    /**
     * Queues a command whose arguments are ASCII words and, if {@code value} is not null, last, {@code length}
     * bytes of {@code value} from {@code offset}.
     */
    void command(byte[] value, int offset, int length, String... words) throws IOException {
        int count = words.length + (value != null ? 1 : 0);
        out.write('*');
        number(count);
        for (String word : words) {
            bulk(word.getBytes(StandardCharsets.US_ASCII), 0, word.length());
        }
        if (value != null) {
            bulk(value, offset, length);
        }
        pending++;
    }

    /** Sends what is queued and reads every reply; {@return the sum of the integer replies} (DEL's counts) */
    long sync() throws IOException {
        out.flush();
        long sum = 0;
        for (; pending > 0; pending--) {
            sum += readReply();
        }
        return sum;
    }

    /** Sends one command and {@return its reply as text} (INFO's bulk string, a simple string) */
    String call(String... words) throws IOException {
        sync();
        command(null, 0, 0, words);
        out.flush();
        pending = 0;
        int type = in.read();
        String line = line();
        return switch (type) {
            case '+', ':' -> line;
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                yield new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            default -> throw new IOException("reply to " + String.join(" ", words) + ": " + (char) type + line);
        };
    }

    /** Sends what is queued without reading replies (SHUTDOWN, which has none). */
    void flushOnly() throws IOException {
        out.flush();
        pending = 0;
    }

    private long readReply() throws IOException {
        int type = in.read();
        String line = line();
        switch (type) {
            case '+':
                return 0;
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length >= 0) {
                    in.skipNBytes(length + 2L);
                }
                return 0;
            }
            default:
                throw new IOException("unexpected reply: " + (char) type + line);
        }
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\r'; ) {
            if (c < 0) {
                throw new IOException("the server closed the connection");
            }
            line.append((char) c);
        }
        in.read();   // '\n'
        return line.toString();
    }

    private void bulk(byte[] bytes, int offset, int length) throws IOException {
        out.write('$');
        number(length);
        out.write(bytes, offset, length);
        out.write('\r');
        out.write('\n');
    }

    private void number(long value) throws IOException {
        int at = digits.length;
        long rest = value;
        do {
            digits[--at] = (byte) ('0' + rest % 10);
            rest /= 10;
        } while (rest != 0);
        out.write(digits, at, digits.length - at);
        out.write('\r');
        out.write('\n');
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
