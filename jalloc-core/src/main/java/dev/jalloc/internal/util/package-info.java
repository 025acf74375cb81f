/**
 * Small helpers every layer uses: bit arithmetic on sizes and addresses, and the one place where argument checks
 * and their exception messages are made.
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>byte size</dt>
 *   <dd>a count of bytes, {@code >= 0} and at most {@link dev.jalloc.internal.util.Checks#MAX_BYTE_SIZE}.</dd>
 *   <dt>byte alignment</dt><dd>a power of two between 1 and {@link dev.jalloc.internal.util.Checks#MAX_ALIGNMENT}.</dd>
 *   <dt>align up</dt><dd>the smallest multiple of an alignment that is at or above a value.</dd>
 * </dl>
 *
 * <p>Messages share one format: {@code name: value (expected: condition)}, for example
 * {@code byteAlignment: 24 (expected: a power of two)}.
 */
package dev.jalloc.internal.util;
