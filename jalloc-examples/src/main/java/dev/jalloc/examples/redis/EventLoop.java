package dev.jalloc.examples.redis;

import dev.jalloc.heap.Heap;
import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One event-loop thread: a selector over its connections, which it reads, runs and answers, their buffers in a
 * confined jalloc heap of the loop's own (made and closed on the loop's thread); ten times a second it
 * also removes some expired keys from its share of the shards (active expiry: one loop in {@code n} looks after
 * every {@code n}-th shard, and skips a shard another thread holds).
 */
final class EventLoop implements Runnable {
    private static final long EXPIRE_PERIOD_MILLIS = 100;
    private static final int EXPIRE_BUDGET = 20;

    private final RedisServer server;
    private final int index;
    private final Selector selector;
    private final Commands commands;
    private final Queue<SocketChannel> arriving = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean stopping;
    private long nextExpire;
    /** When this loop last had a connection to serve (read by loop 0 to tell an idle server). */
    private volatile long lastActive = System.currentTimeMillis();
    /** The connections' buffers; made by {@link #run()} on the loop's thread, which it is confined to. */
    private Heap buffers;

    EventLoop(RedisServer server, int index) throws IOException {
        this.server = server;
        this.index = index;
        this.selector = Selector.open();
        this.commands = new Commands(server);
        this.thread = Thread.ofPlatform().name("redis-loop-" + index).daemon(true).unstarted(this);
    }

    void start() {
        thread.start();
    }

    /** Hands a new client to this loop (from the acceptor thread). */
    void adopt(SocketChannel channel) {
        arriving.add(channel);
        selector.wakeup();
    }

    @Override
    public void run() {
        buffers = Heap.ofConfined();
        try {
            while (!stopping) {
                if (selector.select(EXPIRE_PERIOD_MILLIS) > 0) {
                    lastActive = System.currentTimeMillis();
                }
                registerArrivals();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    Connection connection = (Connection) key.attachment();
                    try {
                        if (!key.isValid()) {
                            connection.close();
                        } else if (key.isWritable()) {
                            connection.onWritable();
                        } else if (key.isReadable()) {
                            connection.onReadable();
                        }
                    } catch (RuntimeException | OutOfMemoryError e) {
                        // One connection's failure (a buffer the OS refuses the loop's heap, a bug) closes
                        // that connection, not the loop: the loop's other clients, and the new ones the acceptor
                        // hands it, are served on.
                        connection.close();
                        server.connectionFailed(e);
                    }
                    if (connection.isClosed()) {
                        server.disconnected();
                    }
                }
                expireSome();
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!stopping) {
                server.failed(e);
            }
        } finally {
            closeAll();
        }
    }

    private void registerArrivals() throws IOException {
        for (SocketChannel channel; (channel = arriving.poll()) != null; ) {
            channel.configureBlocking(false);
            channel.socket().setTcpNoDelay(true);
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            key.attach(new Connection(server.nextConnectionId(), channel, key, commands,
                    server.config.maxValueBytes(), buffers));
        }
    }

    private void expireSome() {
        long now = System.currentTimeMillis();
        if (now < nextExpire) {
            return;
        }
        nextExpire = now + EXPIRE_PERIOD_MILLIS;
        if (index == 0) {
            server.idleCheck(now);
        }
        Shards shards = server.shards;
        for (int shard = index; shard < shards.count(); shard += server.loopCount()) {
            Keyspace keyspace = shards.tryLock(shard);
            if (keyspace != null) {
                try {
                    keyspace.expireSome(now, EXPIRE_BUDGET);
                } finally {
                    shards.unlock(shard);
                }
            }
        }
    }

    long lastActive() {
        return lastActive;
    }

    /** Stops the loop and waits for it: its connections are closed when it returns. */
    void stop() throws InterruptedException {
        stopping = true;
        selector.wakeup();
        if (Thread.currentThread() != thread) {
            thread.join();
        }
    }

    /** Closes the selector of a loop that never started (the server failed to start). */
    void closeUnstarted() {
        closeAll();
    }

    private void closeAll() {
        List<Connection> open = new ArrayList<>();
        try {
            for (SelectionKey key : selector.keys()) {
                open.add((Connection) key.attachment());
            }
        } catch (ClosedSelectorException e) {
            // already closed: no connection left
        }
        for (Connection connection : open) {
            if (connection != null && !connection.isClosed()) {
                connection.close();
                server.disconnected();
            }
        }
        for (SocketChannel channel; (channel = arriving.poll()) != null; ) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do: the server is stopping
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing to do: the server is stopping
        }
        if (buffers != null) {
            buffers.close();   // every connection gave its buffers back: a leak would be logged here
            buffers = null;
        }
    }
}
