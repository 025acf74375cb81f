/**
 * Real programs on jalloc, each measured against what Java programs use today (docs/EXAMPLES.md).
 *
 * <p>Exported:
 * <ul>
 *   <li>{@code dev.jalloc.examples.sqlite}, an FFM binding to the system's SQLite library whose call temporaries
 *       live in jalloc scratch temps. It calls {@code libsqlite3} through {@link java.lang.foreign.Linker}
 *       downcalls, so the module needs native access: run with {@code --enable-native-access=dev.jalloc.examples}
 *       (and {@code dev.jalloc}), or {@code ALL-UNNAMED} on the class path.</li>
 *   <li>{@code dev.jalloc.examples.redis}, a Redis-protocol server whose keys, values and lists live in a shared
 *       jalloc heap (or, to compare, in {@code byte[]}s or Netty's pooled direct buffers).</li>
 * </ul>
 */
module dev.jalloc.examples {
    requires transitive dev.jalloc;
    requires io.netty.buffer;

    exports dev.jalloc.examples.sqlite;
    exports dev.jalloc.examples.redis;
}
