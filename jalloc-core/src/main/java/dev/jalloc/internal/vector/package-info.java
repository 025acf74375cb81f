/**
 * The memory under a vector: a {@link dev.jalloc.internal.vector.Region} is a range of address space with a
 * committed prefix that grows and shrinks in whole pages and never moves.
 *
 * <h2>Words</h2>
 * <ul>
 *   <li><b>reserved bytes</b>: the whole range; a vector's largest possible byte size.</li>
 *   <li><b>committed bytes</b>: the prefix backed by the OS (charged, readable, writable); a multiple of the
 *       region's page.</li>
 *   <li><b>purge</b>: giving the pages above some offset back to the OS while the range stays readable and
 *       writable (it reads as zero): what shrinking does, because a stale {@code MemorySegment} over the range
 *       must never crash the JVM.</li>
 * </ul>
 *
 * <pre>
 *   address                                                            address + reservedBytes
 *   |<------------- committed ------------->|<------- reserved only (no access) --------->|
 *   [ live elements | slack (zero or stale) ][                                            ]
 *                   ^ vector byte size      ^ committedBytes, a page multiple
 * </pre>
 */
package dev.jalloc.internal.vector;
