package dev.jalloc.fuzz;

/** A broken contract found by the fuzzer: what happened against what the javadoc says. */
final class Violation extends RuntimeException {
    Violation(String message, Throwable cause) {
        super(message, cause);
    }

    Violation(String message) {
        super(message);
    }
}
