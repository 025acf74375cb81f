package dev.jalloc.examples.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A Redis-protocol (RESP2) server whose keys, values and list nodes live in a shared jalloc heap (or, to compare,
 * in {@code byte[]}s or Netty's pooled buffers: {@link StorageKind}). It speaks enough of Redis for
 * {@code redis-cli} and {@code redis-benchmark} to run unmodified: GET, SET (EX, PX, EXAT, PXAT, NX, XX, KEEPTTL),
 * DEL, UNLINK, EXISTS, INCR, INCRBY, DECR, DECRBY, APPEND, STRLEN, MGET, MSET, LPUSH, RPUSH, LPOP, RPOP (with a
 * count), LRANGE, LLEN, EXPIRE, PEXPIRE, TTL, PTTL, DBSIZE, FLUSHALL, FLUSHDB, PING, ECHO, INFO, SELECT 0,
 * CONFIG GET, COMMAND, CLIENT SETNAME, QUIT and SHUTDOWN.
 *
 * {@snippet :
 * try (RedisServer server = RedisServer.start(RedisConfig.defaults().withPort(0))) {
 *     int port = server.port();   // connect redis-cli -p port
 *     server.awaitShutdown();     // until a client sends SHUTDOWN
 * }
 * }
 *
 * <p>Threads: one acceptor, and {@link RedisConfig#eventLoops()} event loops that each own their connections and
 * run their commands, so a key set through one connection and deleted through another is allocated on one thread
 * and freed on another. The data is cut into {@link RedisConfig#shards()} shards, each behind its own lock.
 *
 * <p>Closing stops accepting, closes every connection, stops the loops, frees every key, and closes the storage;
 * {@link #shutdownReport()} then says what was live before and what leaked after (nothing, for a correct storage).
 */
public final class RedisServer implements AutoCloseable {
    final RedisConfig config;
    final Shards shards;
    private final Storage storage;
    private final ServerSocketChannel listener;
    private final EventLoop[] loops;
    private final Thread acceptor;
    private final AtomicLong connectionIds = new AtomicLong();
    private final AtomicLong acceptedConnections = new AtomicLong();
    private final AtomicInteger connectedClients = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final long startMillis = System.currentTimeMillis();
    private final Object closeLock = new Object();
    private volatile Path pictureAtShutdown;
    private volatile String report;
    private volatile Throwable failure;
    /** Failed accepts: counted, the first kept, then accepting goes on. */
    private final AtomicLong acceptErrors = new AtomicLong();
    private volatile IOException firstAcceptError;
    private static final long ACCEPT_RETRY_NANOS = 10_000_000;
    /** The storage is told a server is idle after this long without a connection to serve. */
    static final long IDLE_MILLIS = 1000;
    /** The last activity after which the storage was told the server is idle (loop 0 only). */
    private long idleSince;
    private final AtomicLong failedConnections = new AtomicLong();
    private final AtomicReference<Throwable> firstConnectionFailure = new AtomicReference<>();

    private RedisServer(RedisConfig config) throws IOException {
        this.config = config;
        this.storage = Storage.create(config);
        try {
            this.shards = new Shards(storage, config.shards());
        } catch (RuntimeException e) {
            storage.shutdown();
            throw e;
        }
        EventLoop[] made = new EventLoop[config.eventLoops()];
        ServerSocketChannel channel = null;
        try {
            for (int i = 0; i < made.length; i++) {
                made[i] = new EventLoop(this, i);
            }
            channel = ServerSocketChannel.open();
            channel.bind(new InetSocketAddress(config.host(), config.port()), 511);
        } catch (IOException | RuntimeException e) {
            for (EventLoop loop : made) {
                if (loop != null) {
                    loop.closeUnstarted();
                }
            }
            if (channel != null) {
                channel.close();
            }
            shards.close();
            storage.shutdown();
            throw e;
        }
        this.loops = made;
        this.listener = channel;
        this.acceptor = Thread.ofPlatform().name("redis-acceptor").daemon(true).unstarted(this::accept);
    }

    /**
     * {@return a server listening on {@code config}'s address, already accepting clients}
     *
     * @param config how to run
     * @throws IOException if the address cannot be bound (the port taken, say); nothing is left open
     */
    public static RedisServer start(RedisConfig config) throws IOException {
        RedisServer server = new RedisServer(config);
        for (EventLoop loop : server.loops) {
            loop.start();
        }
        server.acceptor.start();
        return server;
    }

    /** {@return the TCP port the server listens on} (the ephemeral one chosen, if the configuration said 0) */
    public int port() {
        try {
            return ((InetSocketAddress) listener.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return how the server runs} */
    public RedisConfig config() {
        return config;
    }

    /**
     * Asks the server to write the jalloc heap's picture (an HTML page) to {@code file} when it shuts down, before
     * its keys are freed. Only {@link StorageKind#JALLOC} has one.
     *
     * @param file where, or null for none
     * @throws IllegalStateException if the storage is not a jalloc heap
     */
    public void writePictureAtShutdown(Path file) {
        if (file != null && !(storage instanceof JallocStorage)) {
            throw new IllegalStateException("storage " + config.storage().option() + " has no heap picture");
        }
        pictureAtShutdown = file;
    }

    /**
     * Waits until the server is shut down, by {@link #close()} or a client's {@code SHUTDOWN}.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /** {@return what {@link #close()} found, or null while the server runs} */
    public String shutdownReport() {
        return report;
    }

    /**
     * Stops the server: closes the listener and every connection, stops the event loops, frees every key and
     * closes the storage. Does nothing if already closed.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (report != null) {
                return;
            }
            // Every thread is stopped before a key is freed, whatever happens: an interrupt or a failed close of
            // the listener must not leave a loop running commands on freed memory.
            boolean interrupted = false;
            try {
                listener.close();
            } catch (IOException e) {
                failure = e;
            }
            interrupted |= joinUninterruptibly(acceptor::join);
            for (EventLoop loop : loops) {
                interrupted |= joinUninterruptibly(loop::stop);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            StringBuilder text = new StringBuilder();
            long keys = shards.size();
            text.append("redis example on port ").append(config.port() == 0 ? "(ephemeral)" : config.port())
                    .append(", storage ").append(config.storage().option()).append(": ").append(keys)
                    .append(" keys, ").append(storage.usedBytes()).append(" bytes used at shutdown\n");
            Path picture = pictureAtShutdown;
            if (picture != null && storage instanceof JallocStorage jalloc) {
                try {
                    jalloc.writePicture(picture);
                    text.append("heap picture written to ").append(picture).append('\n');
                } catch (IOException e) {
                    text.append("could not write the heap picture to ").append(picture).append(": ").append(e)
                            .append('\n');
                }
            }
            shards.close();
            text.append("after freeing every key: ").append(storage.shutdown());
            long failed = failedConnections.get();
            if (failed > 0) {
                text.append('\n').append(failed).append(failed == 1 ? " connection closed after a failure of its own"
                        : " connections closed after failures of their own").append(", the first: ")
                        .append(firstConnectionFailure.get());
            }
            long acceptFailures = acceptErrors.get();
            if (acceptFailures > 0) {
                text.append('\n').append(acceptFailures).append(acceptFailures == 1 ? " accept failed" : " accepts failed")
                        .append(", the first: ").append(firstAcceptError);
            }
            if (failure != null) {
                text.append("\nthe server failed: ").append(failure);
            }
            report = text.toString();
            stopped.countDown();
        }
    }

    private interface Join {
        void join() throws InterruptedException;
    }

    /** Waits for {@code join} to return, interrupts or not; {@return whether an interrupt came meanwhile} */
    private static boolean joinUninterruptibly(Join join) {
        boolean interrupted = false;
        while (true) {
            try {
                join.join();
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    // ---- for the event loops ------------------------------------------------------------------------------------

    private void accept() {
        int next = 0;
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // Out of file descriptors, a connection reset before it was accepted: the listener still works.
                // Count it, wait a moment (so that a lasting error does not spin), and accept again.
                if (acceptErrors.getAndIncrement() == 0) {
                    firstAcceptError = e;
                }
                LockSupport.parkNanos(ACCEPT_RETRY_NANOS);
                continue;
            }
            acceptedConnections.incrementAndGet();
            connectedClients.incrementAndGet();
            loops[next].adopt(channel);
            next = (next + 1) % loops.length;
        }
    }

    long nextConnectionId() {
        return connectionIds.incrementAndGet();
    }

    /**
     * Called by loop 0 ten times a second: once every loop has been idle for {@link #IDLE_MILLIS}, tells the
     * storage once ({@link Storage#idle()}: the jalloc heap then gives its free pages back to the OS, as jemalloc's
     * background thread does for Redis). A busy heap decays its free pages as it works; an idle one is not called,
     * so without this it would keep them until the next command.
     */
    void idleCheck(long now) {
        long active = 0;
        for (EventLoop loop : loops) {
            active = Math.max(active, loop.lastActive());
        }
        if (now - active >= IDLE_MILLIS && active != idleSince) {
            idleSince = active;
            storage.idle();
        }
    }

    int loopCount() {
        return loops.length;
    }

    void disconnected() {
        connectedClients.decrementAndGet();
    }

    void failed(Throwable e) {
        failure = e;
    }

    /** An event loop closed a connection after an exception or error of its own; the loop goes on. */
    void connectionFailed(Throwable e) {
        firstConnectionFailure.compareAndSet(null, e);
        failedConnections.incrementAndGet();
    }

    /**
     * The commands that are about the server, not a key: run by {@link Commands} for any name it does not know. The
     * name is matched first, then the arity, so that a known command with the wrong arguments gets Redis's "wrong
     * number of arguments" (or "syntax error", "unknown subcommand"), not "unknown command".
     */
    void runServerCommand(Args a, Reply r, Connection connection, long now) {
        int n = a.count();
        if (a.is(0, "PING")) {
            arity(a, n <= 2);
            if (n == 2) {
                r.bulk(a.segment(), a.offset(1), a.length(1));
            } else {
                r.simple("PONG");
            }
        } else if (a.is(0, "ECHO")) {
            arity(a, n == 2);
            r.bulk(a.segment(), a.offset(1), a.length(1));
        } else if (a.is(0, "DBSIZE")) {
            arity(a, n == 1);
            r.integer(shards.size());
        } else if (a.is(0, "FLUSHALL") || a.is(0, "FLUSHDB")) {
            if (n > 2 || n == 2 && !a.is(1, "SYNC") && !a.is(1, "ASYNC")) {
                throw RedisException.SYNTAX;
            }
            for (int i = 0; i < shards.count(); i++) {
                shards.lock(i).clear();
                shards.unlock(i);
            }
            r.ok();
        } else if (a.is(0, "INFO")) {
            r.bulk(Info.text(this, storage, a, now));
        } else if (a.is(0, "QUIT")) {
            r.ok();
            connection.closeAfterReplies();
        } else if (a.is(0, "SELECT")) {
            arity(a, n == 2);
            if (a.longValue(1) != 0) {
                throw new RedisException("ERR DB index is out of range");
            }
            r.ok();
        } else if (a.is(0, "CONFIG")) {
            arity(a, n >= 2);
            if (!a.is(1, "GET")) {
                throw RedisException.unknownSubcommand(a);
            }
            if (n != 3) {   // Redis takes several names; this server one
                throw RedisException.wrongArgs("config|get");
            }
            Info.config(this, a.string(2), r);
        } else if (a.is(0, "COMMAND")) {
            if (n >= 2 && a.is(1, "COUNT")) {
                r.integer(0);
            } else {
                r.array(0);   // no command table: redis-cli then has no hints, and works as ever
            }
        } else if (a.is(0, "CLIENT")) {
            arity(a, n >= 2);
            if (a.is(1, "SETNAME")) {
                subcommandArity(n == 3, "client|setname");
                r.ok();
            } else if (a.is(1, "SETINFO")) {
                subcommandArity(n == 4, "client|setinfo");
                r.ok();
            } else if (a.is(1, "ID")) {
                subcommandArity(n == 2, "client|id");
                r.integer(connection.id);
            } else {
                throw RedisException.unknownSubcommand(a);
            }
        } else if (a.is(0, "SHUTDOWN")) {
            connection.closeAfterReplies();   // Redis sends no reply: the connection just ends
            Thread.ofPlatform().name("redis-shutdown").start(this::close);
        } else {
            throw RedisException.unknownCommand(a);
        }
    }

    private static void arity(Args a, boolean ok) {
        if (!ok) {
            throw RedisException.wrongArgs(a);
        }
    }

    private static void subcommandArity(boolean ok, String name) {
        if (!ok) {
            throw RedisException.wrongArgs(name);
        }
    }

    long acceptedConnections() {
        return acceptedConnections.get();
    }

    int connectedClients() {
        return connectedClients.get();
    }

    long startMillis() {
        return startMillis;
    }

    @Override
    public String toString() {
        return "RedisServer[" + config.host() + ":" + port() + ", storage " + config.storage().option() + ", "
                + loops.length + " event loops, " + shards.count() + " shards]";
    }
}
