package dev.jalloc;

import java.io.Serial;

/**
 * Thrown when a hardened allocator finds its memory damaged: a canary after a payload overwritten (an overflow), a
 * freed slot written (a write after free). The write that did the damage happened earlier, through a raw address or
 * native code: Java code reading and writing segments cannot do it.
 *
 * <p>It is an {@link Error}, not an exception: the program wrote where it must not, and the allocator cannot tell
 * what else it wrote. The error is logged at {@code ERROR} on the logger {@code dev.jalloc.corruption} and emitted
 * as a {@code dev.jalloc.Corruption} Flight Recorder event before it is thrown. The allocator that threw it then
 * refuses every further call that would hand out, take back or read its memory (allocations, frees,
 * reallocations, usable sizes, {@code trim}, {@code check}) with {@link IllegalStateException} naming this error, so
 * no damaged memory is handed out again; its statistics, picture and leak report still answer (they read only its
 * metadata, which lives outside the memory and is not damaged), and {@code close()} still gives all of its memory
 * back. Whether the process goes on is the program's choice.
 *
 * <p>Mistakes found before any damage (freeing an address twice or one never handed out) are not corruption: they
 * throw {@link IllegalArgumentException} and change nothing, at every hardening level.
 */
public final class MemoryCorruptionError extends Error {
    @Serial
    private static final long serialVersionUID = 1L;

    /** What was found damaged. */
    public enum Kind {
        /** The canary after a payload was overwritten: a write past its end (or before the next payload's start). */
        CANARY,
        /** A freed slot was written before it was handed out again: a write through a stale pointer. */
        WRITE_AFTER_FREE
    }

    /** What was found damaged. */
    private final Kind kind;
    /** The payload's address. */
    private final long address;
    /** The bytes of its slot, canary included. */
    private final long slotSize;
    /** The offset in the slot of the first damaged byte found. */
    private final long offset;

    /**
     * Creates the error for damage found in the slot of the payload at {@code address}.
     *
     * @param kind     what was found
     * @param address  the payload's address
     * @param slotSize the bytes of its slot (its size class), canary included
     * @param offset   the offset in the slot of the first damaged byte
     * @param message  the whole message
     */
    public MemoryCorruptionError(Kind kind, long address, long slotSize, long offset, String message) {
        super(message);
        this.kind = kind;
        this.address = address;
        this.slotSize = slotSize;
        this.offset = offset;
    }

    /** {@return what was found damaged} */
    public Kind kind() {
        return kind;
    }

    /** {@return the address of the payload whose slot was damaged} */
    public long address() {
        return address;
    }

    /** {@return the bytes of the damaged slot (its size class), canary included} */
    public long slotSize() {
        return slotSize;
    }

    /** {@return the offset in the slot of the first damaged byte found} */
    public long offset() {
        return offset;
    }
}
