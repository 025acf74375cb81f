package dev.jalloc.internal.os;

/** The access a committed page allows. */
public enum Protection {
    /** Any access faults: a guard page, or a reserved page. */
    NONE,
    /** Reads only. */
    READ,
    /** Reads and writes: a committed page. */
    READ_WRITE
}
