package dev.jalloc.examples.redis;

/**
 * The storage of {@link StorageKind#BYTE_ARRAYS}: keys and values as {@code byte[]}s in a {@code HashMap} per
 * shard, lists as {@code ArrayDeque}s ({@link MapKeyspace} over {@link ByteArrayValues}). It owns nothing but the
 * Java heap's objects, which the garbage collector frees, so its memory figures are the JVM's heap figures.
 */
final class ByteArrayStorage extends Storage {
    private final Runtime runtime = Runtime.getRuntime();

    @Override
    public StorageKind kind() {
        return StorageKind.BYTE_ARRAYS;
    }

    @Override
    public Keyspace newKeyspace() {
        return new MapKeyspace<>(ByteArrayValues.INSTANCE);
    }

    /**
     * {@return the Java heap's used bytes} ({@code totalMemory - freeMemory}): every object on the heap, the
     * server's own and garbage not yet collected included; there is no finer count of the stored data
     */
    @Override
    public long usedBytes() {
        return runtime.totalMemory() - runtime.freeMemory();
    }

    @Override
    public void describe(StringBuilder info) {
        info.append("used_memory_source:java heap used (Runtime totalMemory - freeMemory), all objects and")
                .append(" uncollected garbage included\r\n");
        info.append("jvm_heap_committed:").append(runtime.totalMemory()).append("\r\n");
        info.append("jvm_heap_max:").append(runtime.maxMemory()).append("\r\n");
    }

    @Override
    public String shutdown() {
        return "byte-arrays: nothing to give back, the values are the garbage collector's (java heap used "
                + usedBytes() + " bytes of " + runtime.totalMemory() + " committed)";
    }
}
