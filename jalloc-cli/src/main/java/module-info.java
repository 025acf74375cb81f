/** The {@code jalloc} command: {@code demo}, {@code bench}. */
module dev.jalloc.cli {
    requires dev.jalloc;
}
