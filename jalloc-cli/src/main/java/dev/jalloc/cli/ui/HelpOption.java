package dev.jalloc.cli.ui;

import picocli.CommandLine.Option;

/** {@code -h}, {@code --help}: every jalloc command mixes it in ({@code @Mixin HelpOption help;}). */
public final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    private boolean help;
}
