package dev.jalloc.examples.redis;

import dev.jalloc.heap.Heap;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One client, owned by one event loop: its socket, its input buffer and parser, its pending replies. Reads what
 * arrived, runs every complete command in it (a pipelined batch in one go), and writes the replies in one write.
 * Both buffers come from the event loop's confined jalloc heap and go back to it when they grow, shrink or the
 * connection closes: no direct {@code ByteBuffer} waits for a garbage collection to give its memory back.
 * While replies wait for the socket (a slow reader), it stops reading: a client cannot make the server buffer
 * without bound.
 */
final class Connection {
    /** The input buffer a connection starts with, and shrinks back to after a large command. */
    static final int INPUT_BYTES = 16 * 1024;
    /** Replies beyond this are written before more commands run. */
    private static final long OUTPUT_HIGH_WATER = 1L << 20;
    private static final int OUTPUT_BYTES = 16 * 1024;
    /** An input buffer a large command grew beyond this goes back to {@link #INPUT_BYTES} once it is empty. */
    private static final int SHRINK_ABOVE = 256 * 1024;

    final long id;
    private final SocketChannel channel;
    private final SelectionKey key;
    private final Commands commands;
    private final RespParser parser;
    private final long maxValueBytes;
    private final int maxInputBytes;
    private final Args args = new Args();
    private final Heap buffers;
    private final Reply reply;
    private MemorySegment inputSegment;
    private ByteBuffer input;
    private boolean closeAfterReplies;
    private boolean closed;

    Connection(long id, SocketChannel channel, SelectionKey key, Commands commands, long maxValueBytes, Heap buffers) {
        this.id = id;
        this.buffers = buffers;
        this.reply = new Reply(buffers, OUTPUT_BYTES);
        this.inputSegment = buffers.allocateNoInit(INPUT_BYTES, 64);
        this.input = inputSegment.asByteBuffer();
        this.channel = channel;
        this.key = key;
        this.commands = commands;
        this.parser = new RespParser(maxValueBytes);
        this.maxValueBytes = maxValueBytes;
        // A command holds at least one bulk string up to the limit, its headers, and what was pipelined after it.
        this.maxInputBytes = (int) Math.min(Integer.MAX_VALUE - 64, 2 * maxValueBytes + (1 << 20));
    }

    /** Asks the connection to close once its replies are written ({@code QUIT}). */
    void closeAfterReplies() {
        closeAfterReplies = true;
    }

    boolean isClosed() {
        return closed;
    }

    void onReadable() {
        try {
            int n = channel.read(input);
            if (n < 0) {
                close();   // the client left; a command it sent in part is dropped
                return;
            }
            runCommands();
        } catch (IOException e) {
            close();
        }
    }

    void onWritable() {
        try {
            if (flush()) {
                runCommands();   // the input may hold commands not run while the replies waited
            }
        } catch (IOException e) {
            close();
        }
    }

    /**
     * Runs the complete commands in the input and writes their replies, in rounds of at most
     * {@link #OUTPUT_HIGH_WATER} bytes of replies, until the input holds no complete command or the socket is full.
     */
    private void runCommands() throws IOException {
        boolean more;
        do {
            more = runSome();
        } while (flush() && more);
    }

    /** {@return whether it stopped because the replies reached the high-water mark, not for want of input} */
    private boolean runSome() {
        int start = 0;
        int end = input.position();
        boolean full = false;
        while (!closeAfterReplies) {
            if (reply.pending() >= OUTPUT_HIGH_WATER) {
                full = true;
                break;
            }
            int used;
            try {
                used = parser.next(inputSegment, start, end, args);
            } catch (RespParser.ProtocolException e) {
                reply.error(e.getMessage());
                closeAfterReplies = true;
                break;
            }
            if (used == 0) {
                break;
            }
            start += used;
            if (parser.status() == RespParser.COMMAND) {
                commands.execute(args, reply, this);
            } else if (parser.status() == RespParser.TOO_LARGE) {
                reply.error(RedisException.tooLarge(parser.tooLargeLength(), maxValueBytes).getMessage());
            }
        }
        keepUnread(start, end, full);
        return full;
    }

    /** Moves the unread bytes to the buffer's start; grows it when one command fills it, shrinks it after. */
    private void keepUnread(int start, int end, boolean repliesFull) {
        int left = end - start;
        if (start == 0 && !input.hasRemaining() && !closeAfterReplies && !repliesFull) {
            if (input.capacity() >= maxInputBytes) {
                reply.error("ERR Protocol error: command larger than the query buffer limit (" + maxInputBytes
                        + " bytes)");
                closeAfterReplies = true;
                return;
            }
            replaceInput((int) Math.min(maxInputBytes, 2L * input.capacity()), start, left);
        } else if (input.capacity() > SHRINK_ABOVE && left <= INPUT_BYTES / 2) {
            replaceInput(INPUT_BYTES, start, left);
        } else if (start > 0) {
            MemorySegment.copy(inputSegment, start, inputSegment, 0, left);
            input.position(left);
        }
    }

    private void replaceInput(int capacity, int start, int left) {
        MemorySegment segment = buffers.allocateNoInit(capacity, 64);
        ByteBuffer buffer = segment.asByteBuffer();
        MemorySegment.copy(inputSegment, start, segment, 0, left);
        buffer.position(left);
        buffers.free(inputSegment);
        input = buffer;
        inputSegment = segment;
    }

    /** Writes pending replies; {@return whether all went} (if not, waits for the socket before reading again) */
    private boolean flush() throws IOException {
        if (reply.pending() > 0) {
            ByteBuffer out = reply.flip();
            channel.write(out);
            if (out.hasRemaining()) {
                key.interestOps(SelectionKey.OP_WRITE);
                return false;
            }
            reply.written(OUTPUT_BYTES * 4);
        }
        if (closeAfterReplies) {
            close();
            return false;
        }
        key.interestOps(SelectionKey.OP_READ);
        return true;
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        key.cancel();
        buffers.free(inputSegment);
        inputSegment = MemorySegment.NULL;
        input = null;
        reply.release();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket the peer already reset: nothing left to do
        }
    }
}
