/**
 * The failures every part of jalloc reports.
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>system call failure</dt>
 *   <dd>An operating-system primitive ({@code mmap}, {@code mprotect}, {@code VirtualAlloc}, ...) returned an error.
 *       It surfaces as a {@link dev.jalloc.SystemCallException} naming the call, its arguments and the error
 *       ({@code errno} on POSIX, {@code GetLastError} on Windows) with its text.</dd>
 *   <dt>out of native memory</dt>
 *   <dd>A request that cannot be satisfied: the operating system refused to reserve or commit memory, or an
 *       allocator that may not grow (a fixed arena, a full reservation with chaining off) has no room left. It
 *       surfaces as an {@link dev.jalloc.OutOfNativeMemoryError}, an {@link OutOfMemoryError} like the one the
 *       JDK's own arenas throw; when the operating system refused, its cause is the
 *       {@link dev.jalloc.SystemCallException}.</dd>
 * </dl>
 *
 * <p>Everything else follows the JDK's {@link java.lang.foreign.Arena} contract: {@link IllegalArgumentException}
 * for bad sizes and alignments, {@link IllegalStateException} for use after close, {@link WrongThreadException}
 * for use of a confined allocator from another thread, {@link IndexOutOfBoundsException} for bad positions. A
 * refused operation leaves the allocator exactly as it was.
 */
package dev.jalloc;
