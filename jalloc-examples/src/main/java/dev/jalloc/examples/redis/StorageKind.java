package dev.jalloc.examples.redis;

/**
 * Where a Redis example server keeps its keys, values and lists: the one thing that differs between the variants
 * the benchmark compares (the network, protocol, commands, shards and locks are the same code for all).
 */
public enum StorageKind {
    /** Keys, values and list nodes in one shared jalloc {@code Heap}; the index a {@code long[]} per shard. */
    JALLOC("jalloc"),
    /** Keys and values as {@code byte[]} in {@code HashMap}s, lists as {@code ArrayDeque}s: the Java idiom. */
    BYTE_ARRAYS("byte-arrays"),
    /** Values in Netty's pooled direct buffers ({@code PooledByteBufAllocator}), keys as {@code byte[]}. */
    NETTY("netty");

    private final String option;

    StorageKind(String option) {
        this.option = option;
    }

    /** {@return the name {@code --storage} takes} */
    public String option() {
        return option;
    }

    /**
     * {@return the kind named {@code option}}
     *
     * @param option one of the kinds' {@link #option()} names
     * @throws IllegalArgumentException if no kind has that name
     */
    public static StorageKind ofOption(String option) {
        for (StorageKind kind : values()) {
            if (kind.option.equals(option)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("storage: " + option + " (expected: jalloc, byte-arrays or netty)");
    }
}
