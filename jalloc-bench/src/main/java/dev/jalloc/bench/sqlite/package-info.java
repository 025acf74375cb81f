/**
 * The SQLite binding of {@code jalloc-examples} against the JDK idiom (a confined arena per call) and against
 * sqlite-jdbc: {@link dev.jalloc.bench.sqlite.SqliteBench}. Results and the command that makes them:
 * {@code docs/EXAMPLES.md}.
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>contender</dt>
 *   <dd>A way of running the workloads: the binding with scratch temps, the binding with a confined arena per
 *       call, the binding with one statement prepared once (point queries), or sqlite-jdbc.</dd>
 *   <dt>row</dt>
 *   <dd>{@code (k, int, text, double)}: key {@code k}, an integer and a double computed from it, and an ASCII text
 *       of 20 to 200 bytes from a fixed pool.</dd>
 *   <dt>op</dt>
 *   <dd>A whole workload: all the inserts, all the point queries, or the whole scan.</dd>
 * </dl>
 */
package dev.jalloc.bench.sqlite;
