/**
 * The {@code jalloc} command: {@code demo}, {@code replay}, {@code bench}. {@code replay} calls the native
 * allocators it compares through {@link java.lang.foreign.Linker} downcalls, so the module needs
 * {@code --enable-native-access=dev.jalloc.cli} (the {@code ./jalloc} launcher passes it).
 */
module dev.jalloc.cli {
    requires dev.jalloc;
}
