/**
 * Real programs on jalloc, each measured against what Java programs use today (docs/EXAMPLES.md).
 *
 * <p>Exported: {@code dev.jalloc.examples.sqlite}, an FFM binding to the system's SQLite library whose call
 * temporaries live in jalloc scratch temps. It calls {@code libsqlite3} through {@link java.lang.foreign.Linker}
 * downcalls, so the module needs native access: run with {@code --enable-native-access=dev.jalloc.examples}
 * (and {@code dev.jalloc}), or {@code ALL-UNNAMED} on the class path.
 */
module dev.jalloc.examples {
    requires dev.jalloc;

    exports dev.jalloc.examples.sqlite;
}
