package dev.jalloc.arena;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.internal.util.Checks;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Configures a {@link LinearArena}. The defaults are those of {@link LinearArena#ofVirtual()}: a confined,
 * unchecked arena over one reservation of {@value LinearArena#DEFAULT_RESERVE_SIZE} bytes committed in
 * {@value LinearArena#DEFAULT_COMMIT_STEP}-byte steps, chaining off, OS pages,
 * {@value LinearArena#DEFAULT_RETAIN} bytes retained.
 *
 * {@snippet :
 * LinearArena frames = LinearArena.builder()
 *         .reserveSize(1L << 30)     // 1 GiB reservations...
 *         .commitStep(256 << 10)     // ...committed 256 KiB at a time
 *         .chaining(true)            // and another reservation when one is full
 *         .retainBytes(16 << 20)     // keep 16 MiB committed across clear()
 *         .build();
 * }
 */
public final class LinearArenaBuilder {
    long reserveSize = LinearArena.DEFAULT_RESERVE_SIZE;
    /** Whether the reservation size was asked for: only a default one degrades when the OS refuses it. */
    boolean reserveSizeSet;
    long commitStep = LinearArena.DEFAULT_COMMIT_STEP;
    long retainBytes = LinearArena.DEFAULT_RETAIN;
    long autoAlign = LinearArena.DEFAULT_AUTO_ALIGN;
    boolean chaining;
    boolean largePages;
    boolean shared;
    boolean checked;
    MemorySegment memory;

    LinearArenaBuilder() {
    }

    /**
     * Sets the address space each block reserves; rounded up to the arena page. Without it the default reservation
     * degrades to a smaller one when the OS refuses that much address space (a {@code ulimit -v}, thousands of live
     * arenas), and {@link LinearArena#toString()} says so; with it, such a refusal is an error.
     *
     * @param byteSize the number of bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code byteSize} is not positive or above the maximum
     */
    public LinearArenaBuilder reserveSize(long byteSize) {
        this.reserveSize = Checks.checkPositiveByteSize("reserveSize", byteSize);
        this.reserveSizeSet = true;
        return this;
    }

    /**
     * Sets the commit step; rounded up to the arena page. A step at least as large as the reservation makes
     * committed blocks (committed whole when made); a smaller one makes virtual blocks.
     *
     * @param byteSize the number of bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code byteSize} is not positive or above the maximum
     */
    public LinearArenaBuilder commitStep(long byteSize) {
        this.commitStep = Checks.checkPositiveByteSize("commitStep", byteSize);
        return this;
    }

    /**
     * Sets whether a full block is followed by a new block (off: the arena throws
     * {@link OutOfNativeMemoryError} when its block is full).
     *
     * @param chaining whether to chain
     * @return this builder
     */
    public LinearArenaBuilder chaining(boolean chaining) {
        this.chaining = chaining;
        return this;
    }

    /**
     * Asks for large pages; if the OS cannot give them the arena uses OS pages and logs why (logger
     * {@code dev.jalloc.arena}, level {@code WARNING}).
     *
     * @param largePages whether to ask for large pages
     * @return this builder
     */
    public LinearArenaBuilder largePages(boolean largePages) {
        this.largePages = largePages;
        return this;
    }

    /**
     * Sets the position below which popped pages stay committed; pages above it are purged on pop.
     *
     * @param byteSize the number of bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code byteSize} is negative or above the maximum
     */
    public LinearArenaBuilder retainBytes(long byteSize) {
        this.retainBytes = Checks.checkByteSize("retainBytes", byteSize);
        return this;
    }

    /**
     * Sets the alignment of pushes that name none.
     *
     * @param byteAlignment the alignment of the first byte, a power of two
     * @return this builder
     * @throws IllegalArgumentException if the alignment is invalid (see the class comment)
     */
    public LinearArenaBuilder autoAlign(long byteAlignment) {
        this.autoAlign = Checks.checkAlignment(byteAlignment);
        return this;
    }

    /**
     * Sets whether the arena may be used from any thread (default: confined to the thread that builds it).
     *
     * @param shared whether to share
     * @return this builder
     */
    public LinearArenaBuilder shared(boolean shared) {
        this.shared = shared;
        return this;
    }

    /**
     * Sets checked mode: segments pushed in a temp become inaccessible when the temp closes, and popped
     * memory is poisoned with {@link LinearArena#POISON}.
     *
     * @param checked whether to check
     * @return this builder
     */
    public LinearArenaBuilder checked(boolean checked) {
        this.checked = checked;
        return this;
    }

    /**
     * Makes a fixed arena over the caller's memory (see {@link LinearArena#ofFixed(MemorySegment)}). Chaining, if it is
     * on, links OS blocks after it.
     *
     * @param memory the memory to bump through
     * @return this builder
     * @throws IllegalArgumentException if {@code memory} is read-only
     */
    public LinearArenaBuilder over(MemorySegment memory) {
        Objects.requireNonNull(memory, "memory");
        if (memory.isReadOnly()) {
            throw Checks.illegalArgument("memory", memory, "a writable segment");
        }
        this.memory = memory;
        return this;
    }

    /**
     * {@return a new arena, confined to the calling thread unless shared}
     *
     * @throws OutOfNativeMemoryError   if the OS refuses the first block
     * @throws IllegalStateException    if the caller's memory ({@link #over}) is closed
     * @throws IllegalArgumentException if the caller's memory is not accessible from this thread (or, for a shared
     *                                  arena, from every thread)
     */
    public LinearArena build() {
        if (memory != null) {
            checkMemoryUsable();
        }
        return new LinearArena(this);
    }

    /** The caller's memory must be alive and accessible wherever the arena will be used. */
    private void checkMemoryUsable() {
        if (!memory.scope().isAlive()) {
            throw new IllegalStateException("Already closed: the memory to build the arena over");
        }
        if (!memory.isAccessibleBy(Thread.currentThread())) {
            throw Checks.illegalArgument("memory", memory, "a segment accessible from " + Thread.currentThread());
        }
        if (shared && !memory.isAccessibleBy(new Thread(() -> { }))) {
            throw Checks.illegalArgument("memory", memory, "a segment accessible from every thread, for a shared arena");
        }
    }
}
