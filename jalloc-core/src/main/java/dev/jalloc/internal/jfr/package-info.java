/**
 * jalloc's JDK Flight Recorder events, in the {@code dev.jalloc} namespace, and the one door to them ({@link
 * dev.jalloc.internal.jfr.Jfr}) that the allocators call from their slow paths.
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>event</dt>
 *   <dd>{@code dev.jalloc.AllocatorUsage} (periodic: every live allocator's reserved, committed and live bytes),
 *       {@code dev.jalloc.OsMemory} (a reserve, commit, purge, decommit or release of at least
 *       {@value dev.jalloc.internal.jfr.Jfr#OS_MIN_BYTES} bytes), {@code dev.jalloc.AllocationSample} (a sampled
 *       allocation with its stack trace, at debug level {@code SAMPLED} and above), {@code dev.jalloc.Leak} (a site
 *       still live at close), {@code dev.jalloc.Corruption} (an invariant walk found a violation).</dd>
 *   <dt>without JFR</dt>
 *   <dd>The module reads {@code jdk.jfr} only if it is in the runtime ({@code requires static}): when it is not (a
 *       jlinked image without it), {@link dev.jalloc.internal.jfr.Jfr} emits nothing and never loads an event
 *       class.</dd>
 * </dl>
 */
package dev.jalloc.internal.jfr;
