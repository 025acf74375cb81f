/**
 * How the {@code jalloc} command meets its user, below every command: picocli's setup shared by all of them
 * ({@link dev.jalloc.cli.ui.Cli}), the one wording of usage errors ({@link dev.jalloc.cli.ui.UsageErrors}), the
 * {@code -h}/{@code --help} option ({@link dev.jalloc.cli.ui.HelpOption}), whether a stream is a terminal
 * ({@link dev.jalloc.cli.ui.Terminal}) and the progress line of long commands
 * ({@link dev.jalloc.cli.ui.ProgressLine}).
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>usage error</dt>
 *   <dd>A command line the command cannot run: an unknown command or option, an option without its value, a
 *       value out of range, a missing argument. It prints two lines on stderr, what was wrong and where to read
 *       more, and exits with status 2:
 *       <pre>
 *   jalloc replay: unknown option '--frobnicate'
 *   try 'jalloc replay --help'</pre></dd>
 *   <dt>terminal</dt>
 *   <dd>A file descriptor for which {@code isatty(3)} says yes (a pseudo terminal under tmux, ssh or
 *       {@code script}, a console); a pipe, a file or {@code /dev/null} is not one.</dd>
 *   <dt>progress line</dt>
 *   <dd>One line on stderr rewritten in place with {@code '\r'}, never longer than 79 columns (so that
 *       {@code '\r'} returns to its start in any terminal of 80 columns or more), erased when the command ends
 *       or prints a line of its own. Shown only when stderr is a terminal, unless the user asks otherwise:
 *       whatever reads a pipe or a file gets the command's output and messages, never a progress line.</dd>
 * </dl>
 *
 * <p>Dependencies point one way: {@code dev.jalloc.cli} and {@code dev.jalloc.cli.replay} use this package;
 * it uses picocli and {@code java.base} only.
 */
package dev.jalloc.cli.ui;
