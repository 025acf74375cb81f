/**
 * The operating-system layer: a handful of virtual-memory primitives behind {@link dev.jalloc.internal.os.Os},
 * implemented with {@link java.lang.foreign.Linker} downcalls to libc on POSIX ({@code mmap}, {@code mprotect},
 * {@code madvise}, {@code munmap}, {@code sysconf}) and to kernel32 on Windows ({@code VirtualAlloc},
 * {@code VirtualFree}, {@code VirtualProtect}, {@code GetSystemInfo}, {@code GetLargePageMinimum}).
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>OS page</dt>
 *   <dd>The unit in which the operating system maps memory ({@link dev.jalloc.internal.os.Os#pageSize()}, 4 KiB on
 *       x86-64 Linux). Every address and length passed to a primitive is a multiple of it. An allocator page may be
 *       larger (a large page, or an arena's commit step) but is always a multiple of the OS page.</dd>
 *   <dt>large page</dt>
 *   <dd>A page of {@link dev.jalloc.internal.os.Os#largePageSize()} bytes (2 MiB on x86-64) backed by one TLB
 *       entry. On Linux jalloc asks for transparent huge pages with {@code madvise(MADV_HUGEPAGE)} on a range
 *       aligned to the large page size.</dd>
 *   <dt>reserve</dt>
 *   <dd>Take a range of address space with no access and no backing: it costs no memory and no commit charge,
 *       and nothing else in the process will be mapped there.</dd>
 *   <dt>commit</dt>
 *   <dd>Make reserved pages readable and writable. The system charges them against its commit limit (and may
 *       refuse, which is reported then rather than as a crash at first touch); physical memory is taken page by
 *       page at first touch. A freshly committed page reads as zero.</dd>
 *   <dt>decommit</dt>
 *   <dd>Give committed pages back to the system and make them inaccessible, keeping the range reserved. A later
 *       commit gives zero pages again.</dd>
 *   <dt>release</dt>
 *   <dd>Return a whole reservation to the system; the addresses may be reused by any later mapping.</dd>
 *   <dt>protect</dt>
 *   <dd>Change the access of committed pages: none, read, read-write.</dd>
 *   <dt>advise</dt>
 *   <dd>Hint the system about pages: use huge pages, or drop the contents (the range stays committed and reads as
 *       zero afterwards on Linux).</dd>
 * </dl>
 *
 * <p>Every primitive deals in raw addresses and byte counts ({@code long}); nothing here makes a
 * {@link java.lang.foreign.MemorySegment} for callers. Every failed call becomes a
 * {@link dev.jalloc.SystemCallException} naming the call, its arguments and the error; no result is ignored.
 */
package dev.jalloc.internal.os;
