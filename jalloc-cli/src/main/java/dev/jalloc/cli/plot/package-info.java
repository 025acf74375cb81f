/**
 * {@code jalloc plot} and {@code jalloc replay --plot}: benchmark results drawn as SVG bar charts, self-contained
 * (no script, no font file, no link: GitHub shows them in a README as they are) and deterministic (the same input
 * gives the same bytes).
 *
 * <pre>
 *   PlotCommand ──> Source.read ──> JmhCsv | MtbenchCsv | ReplayTableText ──> Measurement
 *        │             (kind told by the first line; Csv parses RFC 4180)       (keys, Metric, value, error)
 *        └──> FigurePlan (PlotSpec: chart-by, group-by, series-by, where, metric, scale) ──> Figure
 *                 ──> FigureSvg ──> HorizontalPanel | VerticalPanel (PanelLayout)
 *                                        ──> Axis, Palette, TextMetrics, Svg
 *   ReplayCommand --plot ──> FigurePlan.ofReplayTable (the table as the replay prints it, read back)
 * </pre>
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>figure, panel</dt>
 *   <dd>A figure is one SVG file: a title, a legend, panels stacked top to bottom, a caption. A panel is one grouped
 *       bar chart with a value axis of its own; a panel never mixes units.</dd>
 *   <dt>key, chart key, group, series</dt>
 *   <dd>A key is what tells measurements apart: a JMH benchmark and its parameters, a trace, an allocator, a thread
 *       count, the file's label ({@code file}), the metric. A panel is made per value of the chart keys, a group
 *       (a label and its bars) per value of the group keys, a series (a colour, a legend entry) per value of the
 *       series key. The same series has the same colour in every figure ({@link dev.jalloc.cli.plot.Palette}).</dd>
 *   <dt>bar, whisker, missing</dt>
 *   <dd>A bar is one value; its whisker spans value ± error, JMH's 99.9 % confidence half-width (there is none for
 *       a single sample, NaN in JMH's CSV, nor for mtbench and the replay, which run once per cell). A missing value
 *       (not in the file, {@code -} in a replay table, a skipped mtbench run) is drawn as the words "no value",
 *       never as a bar of length 0: 0 is a measurement (the noise pass's resident growth).</dd>
 *   <dt>scale</dt>
 *   <dd>Linear axes start at 0, so a bar's length is its value. A log axis (asked for, or chosen where a panel's
 *       values span more than 100 times) says "log scale" in its label and draws values as dots, since a bar's
 *       length on it would mean nothing; a 0 on it is a hollow dot at the axis' low end.</dd>
 *   <dt>better</dt>
 *   <dd>Which way is better, said in the axis label: time per op ({@code ns/op}) lower, ops per time
 *       ({@code ops/s}, {@code kops/s}, {@code frees/s}) higher, bytes lower, utilizations higher.</dd>
 * </dl>
 */
package dev.jalloc.cli.plot;
