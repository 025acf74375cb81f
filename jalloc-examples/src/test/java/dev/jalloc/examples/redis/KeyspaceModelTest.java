package dev.jalloc.examples.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random commands on a few keys, with a clock that moves, against a plain Java model of Redis 7 written from its
 * documentation; every reply and error must be the model's, over every storage of
 * {@link KeyspaceContractTest#storages()}. Seeded: the seed is printed ({@code -Djalloc.seed=N} replays it).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.jalloc.examples.redis.KeyspaceContractTest#storages")
class KeyspaceModelTest {
    private static final int OPERATIONS = 20_000;
    private static final int KEYS = 48;
    private static final String BYTES = "ab\0\r\n\u00ff-019";
    /** The model's string of a key that holds a list. */
    private static final Object WRONG_TYPE = new Object();

    @Parameter
    Supplier<Storage> factory;

    /** What the model holds for one key: a {@code String} or a {@code List<String>}, and its expiry time. */
    private static final class Held {
        Object value;
        long expireAt;

        Held(Object value, long expireAt) {
            this.value = value;
            this.expireAt = expireAt;
        }
    }

    private final Map<String, Held> model = new HashMap<>();
    private KeyspaceClient client;
    private SplittableRandom random;

    @Test
    void randomCommandsReplyAsTheModel() {
        try (Storage storage = factory.get(); Keyspace keyspace = storage.newKeyspace()) {
            client = new KeyspaceClient(keyspace);
            random = new SplittableRandom(RespTesting.seed("KeyspaceModelTest[" + storage.kind().option() + "]"));
            boolean sizeKnown = true;   // until a partial active expiry removes keys the model cannot name
            for (int i = 0; i < OPERATIONS; i++) {
                client.now += random.nextInt(4);
                String key = "key" + random.nextInt(KEYS);
                int op = random.nextInt(100);
                if (op == 0) {
                    sweep(sizeKnown);
                    sizeKnown = true;
                } else if (op == 1) {
                    int budget = random.nextInt(1, 20);
                    long expired = model.values().stream().filter(this::expired).count();
                    int removed = keyspace.expireSome(client.now, budget);
                    assertTrue(removed <= Math.min(budget, expired), removed + " removed, " + expired + " expired");
                    sizeKnown &= removed == 0;
                } else if (op == 2 && random.nextInt(20) == 0) {
                    keyspace.clear();
                    model.clear();
                    sizeKnown = true;
                } else {
                    String command = command(op);
                    draw(command);
                    Object expected = expected(command, key);
                    assertEquals(expected, actual(command, key), "#" + i + " " + command + " " + key);
                }
                if (sizeKnown) {
                    assertEquals(model.size(), keyspace.size(), "#" + i + " size");
                }
            }
            sweep(sizeKnown);
            for (int k = 0; k < KEYS; k++) {
                String key = "key" + k;
                assertEquals(expected("READ", key), actual("READ", key), key);
                assertEquals(expected("PTTL", key), actual("PTTL", key), key);
            }
        }
    }

    /**
     * Active expiry until nothing is left to expire; then the model drops its expired keys too. It removes every
     * key the model has expired, unless a partial active expiry ({@code !sizeKnown}) took some before.
     */
    private void sweep(boolean sizeKnown) {
        long expired = model.values().stream().filter(this::expired).count();
        long removed = 0;
        for (int some; (some = client.keyspace.expireSome(client.now, Integer.MAX_VALUE)) > 0; ) {
            removed += some;
        }
        if (sizeKnown) {
            assertEquals(expired, removed);
        } else {
            assertTrue(removed <= expired, removed + " removed, " + expired + " expired");
        }
        model.values().removeIf(this::expired);
    }

    private static String command(int op) {
        String[] commands = {"GET", "SET", "SET", "SET", "DEL", "EXISTS", "INCRBY", "APPEND", "STRLEN", "LPUSH",
            "RPUSH", "RPUSH", "LPOP", "RPOP", "LRANGE", "LLEN", "PEXPIREAT", "PTTL"};
        return commands[op % commands.length];
    }

    // ---- the keyspace ----------------------------------------------------------------------------------------

    // The arguments of a command, drawn once (draw) for both the keyspace and the model.
    private String value;
    private String[] values;
    private long number;
    private long number2;
    private int condition;
    private boolean flag;

    private Object actual(String command, String key) {
        try {
            return switch (command) {
                case "GET" -> client.get(key);
                case "SET" -> client.set(key, value, number, condition, flag);
                case "DEL" -> client.delete(key);
                case "EXISTS" -> client.exists(key);
                case "INCRBY" -> client.incrementBy(key, number);
                case "APPEND" -> client.append(key, value, number);
                case "STRLEN" -> client.stringLength(key);
                case "LPUSH", "RPUSH" -> client.push(key, command.equals("LPUSH"), values);
                case "LPOP", "RPOP" -> client.pop(key, command.equals("LPOP"), number);
                case "LRANGE" -> client.range(key, number, number2);
                case "LLEN" -> client.listLength(key);
                case "PEXPIREAT" -> client.expireAt(key, number);
                case "PTTL" -> client.timeToLive(key);
                case "READ" -> !client.exists(key) ? null : isList(key) ? client.range(key, 0, -1) : client.get(key);
                default -> throw new AssertionError(command);
            };
        } catch (RedisException e) {
            return "-" + e.getMessage();
        }
    }

    private boolean isList(String key) {
        try {
            client.listLength(key);
            return true;
        } catch (RedisException e) {
            return false;
        }
    }

    private void draw(String command) {
        value = value();
        values = new String[random.nextInt(1, 5)];
        for (int i = 0; i < values.length; i++) {
            values[i] = value();
        }
        condition = random.nextInt(4) == 0 ? random.nextInt(1, 3) : Keyspace.ALWAYS;
        flag = random.nextInt(5) == 0;
        number = switch (command) {
            case "SET" -> flag ? 0 : switch (random.nextInt(20)) {
                case 0 -> client.now - random.nextInt(3);
                case 1, 2, 3, 4, 5, 6 -> client.now + random.nextInt(1, 100);
                default -> 0;
            };
            case "PEXPIREAT" -> client.now + random.nextInt(-3, 100);
            case "INCRBY" -> random.nextInt(10) == 0 ? random.nextLong() : random.nextInt(-50, 50);
            case "APPEND" -> random.nextInt(10) == 0 ? random.nextInt(40) : KeyspaceClient.MAX_LENGTH;
            case "LPOP", "RPOP" -> random.nextInt(2) == 0 ? -1 : random.nextInt(6);
            default -> index();
        };
        number2 = index();
    }

    private long index() {
        return switch (random.nextInt(10)) {
            case 0 -> Long.MIN_VALUE + random.nextInt(2);
            case 1 -> Long.MAX_VALUE - random.nextInt(2);
            default -> random.nextInt(-8, 9);
        };
    }

    private String value() {
        return switch (random.nextInt(12)) {
            case 0, 1, 2 -> Integer.toString(random.nextInt(-20, 100));
            case 3 -> List.of("01", " 1", "-0", "+1", "9223372036854775807", "-9223372036854775808", "")
                    .get(random.nextInt(7));
            case 4 -> random.nextInt(50) == 0 ? KeyspaceClient.binary(random.nextInt(1_000, 40_000)) : "";
            default -> {
                char[] chars = new char[random.nextInt(12)];
                for (int i = 0; i < chars.length; i++) {
                    chars[i] = BYTES.charAt(random.nextInt(BYTES.length()));
                }
                yield new String(chars);
            }
        };
    }

    // ---- the model -------------------------------------------------------------------------------------------

    private boolean expired(Held held) {
        return held.expireAt != 0 && held.expireAt <= client.now;
    }

    /** {@return what {@code key} holds, its expired value removed first} */
    private Held live(String key) {
        Held held = model.get(key);
        if (held != null && expired(held)) {
            model.remove(key);
            return null;
        }
        return held;
    }

    @SuppressWarnings("unchecked")
    private Object expected(String command, String key) {
        Held held = live(key);
        Object string = held == null ? null : held.value instanceof String s ? s : WRONG_TYPE;
        List<String> list = held == null ? null : held.value instanceof List<?> l ? (List<String>) l : null;
        boolean stringCommand = List.of("GET", "INCRBY", "APPEND", "STRLEN").contains(command);
        if (stringCommand && string == WRONG_TYPE
                || List.of("LPUSH", "RPUSH", "LPOP", "RPOP", "LRANGE", "LLEN").contains(command)
                && held != null && list == null) {
            return "-" + RedisException.WRONG_TYPE.getMessage();
        }
        switch (command) {
            case "GET":
                return string;
            case "SET":
                if (condition == Keyspace.IF_ABSENT && held != null
                        || condition == Keyspace.IF_PRESENT && held == null) {
                    return false;
                }
                if (!flag && number != 0 && number <= client.now) {
                    model.remove(key);
                } else {
                    model.put(key, new Held(value, flag ? (held == null ? 0 : held.expireAt) : number));
                }
                return true;
            case "DEL":
                return model.remove(key) != null;
            case "EXISTS":
                return held != null;
            case "INCRBY": {
                long old = 0;
                if (string != null) {
                    if (!((String) string).matches("0|-?[1-9][0-9]{0,18}")) {
                        return "-" + RedisException.NOT_AN_INTEGER.getMessage();
                    }
                    try {
                        old = Long.parseLong((String) string);
                    } catch (NumberFormatException e) {
                        return "-" + RedisException.NOT_AN_INTEGER.getMessage();
                    }
                }
                long sum;
                try {
                    sum = Math.addExact(old, number);
                } catch (ArithmeticException e) {
                    return "-" + RedisException.OVERFLOW.getMessage();
                }
                model.put(key, new Held(Long.toString(sum), held == null ? 0 : held.expireAt));
                return sum;
            }
            case "APPEND": {
                String joined = (string == null ? "" : (String) string) + value;
                if (joined.length() > number) {
                    return "-" + RedisException.tooLarge(joined.length(), number).getMessage();
                }
                model.put(key, new Held(joined, held == null ? 0 : held.expireAt));
                return (long) joined.length();
            }
            case "STRLEN":
                return string == null ? 0L : (long) ((String) string).length();
            case "LPUSH", "RPUSH": {
                List<String> pushed = list == null ? new ArrayList<>() : list;
                for (String v : values) {
                    pushed.add(command.equals("LPUSH") ? 0 : pushed.size(), v);
                }
                model.putIfAbsent(key, new Held(pushed, 0));
                return (long) pushed.size();
            }
            case "LPOP", "RPOP": {
                if (list == null) {
                    return number < 0 ? null : RespTesting.NIL_ARRAY;
                }
                List<String> popped = new ArrayList<>();
                for (long n = number < 0 ? 1 : Math.min(number, list.size()); n > 0; n--) {
                    popped.add(list.remove(command.equals("LPOP") ? 0 : list.size() - 1));
                }
                if (list.isEmpty()) {
                    model.remove(key);
                }
                return number < 0 ? popped.get(0) : popped;
            }
            case "LRANGE": {
                if (list == null) {
                    return List.of();
                }
                long size = list.size();
                long start = number < 0 ? size + number : number;
                long stop = number2 < 0 ? size + number2 : number2;
                start = Math.max(start, 0);
                stop = Math.min(stop, size - 1);
                return start > stop ? List.of() : List.copyOf(list.subList((int) start, (int) stop + 1));
            }
            case "LLEN":
                return list == null ? 0L : (long) list.size();
            case "PEXPIREAT":
                if (held != null) {
                    if (number <= client.now) {
                        model.remove(key);
                    } else {
                        held.expireAt = number;
                    }
                }
                return held != null;
            case "PTTL":
                return held == null ? -2L : held.expireAt == 0 ? -1L : held.expireAt - client.now;
            case "READ":
                return held == null ? null : list != null ? List.copyOf(list) : string;
            default:
                throw new AssertionError(command);
        }
    }
}
