/**
 * The one memory layer: every byte jalloc takes from the OS is reserved, committed, purged and released here, by the
 * one owner of its reservation, and counted in that owner's {@link dev.jalloc.internal.memory.Usage}. Arenas (their
 * blocks), vectors, heaps (their pages and huge mappings) and best-fit allocators all sit on it; nothing above
 * calls the OS layer for memory directly, and the one translation of an OS refusal into
 * {@link dev.jalloc.OutOfNativeMemoryError} is {@link dev.jalloc.internal.memory.Reservation#refused}.
 *
 * <pre>
 *   LinearArena blocks --> BlockSource --+
 *   vectors, heaps, best fit --> Region --+--> Reservation --> Os (PosixOs | WindowsOs | coarse pages for tests)
 *     OwnRegion (a Mapping of its own)   |        ^
 *     an arena's tail (its block)  ------+        +-- Mapping (reservation + segment scope): huge payloads
 * </pre>
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>reserve / commit / purge / release</dt>
 *   <dd>Take address space with no memory behind it (no access, not charged) / make part of it usable (read-write,
 *       charged by the OS, reading zero) / give a committed range's pages and charge back while it stays read-write
 *       (it reads zero; a segment that outlived its memory reads zeros instead of crashing the JVM) / give the
 *       address space back, only after every segment over it has ended.</dd>
 *   <dt>OS page vs allocator page</dt>
 *   <dd>The OS page (4 KiB on x86-64 Linux, 16 KiB or 64 KiB on some aarch64 systems) is the unit of every call
 *       here; an arena's page may be a 2 MiB large page, a heap's page is always 4 KiB. Allocators keep their own
 *       units and round to the OS page at this layer.</dd>
 *   <dt>region, prefix, hole</dt>
 *   <dd>A {@link dev.jalloc.internal.memory.Region} is what one allocator grows into: a committed <em>prefix</em>
 *       that grows and shrinks at its end, and inside it <em>holes</em>, OS pages the allocator purged and will
 *       commit again before it hands them out. The region counts the prefix; the allocator counts its holes
 *       ({@link dev.jalloc.internal.memory.PageStates}).</dd>
 *   <dt>clean / dirty page</dt>
 *   <dd>Clean: committed or purged since it was last handed out, so it reads zero and a zeroing allocation need not
 *       write it. Dirty: handed out since.</dd>
 *   <dt>the caller's memory</dt>
 *   <dd>Memory jalloc did not map (a segment the caller passed, a mapped file): never committed, purged, remapped or
 *       released here, and always reached through the caller's own segment, so it keeps the caller's lifetime.</dd>
 *   <dt>degrading reservation</dt>
 *   <dd>A default reservation the OS refuses (a {@code ulimit -v}, thousands of live allocators) is retried at half
 *       the size down to what the allocator needs, and the allocator's {@code toString} says how much it got.</dd>
 * </dl>
 */
package dev.jalloc.internal.memory;
