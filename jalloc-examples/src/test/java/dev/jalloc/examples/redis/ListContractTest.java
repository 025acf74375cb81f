package dev.jalloc.examples.redis;

import static dev.jalloc.examples.redis.KeyspaceClient.binary;
import static dev.jalloc.examples.redis.KeyspaceContractTest.assertError;
import static dev.jalloc.examples.redis.RespTesting.NIL_ARRAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lists of the {@link Keyspace} contract, as Redis 7 behaves, over every storage of
 * {@link KeyspaceContractTest#storages()}: LPUSH, RPUSH, LPOP and RPOP with and without a count, LRANGE's index
 * rules, LLEN, and a list emptied by a pop disappearing.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.jalloc.examples.redis.KeyspaceContractTest#storages")
class ListContractTest extends StorageFixture {
    @Test
    void pushKeepsTheOrderOfItsArguments() {
        assertEquals(3, client.leftPush("k", "a", "b", "c"));
        assertEquals(List.of("c", "b", "a"), client.range("k", 0, -1));
        assertEquals(5, client.rightPush("k", "d", "e"));
        assertEquals(6, client.leftPush("k", "z"));
        assertEquals(List.of("z", "c", "b", "a", "d", "e"), client.range("k", 0, -1));
        assertEquals(6, client.listLength("k"));
        assertEquals(1, client.keyspace.size());
    }

    @Test
    void elementsAreBinaryStrings() {
        List<String> elements = List.of("", "\0", "a\r\nb", "$-1\r\n", binary(256), binary(70_000));
        for (String element : elements) {
            client.rightPush("k", element);
        }
        assertEquals(elements, client.range("k", 0, -1));
        for (String element : elements) {
            assertEquals(element, client.pop("k", true, -1));
        }
        assertFalse(client.exists("k"));
    }

    @Test
    void listCommandsOnAStringAreWrongTypeAndChangeNothing() {
        client.set("k", "v", client.now + 100, Keyspace.ALWAYS, false);
        assertError(RedisException.WRONG_TYPE, () -> client.leftPush("k", "a"));
        assertError(RedisException.WRONG_TYPE, () -> client.rightPush("k", "a", "b"));
        assertError(RedisException.WRONG_TYPE, () -> client.pop("k", true, -1));
        assertError(RedisException.WRONG_TYPE, () -> client.pop("k", false, 2));
        assertError(RedisException.WRONG_TYPE, () -> client.pop("k", true, 0));
        assertError(RedisException.WRONG_TYPE, () -> client.range("k", 0, -1));
        assertError(RedisException.WRONG_TYPE, () -> client.listLength("k"));
        assertEquals("v", client.get("k"));
        assertEquals(100, client.timeToLive("k"));
    }

    @Test
    void popWithoutACountRepliesOneElement() {
        assertNull(client.pop("k", true, -1));
        assertNull(client.pop("k", false, -1));
        client.rightPush("k", "a", "b", "c");
        client.expireAt("k", client.now + 100);
        assertEquals("a", client.pop("k", true, -1));
        assertEquals("c", client.pop("k", false, -1));
        assertEquals(100, client.timeToLive("k"));
        assertEquals("b", client.pop("k", false, -1));
        assertFalse(client.exists("k"), "a list emptied by a pop is deleted");
        assertEquals(-2, client.timeToLive("k"));
        assertEquals(0, client.keyspace.size());
        assertNull(client.pop("k", true, -1));
    }

    @Test
    void popWithACountRepliesAnArray() {
        assertEquals(NIL_ARRAY, client.pop("k", true, 2), "a missing key: the nil array");
        assertEquals(NIL_ARRAY, client.pop("k", true, 0));
        client.rightPush("k", "a", "b", "c", "d", "e");
        assertEquals(List.of(), client.pop("k", true, 0), "count 0 of a list: the empty array");
        assertEquals(List.of("a", "b"), client.pop("k", true, 2));
        assertEquals(List.of("e"), client.pop("k", false, 1));
        assertEquals(List.of("d", "c"), client.pop("k", false, 5), "what there is");
        assertFalse(client.exists("k"));
        client.rightPush("k", "x", "y");
        assertEquals(List.of("x", "y"), client.pop("k", true, Long.MAX_VALUE));
        assertEquals(NIL_ARRAY, client.pop("k", true, 1));
        assertEquals(0, client.keyspace.size());
    }

    @Test
    void rangeClampsIndexesAsRedisDoes() {
        client.rightPush("k", "a", "b", "c", "d", "e");
        long min = Long.MIN_VALUE;
        long max = Long.MAX_VALUE;
        Object[][] cases = {
            {0L, -1L, "abcde"}, {1L, 3L, "bcd"}, {-2L, -1L, "de"}, {-100L, 1L, "ab"}, {3L, 100L, "de"},
            {4L, 3L, ""}, {5L, 10L, ""}, {-1L, -2L, ""}, {min, max, "abcde"}, {0L, min, ""}, {max, max, ""},
            {-5L, -5L, "a"}, {-6L, -5L, "a"}, {-6L, -6L, ""}, {2L, 2L, "c"}, {4L, -1L, "e"}, {0L, 0L, "a"},
        };
        for (Object[] c : cases) {
            List<String> expected = Arrays.asList(((String) c[2]).split(""));
            if (((String) c[2]).isEmpty()) {
                expected = List.of();
            }
            assertEquals(expected, client.range("k", (long) c[0], (long) c[1]), c[0] + " " + c[1]);
        }
        assertEquals(List.of(), client.range("missing", 0, -1));
        assertEquals(5, client.listLength("k"), "LRANGE changes nothing");
    }

    @Test
    void listLengthCountsElements() {
        assertEquals(0, client.listLength("k"));
        for (int i = 1; i <= 1000; i++) {
            assertEquals(i, (i % 2 == 0 ? client.leftPush("k", "v" + i) : client.rightPush("k", "v" + i)));
        }
        assertEquals(1000, client.listLength("k"));
        List<?> all = (List<?>) client.range("k", 0, -1);
        assertEquals("v1000", all.get(0));
        assertEquals("v999", all.get(999));
        assertEquals(List.of("v1", "v3"), client.range("k", 500, 501));
    }

    @Test
    void listsOfLargeElements() {
        String big = binary(1 << 20);
        client.rightPush("k", big, "small", big);
        assertEquals(List.of(big, "small", big), client.range("k", 0, -1));
        assertEquals(List.of("small"), client.range("k", 1, 1));
        assertEquals(big, client.pop("k", false, -1));
        assertTrue(client.delete("k"));
    }
}
