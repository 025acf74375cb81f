package dev.jalloc.examples.redis;

import dev.jalloc.DebugLevel;
import dev.jalloc.heap.Hardening;

/**
 * How a {@link RedisServer} runs. Start from {@link #defaults()} and change what differs:
 * {@snippet :
 * RedisConfig config = RedisConfig.defaults().withPort(0).withStorage(StorageKind.BYTE_ARRAYS);
 * }
 *
 * @param host          the address to listen on; loopback unless told otherwise
 * @param port          the TCP port, 0 for an ephemeral one ({@link RedisServer#port()} tells which)
 * @param eventLoops    the event-loop threads that read, run and reply (at least 1)
 * @param storage       where keys and values live
 * @param hardening     the jalloc heap's hardening level ({@link StorageKind#JALLOC} only)
 * @param debug         the jalloc heap's debug level ({@link StorageKind#JALLOC} only); from {@link
 *                      DebugLevel#SAMPLED} on, the leak report names where leaked blocks were allocated
 * @param maxValueBytes the longest bulk string a client may send, key or value (Redis's
 *                      {@code proto-max-bulk-len}), and the longest string {@code APPEND} may make; a longer one
 *                      gets an error reply
 * @param shards        how many shards (each a keyspace behind its own lock): a power of two up to 4096
 */
public record RedisConfig(String host, int port, int eventLoops, StorageKind storage, Hardening hardening,
        DebugLevel debug, long maxValueBytes, int shards) {
    /** The largest {@code maxValueBytes}: 512 MiB, Redis's own default and limit of {@code proto-max-bulk-len}. */
    public static final long MAX_VALUE_LIMIT = 512L << 20;

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if one is out of range (the message names it)
     * @throws NullPointerException     if host, storage, hardening or debug is null
     */
    public RedisConfig {
        java.util.Objects.requireNonNull(host, "host");
        java.util.Objects.requireNonNull(storage, "storage");
        java.util.Objects.requireNonNull(hardening, "hardening");
        java.util.Objects.requireNonNull(debug, "debug");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535)");
        }
        if (eventLoops < 1 || eventLoops > 256) {
            throw new IllegalArgumentException("eventLoops: " + eventLoops + " (expected: 1 to 256)");
        }
        if (maxValueBytes < 1 || maxValueBytes > MAX_VALUE_LIMIT) {
            throw new IllegalArgumentException("maxValueBytes: " + maxValueBytes + " (expected: 1 to "
                    + MAX_VALUE_LIMIT + ")");
        }
        if (Integer.bitCount(shards) != 1 || shards > 4096) {
            throw new IllegalArgumentException("shards: " + shards + " (expected: a power of two up to 4096)");
        }
        if (storage != StorageKind.JALLOC && (hardening != Hardening.NONE || debug != DebugLevel.OFF)) {
            throw new IllegalArgumentException("hardening and debug levels are the jalloc heap's: storage "
                    + storage.option() + " has none");
        }
    }

    /**
     * {@return loopback, port 6379, two event loops (this machine's cores, at most 4), the jalloc heap without
     * hardening or debugging, values up to 512 MiB, 64 shards}
     */
    public static RedisConfig defaults() {
        int loops = Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 4);
        return new RedisConfig("127.0.0.1", 6379, loops, StorageKind.JALLOC, Hardening.NONE, DebugLevel.OFF,
                MAX_VALUE_LIMIT, 64);
    }

    /**
     * {@return this configuration with another port}
     *
     * @param port the TCP port, 0 for an ephemeral one
     */
    public RedisConfig withPort(int port) {
        return new RedisConfig(host, port, eventLoops, storage, hardening, debug, maxValueBytes, shards);
    }

    /**
     * {@return this configuration with another number of event loops}
     *
     * @param eventLoops the event-loop threads
     */
    public RedisConfig withEventLoops(int eventLoops) {
        return new RedisConfig(host, port, eventLoops, storage, hardening, debug, maxValueBytes, shards);
    }

    /**
     * {@return this configuration with another storage}
     *
     * @param storage where keys and values live
     */
    public RedisConfig withStorage(StorageKind storage) {
        return new RedisConfig(host, port, eventLoops, storage, hardening, debug, maxValueBytes, shards);
    }

    /**
     * {@return this configuration with the jalloc heap's hardening and debug levels}
     *
     * @param hardening the hardening level
     * @param debug     the debug level
     */
    public RedisConfig withHeap(Hardening hardening, DebugLevel debug) {
        return new RedisConfig(host, port, eventLoops, storage, hardening, debug, maxValueBytes, shards);
    }

    /**
     * {@return this configuration with another value limit}
     *
     * @param maxValueBytes the longest bulk string a client may send
     */
    public RedisConfig withMaxValueBytes(long maxValueBytes) {
        return new RedisConfig(host, port, eventLoops, storage, hardening, debug, maxValueBytes, shards);
    }
}
