package dev.jalloc.examples.redis;

/**
 * Where a server keeps its keys, values and lists: the one thing that differs between the variants the benchmark
 * compares. The network, the protocol, the commands, the shards and their locks are the same code for all.
 *
 * <p>A storage makes one {@link Keyspace} per shard, answers the memory questions of {@code INFO}, and is closed
 * after all its keyspaces.
 */
abstract class Storage implements AutoCloseable {
    /** {@return a new storage of the configuration's kind} */
    static Storage create(RedisConfig config) {
        return switch (config.storage()) {
            case JALLOC -> new JallocStorage(config.hardening(), config.debug());
            case BYTE_ARRAYS -> new ByteArrayStorage();
            case NETTY -> new NettyStorage();
        };
    }

    /** {@return which variant this is} */
    public abstract StorageKind kind();

    /** {@return a new, empty keyspace for one shard} */
    public abstract Keyspace newKeyspace();

    /**
     * {@return the bytes the stored data holds, as its allocator counts them} ({@code used_memory} of
     * {@code INFO}): the jalloc heap's live bytes, Netty's used direct memory, or the Java heap's used bytes
     */
    public abstract long usedBytes();

    /**
     * Appends this storage's own lines to {@code INFO}'s memory section ({@code name:value}, one per line, each
     * ending in CRLF).
     *
     * @param info where to append
     */
    public abstract void describe(StringBuilder info);

    /**
     * Told when the server has had nothing to do for a second (from an event loop, outside every shard's lock):
     * a storage that keeps free memory for reuse may give it back now. Does nothing by default.
     */
    void idle() {
    }

    /**
     * Gives back everything, after every keyspace was closed.
     *
     * @return what the storage has to say at shutdown: the leak report of the jalloc heap, or a line
     */
    public abstract String shutdown();

    @Override
    public void close() {
        shutdown();
    }
}
