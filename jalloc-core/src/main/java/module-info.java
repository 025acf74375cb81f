/**
 * jalloc: off-heap memory allocation on the FFM API.
 *
 * <p>Exported: {@code dev.jalloc} (the exceptions every part of jalloc throws), {@code dev.jalloc.arena}
 * (linear arenas, temp scopes, scratch arenas), {@code dev.jalloc.vector} (vectors over reserved virtual
 * memory) and {@code dev.jalloc.heap} (the heap and the best-fit allocator). Everything under
 * {@code dev.jalloc.internal} is implementation and may change at any time.
 *
 * <p>jalloc calls {@code mmap}, {@code mprotect} and friends (or {@code VirtualAlloc} on Windows)
 * through {@link java.lang.foreign.Linker} downcalls, so the module needs native access:
 * run with {@code --enable-native-access=dev.jalloc}.
 */
module dev.jalloc {
    // JFR events when the runtime has it; nothing is emitted (or loaded) when it does not.
    requires static jdk.jfr;

    exports dev.jalloc;
    exports dev.jalloc.arena;
    exports dev.jalloc.heap;
    exports dev.jalloc.vector;
}
