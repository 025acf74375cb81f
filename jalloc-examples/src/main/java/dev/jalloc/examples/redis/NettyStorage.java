package dev.jalloc.examples.redis;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import java.util.ArrayList;
import java.util.List;

/**
 * The storage of {@link StorageKind#NETTY}: values in pooled direct {@code ByteBuf}s ({@link NettyValues}), keys
 * as {@code byte[]}s and the index a {@code HashMap} per shard ({@link MapKeyspace}).
 *
 * <p>It owns one {@code PooledByteBufAllocator} of its own, with Netty's default tuning (the arenas, chunk size
 * and thread caches of {@code PooledByteBufAllocator.DEFAULT}), rather than sharing {@code DEFAULT}: then
 * {@code usedDirectMemory} counts this storage's values only, not whatever else in the JVM uses Netty, and two
 * storages in one JVM (the tests) do not see each other's memory. Netty counts memory in whole chunks, so
 * {@link #usedBytes()} moves in steps of {@code chunkSize} and does not fall to 0 when every buffer is released.
 */
final class NettyStorage extends Storage {
    private final PooledByteBufAllocator allocator;
    private final List<NettyValues> keyspaceValues = new ArrayList<>();

    NettyStorage() {
        this(new PooledByteBufAllocator(true));
    }

    /** A storage over {@code allocator} (the tests give one without thread caches, to count its allocations). */
    NettyStorage(PooledByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    @Override
    public StorageKind kind() {
        return StorageKind.NETTY;
    }

    @Override
    public Keyspace newKeyspace() {
        NettyValues values = new NettyValues(allocator);
        synchronized (keyspaceValues) {
            keyspaceValues.add(values);
        }
        return new MapKeyspace<>(values);
    }

    /** {@return the bytes of the direct chunks Netty's arenas hold} (whole chunks, used or not) */
    @Override
    public long usedBytes() {
        return allocator.metric().usedDirectMemory();
    }

    @Override
    public void describe(StringBuilder info) {
        PooledByteBufAllocatorMetric metric = allocator.metric();
        info.append("netty_used_direct_memory:").append(metric.usedDirectMemory()).append("\r\n");
        info.append("netty_num_direct_arenas:").append(metric.numDirectArenas()).append("\r\n");
        info.append("netty_chunk_size:").append(metric.chunkSize()).append("\r\n");
        info.append("netty_num_thread_local_caches:").append(metric.numThreadLocalCaches()).append("\r\n");
    }

    @Override
    public String shutdown() {
        long live = 0;
        synchronized (keyspaceValues) {
            for (NettyValues values : keyspaceValues) {
                live += values.liveBuffers();
            }
        }
        String chunks = " (the pool keeps " + usedBytes() + " bytes of direct chunks until it is collected)";
        return live == 0 ? "netty: every value buffer released" + chunks
                : "netty: LEAK: " + live + " value buffers not released" + chunks;
    }
}
