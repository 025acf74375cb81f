package dev.jalloc.examples.redis;

import static dev.jalloc.examples.redis.KeyspaceClient.binary;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What only the Netty storage has: bytes copied through a buffer's memory address land where Netty's own API
 * reads them (and the fallback without an address works), and every buffer is released exactly once, counted by
 * the allocator itself.
 */
class NettyStorageTest {
    /** An allocator without thread caches, so that its arenas count every allocation and release. */
    private static PooledByteBufAllocator countingAllocator() {
        return new PooledByteBufAllocator(true, 0, 1, 8192, 9, 0, 0, false);
    }

    private static long activeBuffers(PooledByteBufAllocator allocator) {
        long active = 0;
        for (PoolArenaMetric arena : allocator.metric().directArenas()) {
            active += arena.numActiveAllocations();
        }
        return active;
    }

    @Test
    void copiesAgreeWithTheByteBufApiWithAndWithoutAMemoryAddress() {
        PooledByteBufAllocator allocator = countingAllocator();
        ByteBuf direct = allocator.directBuffer(8);
        ByteBuf heap = Unpooled.buffer(8);
        assertTrue(direct.hasMemoryAddress(), "Netty gives its direct buffers an address on this JDK");
        assertFalse(heap.hasMemoryAddress());
        byte[] first = RespTesting.bytes(binary(100));
        byte[] second = RespTesting.bytes(binary(5000));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment source = arena.allocate(7 + first.length + second.length);
            MemorySegment.copy(first, 0, source, JAVA_BYTE, 7, first.length);
            MemorySegment.copy(second, 0, source, JAVA_BYTE, 7 + first.length, second.length);
            byte[] both = new byte[first.length + second.length];
            MemorySegment.copy(source, JAVA_BYTE, 7, both, 0, both.length);
            for (ByteBuf buffer : List.of(direct, heap)) {
                NettyValues.write(buffer, source, 7, first.length);
                NettyValues.write(buffer, source, 7 + first.length, second.length);   // grows the buffer
                byte[] seen = new byte[buffer.readableBytes()];
                buffer.getBytes(0, seen);
                assertArrayEquals(both, seen, buffer.toString());
                MemorySegment target = arena.allocate(both.length + 3);
                NettyValues.read(buffer, target, 3);
                assertEquals(-1, MemorySegment.mismatch(source, 7, 7 + both.length, target, 3, 3 + both.length));
            }
        }
        assertTrue(direct.release());
        assertTrue(heap.release());
        assertEquals(0, activeBuffers(allocator));
    }

    @Test
    void theAllocatorCountsOneBufferPerValueHeld() {
        PooledByteBufAllocator allocator = countingAllocator();
        try (NettyStorage storage = new NettyStorage(allocator); Keyspace keyspace = storage.newKeyspace()) {
            KeyspaceClient client = new KeyspaceClient(keyspace);
            client.set("a", "1");
            client.set("b", binary(100_000));
            client.rightPush("list", "x", "y", "z", "w");
            assertEquals(6, activeBuffers(allocator));
            client.set("a", "2");
            client.incrementBy("a", 10);
            client.append("b", binary(5_000_000));   // past a chunk: reallocated, still one buffer
            assertEquals(6, activeBuffers(allocator), "overwrite, INCRBY, APPEND keep one buffer per value");
            client.pop("list", true, 2);
            assertEquals(4, activeBuffers(allocator));
            client.set("list", "string now");
            assertEquals(3, activeBuffers(allocator), "SET over a list releases its elements");
            assertTrue(client.delete("b"));
            client.set("a", "gone", client.now, Keyspace.ALWAYS, false);
            assertEquals(1, activeBuffers(allocator), "DEL and a SET already expired release");
            client.expireAt("list", client.now + 1);
            client.now++;
            assertFalse(client.exists("list"));
            assertEquals(0, activeBuffers(allocator), "lazy expiry releases");
            client.rightPush("l", "1", "2");
            client.set("s", "v", client.now + 1, Keyspace.ALWAYS, false);
            client.expireAt("l", client.now + 1);
            client.now++;
            assertEquals(2, keyspace.expireSome(client.now, 10));
            assertEquals(0, activeBuffers(allocator), "active expiry releases");
            client.set("left", "over");
        }
        assertEquals(0, activeBuffers(allocator), "close releases");
    }

    @Test
    void clearAndCloseReleaseEveryBufferAfterRandomCommands() {
        PooledByteBufAllocator allocator = countingAllocator();
        SplittableRandom random = new SplittableRandom(RespTesting.seed("NettyStorageTest"));
        NettyStorage storage = new NettyStorage(allocator);
        Keyspace first = storage.newKeyspace();
        Keyspace second = storage.newKeyspace();
        for (int round = 0; round < 2; round++) {
            for (Keyspace keyspace : List.of(first, second)) {
                KeyspaceClient client = new KeyspaceClient(keyspace);
                for (int i = 0; i < 3000; i++) {
                    String key = "k" + random.nextInt(50);
                    String value = random.nextInt(10) == 0 ? binary(random.nextInt(20_000)) : "" + random.nextInt(99);
                    client.now += random.nextInt(3);
                    try {
                        switch (random.nextInt(8)) {
                            case 0 -> client.set(key, value, random.nextBoolean() ? 0 : client.now + 5,
                                    random.nextInt(3), random.nextBoolean());
                            case 1 -> client.append(key, value);
                            case 2 -> client.incrementBy(key, 1);
                            case 3 -> client.push(key, random.nextBoolean(), value, value);
                            case 4 -> client.pop(key, random.nextBoolean(), random.nextInt(-1, 3));
                            case 5 -> client.delete(key);
                            case 6 -> client.expireAt(key, client.now + random.nextInt(-1, 5));
                            default -> keyspace.expireSome(client.now, 5);
                        }
                    } catch (RedisException e) {
                        // WRONGTYPE, not an integer: nothing changed
                    }
                }
            }
            assertTrue(activeBuffers(allocator) > 0);
            first.clear();
            second.clear();
            assertEquals(0, activeBuffers(allocator), "after clear, round " + round);
        }
        new KeyspaceClient(first).set("k", "v");
        new KeyspaceClient(second).rightPush("k", "v", "w");
        first.close();
        second.close();
        assertEquals(0, activeBuffers(allocator), "after close");
        assertTrue(storage.shutdown().startsWith("netty: every value buffer released"), storage.shutdown());
    }
}
