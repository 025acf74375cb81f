/**
 * The {@code jalloc} command: {@code demo} (every kind of arena and vector at work on real memory), {@code replay}
 * (malloc-lab traces on jalloc and native allocators, in {@code dev.jalloc.cli.replay}), {@code sizeclasses} (the
 * heap's size-class table) and {@code help}. The {@code ./jalloc} launcher builds on first use and runs
 * {@link dev.jalloc.cli.Main} on the JDK 25 that Maven's toolchain found; it runs {@code bench} (the JMH jar)
 * itself.
 */
package dev.jalloc.cli;
