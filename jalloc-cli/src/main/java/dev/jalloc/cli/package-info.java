/**
 * The {@code jalloc} command, on picocli: {@code demo} (every kind of arena and vector at work on real memory),
 * {@code replay} (malloc-lab traces on jalloc and native allocators, in {@code dev.jalloc.cli.replay}),
 * {@code viz} (a picture of a heap, in {@code dev.jalloc.cli.viz}), {@code plot} (benchmark results as SVG charts,
 * in {@code dev.jalloc.cli.plot}), {@code sizeclasses} (the heap's size-class table), {@code completion} (a bash completion script) and
 * {@code help}. {@code bench} and {@code mtbench} are in the tree for the help and the completion only: the
 * {@code ./jalloc} launcher runs them itself, on jalloc-bench's jar. The launcher builds on first use and runs
 * {@link dev.jalloc.cli.Main} on the JDK 25 that Maven's toolchain found, passing on its exit status.
 *
 * <pre>
 *   Main (the tree) ──> Demo, ReplayCommand, VizCommand, PlotCommand, sizeclasses, LauncherCommands, CompletionCommand, help
 *        │                        │
 *        └────────────────────────┴──> dev.jalloc.cli.ui  (picocli setup, usage errors, terminal, progress line)
 * </pre>
 */
package dev.jalloc.cli;
