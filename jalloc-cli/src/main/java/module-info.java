/**
 * The {@code jalloc} command: {@code demo}, {@code replay}, {@code viz}, {@code plot}, {@code sizeclasses}, {@code completion} and
 * {@code help} (plus {@code bench} and {@code mtbench}, which the launcher runs on jalloc-bench's jar), on
 * picocli. {@code replay} calls the native allocators it compares through {@link java.lang.foreign.Linker}
 * downcalls, and {@code dev.jalloc.cli.ui} asks {@code isatty}, so the module needs
 * {@code --enable-native-access=dev.jalloc.cli} (the {@code ./jalloc} launcher passes it). The command classes
 * are open to picocli, which reads their annotated fields and sets them.
 */
module dev.jalloc.cli {
    requires dev.jalloc;
    requires info.picocli;

    opens dev.jalloc.cli to info.picocli;
    opens dev.jalloc.cli.plot to info.picocli;
    opens dev.jalloc.cli.replay to info.picocli;
    opens dev.jalloc.cli.ui to info.picocli;
    opens dev.jalloc.cli.viz to info.picocli;
}
