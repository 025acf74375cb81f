package dev.jalloc.examples.redis;

import dev.jalloc.DebugLevel;
import dev.jalloc.heap.Hardening;
import static dev.jalloc.examples.redis.KeyspaceClient.binary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.DebugLevel;
import dev.jalloc.heap.Hardening;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link Keyspace} contract, as Redis 7 behaves, over every {@link Storage}: strings, INCRBY and APPEND, keys
 * and expiry, then lists ({@link ListContractTest}) and a randomized run against a model
 * ({@link KeyspaceModelTest}), which take their storages from {@link #storages()}.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("storages")
class KeyspaceContractTest extends StorageFixture {
    /** {@return every storage, by name}: a new one adds its line here */
    static Stream<Named<Supplier<Storage>>> storages() {
        return Stream.of(
                storage("jalloc", () -> new JallocStorage(Hardening.NONE, DebugLevel.OFF)),
                storage("jalloc-standard", () -> new JallocStorage(Hardening.STANDARD, DebugLevel.ALL)),
                storage("byte-arrays", ByteArrayStorage::new),
                storage("netty", NettyStorage::new));
    }

    private static Named<Supplier<Storage>> storage(String name, Supplier<Storage> factory) {
        return Named.of(name, factory);
    }

    /** Asserts that {@code call} throws the error reply {@code expected}. */
    static void assertError(RedisException expected, Executable call) {
        assertEquals(expected.getMessage(), assertThrows(RedisException.class, call).getMessage());
    }

    // ---- strings ---------------------------------------------------------------------------------------------

    @Test
    void getOfAMissingKeyIsNil() {
        assertNull(client.get("missing"));
        assertEquals(0, client.keyspace.size());
    }

    @Test
    void setThenGetGivesTheBytesBack() {
        for (String value : List.of("v", "", "a\0b\r\nc", "\r\n", "$-1\r\n", "*2\r\n", binary(256), binary(5000))) {
            assertTrue(client.set("k", value));
            assertEquals(value, client.get("k"));
            assertEquals(value.length(), client.stringLength("k"));
        }
        assertEquals(1, client.keyspace.size());
    }

    @Test
    void setReplacesTheExpiryTimeUnlessKeepTtl() {
        client.set("k", "1", client.now + 1000, Keyspace.ALWAYS, false);
        assertEquals(1000, client.timeToLive("k"));
        client.set("k", "2", 0, Keyspace.ALWAYS, true);
        assertEquals(1000, client.timeToLive("k"), "KEEPTTL");
        client.set("k", "3", client.now + 50, Keyspace.ALWAYS, false);
        assertEquals(50, client.timeToLive("k"));
        client.set("k", "4");
        assertEquals(-1, client.timeToLive("k"), "a plain SET drops the expiry time");
        client.set("new", "5", 0, Keyspace.ALWAYS, true);
        assertEquals(-1, client.timeToLive("new"), "KEEPTTL of a new key");
        assertEquals("4", client.get("k"));
    }

    @Test
    void setObeysNxAndXx() {
        assertFalse(client.set("k", "xx", 0, Keyspace.IF_PRESENT, false));
        assertFalse(client.exists("k"));
        assertTrue(client.set("k", "nx", 0, Keyspace.IF_ABSENT, false));
        assertFalse(client.set("k", "nx again", client.now + 5, Keyspace.IF_ABSENT, false));
        assertEquals("nx", client.get("k"));
        assertEquals(-1, client.timeToLive("k"), "a SET that did not happen sets no expiry time");
        assertTrue(client.set("k", "xx", 0, Keyspace.IF_PRESENT, false));
        assertEquals("xx", client.get("k"));
        client.rightPush("list", "a");
        assertFalse(client.set("list", "nx", 0, Keyspace.IF_ABSENT, false), "NX sees a key of any type");
        assertEquals(List.of("a"), client.range("list", 0, -1));
        client.expireAt("k", client.now + 10);
        client.now += 10;
        assertFalse(client.set("k", "xx", 0, Keyspace.IF_PRESENT, false), "an expired key is absent");
        assertTrue(client.set("k", "nx", 0, Keyspace.IF_ABSENT, false));
        assertEquals("nx", client.get("k"));
    }

    @Test
    void setReplacesAList() {
        client.rightPush("k", "a", "b", "c");
        client.expireAt("k", client.now + 100);
        assertTrue(client.set("k", "string"));
        assertEquals("string", client.get("k"));
        assertEquals(-1, client.timeToLive("k"));
        assertError(RedisException.WRONG_TYPE, () -> client.listLength("k"));
        assertTrue(client.set("k", "kept", 0, Keyspace.IF_PRESENT, true));
        assertEquals(1, client.keyspace.size());
    }

    @Test
    void setWithAnExpiryTimeAlreadyPastLeavesNoKey() {
        client.set("k", "old");
        assertTrue(client.set("k", "new", client.now, Keyspace.ALWAYS, false));
        assertFalse(client.exists("k"));
        assertTrue(client.set("k", "new", client.now - 1, Keyspace.ALWAYS, false));
        assertNull(client.get("k"));
        assertEquals(0, client.keyspace.size());
    }

    @Test
    void stringCommandsOnAListAreWrongTypeAndChangeNothing() {
        client.rightPush("k", "a", "b");
        client.expireAt("k", client.now + 100);
        assertError(RedisException.WRONG_TYPE, () -> client.get("k"));
        assertError(RedisException.WRONG_TYPE, () -> client.stringLength("k"));
        assertError(RedisException.WRONG_TYPE, () -> client.append("k", "c"));
        assertError(RedisException.WRONG_TYPE, () -> client.incrementBy("k", 1));
        assertEquals(List.of("a", "b"), client.range("k", 0, -1));
        assertEquals(100, client.timeToLive("k"));
    }

    @Test
    void incrementByStoresADecimalString() {
        assertEquals(5, client.incrementBy("n", 5));
        assertEquals("5", client.get("n"));
        assertEquals(-1, client.timeToLive("n"));
        assertEquals(10, client.incrementBy("n", 5), "one digit to two");
        assertEquals(9, client.incrementBy("n", -1), "two digits to one");
        assertEquals(-1, client.incrementBy("n", -10));
        assertEquals("-1", client.get("n"));
        client.expireAt("n", client.now + 100);
        assertEquals(0, client.incrementBy("n", 1));
        assertEquals("0", client.get("n"));
        assertEquals(100, client.timeToLive("n"), "INCRBY keeps the expiry time");
        client.set("n", "-9223372036854775808");
        assertEquals(Long.MIN_VALUE + 7, client.incrementBy("n", 7));
        assertEquals("-9223372036854775801", client.get("n"));
        client.set("n", "9223372036854775806");
        assertEquals(Long.MAX_VALUE, client.incrementBy("n", 1));
        assertEquals("9223372036854775807", client.get("n"));
        assertEquals(Long.MIN_VALUE, client.incrementBy("min", Long.MIN_VALUE));
    }

    @Test
    void incrementByRefusesWhatRedisDoesNotParse() {
        for (String bad : List.of("01", "-01", "-0", "00", " 1", "1 ", "+1", "-", "", "abc", "1.5", "0x10", "1e3",
                "\0", "1\r\n", "9223372036854775808", "-9223372036854775809", "10000000000000000000",
                "123456789012345678901", binary(100))) {
            client.set("n", bad, client.now + 100, Keyspace.ALWAYS, false);
            assertError(RedisException.NOT_AN_INTEGER, () -> client.incrementBy("n", 1));
            assertEquals(bad, client.get("n"), "unchanged");
            assertEquals(100, client.timeToLive("n"));
        }
    }

    @Test
    void incrementByRefusesToOverflow() {
        client.set("n", "9223372036854775807");
        assertError(RedisException.OVERFLOW, () -> client.incrementBy("n", 1));
        assertError(RedisException.OVERFLOW, () -> client.incrementBy("n", Long.MAX_VALUE));
        assertEquals("9223372036854775807", client.get("n"));
        assertEquals(-1, client.incrementBy("n", Long.MIN_VALUE));
        client.set("n", "-9223372036854775808");
        assertError(RedisException.OVERFLOW, () -> client.incrementBy("n", -1));
        assertEquals("-9223372036854775808", client.get("n"));
        client.incrementBy("m", Long.MIN_VALUE);
        assertError(RedisException.OVERFLOW, () -> client.incrementBy("m", Long.MIN_VALUE));
    }

    @Test
    void appendCreatesOrExtendsAString() {
        assertEquals(3, client.append("k", "a\0b"));
        assertEquals(-1, client.timeToLive("k"));
        client.expireAt("k", client.now + 100);
        assertEquals(5, client.append("k", "\r\n"));
        assertEquals(5, client.append("k", ""));
        assertEquals("a\0b\r\n", client.get("k"));
        assertEquals(100, client.timeToLive("k"), "APPEND keeps the expiry time");
        assertEquals(0, client.append("empty", ""));
        assertTrue(client.exists("empty"), "APPEND of nothing makes an empty string");
        client.set("n", "41");
        client.append("n", "9");
        assertEquals(420, client.incrementBy("n", 1));
    }

    @Test
    void appendGrowsAStringPastOneMebibyte() {
        String piece = binary(4000);   // a byte[] copies the whole string each time: few, large pieces
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 280; i++) {
            expected.append(piece);
            assertEquals(expected.length(), client.append("k", piece));
        }
        assertEquals(expected.toString(), client.get("k"));
    }

    @Test
    void appendRefusesAStringLongerThanTheLimit() {
        client.set("k", "12345", client.now + 100, Keyspace.ALWAYS, false);
        assertError(RedisException.tooLarge(11, 10), () -> client.append("k", "678901", 10));
        assertEquals("12345", client.get("k"));
        assertEquals(100, client.timeToLive("k"));
        assertEquals(10, client.append("k", "67890", 10), "exactly the limit");
        assertError(RedisException.tooLarge(11, 10), () -> client.append("new", "12345678901", 10));
        assertFalse(client.exists("new"));
    }

    @Test
    void stringLengthCountsBytes() {
        assertEquals(0, client.stringLength("missing"));
        client.set("k", "");
        assertEquals(0, client.stringLength("k"));
        client.set("k", "\0\0\0");
        assertEquals(3, client.stringLength("k"));
    }

    @Test
    void valuesOfOneMebibyteAndMore() {
        String big = binary(1 << 20);
        client.set("k", big);
        assertEquals(big, client.get("k"));
        assertEquals(1 << 20, client.stringLength("k"));
        client.set("k", "small");
        assertEquals("small", client.get("k"));
        String huge = binary(5 << 20);   // over Netty's 4 MiB chunk: not pooled
        client.set("k", huge);
        assertEquals(huge, client.get("k"));
        assertTrue(client.delete("k"));
    }

    // ---- keys ------------------------------------------------------------------------------------------------

    @Test
    void deleteAndExistsOfEveryKind() {
        assertFalse(client.delete("k"));
        assertFalse(client.exists("k"));
        client.set("k", "v");
        client.rightPush("list", "a");
        assertTrue(client.exists("k"));
        assertTrue(client.exists("list"));
        assertTrue(client.delete("list"));
        assertFalse(client.exists("list"));
        assertEquals(0, client.listLength("list"));
        client.expireAt("k", client.now + 1);
        client.now++;
        assertFalse(client.exists("k"));
        assertFalse(client.delete("k"));
        assertEquals(0, client.keyspace.size());
    }

    @Test
    void keysAreBinaryStringsAndCopied() {
        List<String> keys = List.of("", "a", "a\0", "\0a", "k\r\n", binary(300), binary(301));
        for (String key : keys) {
            client.set(key, "value of " + key);
        }
        assertEquals(keys.size(), client.keyspace.size());
        for (String key : keys) {
            assertEquals("value of " + key, client.get(key));
        }
        Args args = RespTesting.args("SET", "key", "value");
        client.keyspace.set(args, 1, 2, 0, Keyspace.ALWAYS, false, client.now);
        args.segment().fill((byte) 'x');   // the connection reads into its buffer again
        assertEquals("value", client.get("key"));
        assertNull(client.get("xxx"));
        assertEquals(keys.size() + 1, client.keyspace.size());
    }

    @Test
    void tenThousandKeys() {
        for (int i = 0; i < 10_000; i++) {
            client.set("key:" + i, "v" + i);
        }
        assertEquals(10_000, client.keyspace.size());
        for (int i = 0; i < 10_000; i += 2) {
            assertTrue(client.delete("key:" + i));
        }
        for (int i = 0; i < 10_000; i++) {
            assertEquals(i % 2 == 0 ? null : "v" + i, client.get("key:" + i));
        }
        assertEquals(5_000, client.keyspace.size());
    }

    @Test
    void clearRemovesEveryKeyAndTheKeyspaceGoesOn() {
        for (int i = 0; i < 1000; i++) {
            client.set("s" + i, binary(i), i % 3 == 0 ? client.now + 100 : 0, Keyspace.ALWAYS, false);
            client.rightPush("l" + i, "a", binary(i));
        }
        client.keyspace.clear();
        assertEquals(0, client.keyspace.size());
        assertNull(client.get("s1"));
        assertEquals(0, client.keyspace.expireSome(client.now + 1000, 100));
        client.set("s1", "again", client.now + 10, Keyspace.ALWAYS, false);
        client.leftPush("l1", "b");
        assertEquals("again", client.get("s1"));
        assertEquals(List.of("b"), client.range("l1", 0, -1));
        client.now += 10;
        assertEquals(1, client.keyspace.expireSome(client.now, 100));
        assertEquals(1, client.keyspace.size());
    }

    // ---- expiry ----------------------------------------------------------------------------------------------

    @Test
    void expireAtSetsTheTimeToLive() {
        assertFalse(client.expireAt("k", client.now + 100));
        assertEquals(-2, client.timeToLive("k"));
        client.set("k", "v");
        assertEquals(-1, client.timeToLive("k"));
        assertTrue(client.expireAt("k", client.now + 100));
        assertEquals(100, client.timeToLive("k"));
        client.now += 40;
        assertEquals(60, client.timeToLive("k"));
        client.rightPush("list", "a");
        assertTrue(client.expireAt("list", client.now + 7));
        assertEquals(7, client.timeToLive("list"));
    }

    @Test
    void expireAtNowOrBeforeDeletes() {
        client.set("k", "v");
        assertTrue(client.expireAt("k", client.now));
        assertFalse(client.exists("k"));
        assertFalse(client.expireAt("k", client.now + 10));
        client.rightPush("list", "a");
        assertTrue(client.expireAt("list", 1));
        assertEquals(-2, client.timeToLive("list"));
        assertEquals(0, client.keyspace.size());
    }

    @Test
    void aKeyExpiresAtItsTimeAndIsRemovedWhenFound() {
        client.set("k", "v", client.now + 10, Keyspace.ALWAYS, false);
        client.rightPush("list", "a");
        client.expireAt("list", client.now + 10);
        client.now += 9;
        assertEquals("v", client.get("k"));
        assertEquals(1, client.timeToLive("list"));
        client.now += 1;
        assertEquals(2, client.keyspace.size(), "expired keys count until removed");
        assertNull(client.get("k"));
        assertEquals(1, client.keyspace.size());
        assertEquals(0, client.listLength("list"));
        assertEquals(0, client.keyspace.size());
        assertEquals(1, client.rightPush("list", "b"), "a new list, not the expired one");
        assertEquals(-1, client.timeToLive("list"));
    }

    @Test
    void expireSomeRemovesExpiredKeysOnly() {
        for (int i = 0; i < 400; i++) {
            long expireAt = switch (i % 4) {
                case 0 -> 0;
                case 1 -> client.now + 1000;
                default -> client.now + 10 + i;
            };
            client.set("k" + i, "v", expireAt, Keyspace.ALWAYS, false);
        }
        assertEquals(0, client.keyspace.expireSome(client.now, 1000));
        assertEquals(0, client.keyspace.expireSome(client.now + 500, 0));
        client.now += 500;
        int removed = 0;
        for (int calls = 0; calls < 100 && removed < 200; calls++) {
            int some = client.keyspace.expireSome(client.now, 7);
            assertTrue(some <= 7, "within the budget: " + some);
            removed += some;
            assertEquals(400 - removed, client.keyspace.size());
        }
        assertEquals(200, removed, "the cursor reaches every key");
        assertEquals(0, client.keyspace.expireSome(client.now, 1000));
        for (int i = 0; i < 400; i++) {
            assertEquals(i % 4 < 2, client.exists("k" + i), "k" + i);
        }
    }

    @Test
    void storageAnswersInfo() {
        client.set("k", binary(1000));
        assertTrue(storage.usedBytes() >= 0);
        assertNotNull(storage.kind());
        StringBuilder info = new StringBuilder();
        storage.describe(info);
        assertFalse(info.isEmpty());
        for (String line : info.toString().split("\r\n", -1)) {
            assertTrue(line.isEmpty() || line.matches("[a-z_0-9]+:[^\r\n]*"), "an INFO line: " + line);
        }
        assertTrue(info.toString().endsWith("\r\n"));
    }
}
