package dev.jalloc.cli;

import dev.jalloc.cli.ui.Cli;
import dev.jalloc.cli.ui.HelpOption;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jalloc completion}: prints the bash completion script of the whole command tree (picocli's). */
@Command(name = "completion", description = {
    "print a bash (and zsh) completion script: source <(./jalloc completion)", "",
    "Prints a completion script of jalloc's commands, options and files, made by picocli's AutoComplete from "
            + "the command tree. It completes the command 'jalloc' and a path to it such as './jalloc'.", "",
    "bash: source <(./jalloc completion)",
    "      or save it as ~/.local/share/bash-completion/completions/jalloc",
    "zsh:  autoload -U +X compinit bashcompinit && compinit && bashcompinit",
    "      source <(./jalloc completion)"})
final class CompletionCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash(Cli.NAME, spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
