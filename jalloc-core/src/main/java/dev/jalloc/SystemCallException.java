package dev.jalloc;

import java.io.Serial;
import java.util.Objects;

/**
 * Thrown when an operating-system memory primitive fails.
 *
 * <p>The message names the call, its arguments and the error, for example
 * {@code mprotect(address=0x7f3a00000000, length=65536, prot=PROT_READ|PROT_WRITE) failed: errno 12 ENOMEM
 * (Cannot allocate memory)}. The parts are available separately for programs that react to them.
 */
public final class SystemCallException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The name of the call, such as {@code mmap}. */
    private final String call;
    /** The arguments as they were passed, formatted. */
    private final String arguments;
    /** {@code errno} on POSIX, {@code GetLastError()} on Windows. */
    private final int errorCode;
    /** The symbolic name of the error, such as {@code ENOMEM}. */
    private final String errorName;
    /** Whether the error means that memory or address space ran out. */
    private final boolean outOfMemory;

    /**
     * Creates an exception for a failed system call.
     *
     * @param call        the name of the call, such as {@code mmap} or {@code VirtualAlloc}
     * @param arguments   the arguments as they were passed, already formatted
     * @param errorCode   {@code errno} on POSIX, {@code GetLastError()} on Windows
     * @param errorName   the symbolic name of the error, such as {@code ENOMEM}
     * @param errorText   the operating system's description of the error
     * @param outOfMemory whether the error means that memory or address space ran out
     */
    public SystemCallException(String call, String arguments, int errorCode, String errorName, String errorText,
                               boolean outOfMemory) {
        super(call + "(" + arguments + ") failed: " + errorName + " (" + errorCode + ": " + errorText + ")");
        this.call = Objects.requireNonNull(call);
        this.arguments = Objects.requireNonNull(arguments);
        this.errorCode = errorCode;
        this.errorName = Objects.requireNonNull(errorName);
        this.outOfMemory = outOfMemory;
    }

    /** {@return the name of the failed call, such as {@code mmap}} */
    public String call() {
        return call;
    }

    /** {@return the arguments of the failed call, formatted as in the message} */
    public String arguments() {
        return arguments;
    }

    /** {@return {@code errno} on POSIX, {@code GetLastError()} on Windows} */
    public int errorCode() {
        return errorCode;
    }

    /** {@return the symbolic name of the error, such as {@code ENOMEM} or {@code ERROR_COMMITMENT_LIMIT}} */
    public String errorName() {
        return errorName;
    }

    /** {@return whether the error means the system ran out of memory, commit charge or address space} */
    public boolean isOutOfMemory() {
        return outOfMemory;
    }
}
