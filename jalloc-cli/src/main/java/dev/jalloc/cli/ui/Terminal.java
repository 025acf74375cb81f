package dev.jalloc.cli.ui;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.Console;
import java.io.PrintStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Whether a stream of this process is a terminal. The C library's {@code isatty} answers for the stream's
 * file descriptor itself; the JDK has no such question for stderr ({@link Console#isTerminal()} is about stdin
 * and stdout, and {@link System#console()} is not null in a pipe since JDK 22), so it is only the fallback,
 * where there is no {@code isatty} (Windows' C runtime names it {@code _isatty}) or native access is refused.
 */
public final class Terminal {
    private Terminal() {
    }

    /**
     * {@return whether {@code stream} is this process's stdout ({@link System#out}) or stderr ({@link System#err})
     * and its file descriptor is a terminal; false for any other stream}
     */
    public static boolean isTerminal(PrintStream stream) {
        int fd = stream == System.out ? 1 : stream == System.err ? 2 : -1;
        return fd >= 0 && isatty(fd);
    }

    private static boolean isatty(int fd) {
        Linker linker = Linker.nativeLinker();
        Optional<MemorySegment> isatty = linker.defaultLookup().find("isatty");
        if (isatty.isEmpty()) {
            return consoleIsTerminal();
        }
        MethodHandle handle;
        try {
            handle = linker.downcallHandle(isatty.get(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        } catch (IllegalCallerException e) { // --illegal-native-access=deny without --enable-native-access
            return consoleIsTerminal();
        }
        try {
            return (int) handle.invokeExact(fd) == 1;
        } catch (Throwable e) { // isatty reports through its result and errno; the handle itself cannot fail
            throw new IllegalStateException("isatty(" + fd + ") failed", e);
        }
    }

    /** {@return the JDK's answer, about stdin and stdout together} */
    private static boolean consoleIsTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }
}
