/**
 * A Redis-protocol (RESP2) server whose keys, values and list nodes live in a shared jalloc heap: {@link
 * dev.jalloc.examples.redis.RedisServer}, configured by {@link dev.jalloc.examples.redis.RedisConfig} and run from
 * the command line by {@link dev.jalloc.examples.redis.RedisMain} ({@code ./jalloc redis}). docs/EXAMPLES.md says
 * how it compares with the same server on {@code byte[]}s, on Netty's pooled buffers, and with Redis itself.
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>event loop</dt>
 *   <dd>A platform thread with a {@link java.nio.channels.Selector} over its share of the connections: it reads
 *       their input, runs every complete command in it and writes the replies. A connection stays on the loop the
 *       acceptor gave it to; its input and reply buffers come from the loop's own confined heap.</dd>
 *   <dt>keyspace, shard</dt>
 *   <dd>The data is cut into shards by the top bits of a key's hash; each shard is one {@code Keyspace} (a map
 *       from keys to strings or lists, with expiry times) behind its own lock. Any loop may run a command on any
 *       shard, so a value set through one connection is often freed by another loop's thread: the shared heap's
 *       remote frees.</dd>
 *   <dt>storage</dt>
 *   <dd>Where a keyspace keeps its data ({@link dev.jalloc.examples.redis.StorageKind}): the shared jalloc heap,
 *       {@code byte[]}s on the Java heap, or Netty's pooled direct buffers. The network, parser, commands, shards
 *       and locks are the same code for all three, so the benchmark compares the storages and nothing else.</dd>
 *   <dt>entry, node</dt>
 *   <dd>In the jalloc storage, a key is one heap block (its entry: header, key bytes and, for a string, the
 *       value's bytes) and a list element is one block (its node); the index is two primitive arrays per shard on
 *       the Java heap. {@code JallocKeyspace} draws the formats.</dd>
 *   <dt>expiry</dt>
 *   <dd>A key's expiry time is milliseconds since the epoch; a key past it does not exist. It is removed when a
 *       command finds it (lazy expiry) and by the loops' sweeps ten times a second (active expiry).</dd>
 *   <dt>too large</dt>
 *   <dd>A bulk string longer than {@link dev.jalloc.examples.redis.RedisConfig#maxValueBytes()}: it is never
 *       buffered; the rest of its command is skipped as it arrives and the client gets an error reply, on a
 *       connection that stays open. Input that is not RESP at all gets Redis's {@code Protocol error} reply and the
 *       connection is closed.</dd>
 * </dl>
 */
package dev.jalloc.examples.redis;
