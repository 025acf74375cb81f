package dev.jalloc.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.OutOfNativeMemoryError;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The wrong-usage table: each misuse, the exception it gets, the message it carries, and proof that the arena
 * is unchanged and still works afterwards (where it is open). The OS refusing memory is in
 * {@link OutOfMemoryTest}.
 */
class WrongUsageTest {

    /** One row: a misuse of an arena holding some state, the exception type and a piece of its message. */
    record Row(String misuse, Consumer<LinearArena> action, Class<? extends Throwable> thrown, String message) {
    }

    static final List<Row> ROWS = List.of(
            new Row("negative size", a -> a.push(-1), IllegalArgumentException.class,
                    "byteSize: -1 (expected: >= 0)"),
            new Row("overflowing size", a -> a.push(Long.MAX_VALUE), IllegalArgumentException.class,
                    "byteSize: 9223372036854775807 (expected: <= 70368744177664)"),
            new Row("size that overflows with padding", a -> a.push(Long.MAX_VALUE - 4, 8),
                    IllegalArgumentException.class, "expected: <= 70368744177664"),
            new Row("non-power-of-two alignment", a -> a.push(8, 24), IllegalArgumentException.class,
                    "byteAlignment: 24 (expected: a power of two)"),
            new Row("zero alignment", a -> a.allocate(8, 0), IllegalArgumentException.class,
                    "byteAlignment: 0 (expected: a power of two)"),
            new Row("oversized alignment", a -> a.push(8, 1L << 31), IllegalArgumentException.class,
                    "byteAlignment: 2147483648 (expected: <= 1073741824)"),
            new Row("popTo beyond pos", a -> a.popTo(a.pos() + 1), IndexOutOfBoundsException.class,
                    "(expected: between 0 and the current pos"),
            new Row("popTo below 0", a -> a.popTo(-1), IndexOutOfBoundsException.class, "pos: -1"),
            new Row("pop of more than pos", a -> a.pop(a.pos() + 1), IndexOutOfBoundsException.class,
                    "(expected: at most the current pos"),
            new Row("negative pop", a -> a.pop(-1), IllegalArgumentException.class, "byteSize: -1"),
            new Row("use from a wrong thread", a -> rethrow(CompletableFuture.runAsync(() -> a.push(8))),
                    WrongThreadException.class, "LinearArena is confined to thread"),
            new Row("close from a wrong thread", a -> rethrow(CompletableFuture.runAsync(a::close)),
                    WrongThreadException.class, "LinearArena is confined to thread"),
            new Row("temps closed out of order", a -> {
                Temp outer = a.temp();
                Temp inner = a.temp();
                try {
                    outer.close();
                } finally {
                    inner.close();
                    outer.close();
                }
            }, IllegalStateException.class, "temp closed out of order"),
            new Row("temp closed twice", a -> {
                Temp t = a.temp();
                t.close();
                t.close();
            }, IllegalStateException.class, "already closed"),
            new Row("address pushed on a closed temp", a -> {
                Temp t = a.temp();
                t.close();
                t.allocateAddressNoInit(8, 8);
            }, IllegalStateException.class, "already closed"),
            new Row("fixed arena running out", a -> a.push(2 << 20), OutOfNativeMemoryError.class,
                    "arena full: cannot push 2097152 bytes"));

    @TestFactory
    Stream<DynamicTest> eachMisuseIsRefusedAndChangesNothing() {
        return ROWS.stream().map(row -> DynamicTest.dynamicTest(row.misuse(), () -> {
            try (LinearArena arena = LinearArena.ofFixed(1 << 20)) {
                MemorySegment kept = arena.push(100);
                kept.fill((byte) 3);
                long pos = arena.pos();
                long committed = arena.committedBytes();
                Throwable t = assertThrows(row.thrown(), () -> row.action().accept(arena));
                assertTrue(t.getMessage().contains(row.message()), row.misuse() + ": " + t.getMessage());
                assertEquals(pos, arena.pos(), row.misuse() + " moved pos");
                assertEquals(committed, arena.committedBytes());
                assertEquals(3, kept.get(ValueLayout.JAVA_BYTE, 99));
                assertEquals(0, arena.push(64).get(ValueLayout.JAVA_LONG, 56), "the arena still works");
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> useAfterCloseAndDoubleClose() {
        return Stream.of("push", "pushNoInit", "pushAddress", "allocate", "pos", "popTo", "pop", "clear", "temp",
                "pushAligner", "setAutoAlign", "setChaining", "close").map(verb -> DynamicTest.dynamicTest(verb,
                () -> {
                    LinearArena arena = LinearArena.ofChained();
                    arena.close();
                    Runnable call = switch (verb) {
                        case "push" -> () -> arena.push(8);
                        case "pushNoInit" -> () -> arena.pushNoInit(8);
                        case "pushAddress" -> () -> arena.pushAddress(8, 8);
                        case "allocate" -> () -> arena.allocate(8);
                        case "pos" -> arena::pos;
                        case "popTo" -> () -> arena.popTo(0);
                        case "pop" -> () -> arena.pop(0);
                        case "clear" -> arena::clear;
                        case "temp" -> arena::temp;
                        case "pushAligner" -> () -> arena.pushAligner(8);
                        case "setAutoAlign" -> () -> arena.setAutoAlign(8);
                        case "setChaining" -> () -> arena.setChaining(false);
                        default -> arena::close;
                    };
                    IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
                    assertEquals("Already closed: LinearArena", e.getMessage());
                }));
    }

    @TestFactory
    Stream<DynamicTest> badBuilderArguments() {
        return Stream.of(
                DynamicTest.dynamicTest("zero reserveSize", () -> assertThrows(IllegalArgumentException.class,
                        () -> LinearArena.builder().reserveSize(0))),
                DynamicTest.dynamicTest("negative commitStep", () -> assertThrows(IllegalArgumentException.class,
                        () -> LinearArena.builder().commitStep(-4096))),
                DynamicTest.dynamicTest("negative retainBytes", () -> assertThrows(IllegalArgumentException.class,
                        () -> LinearArena.builder().retainBytes(-1))),
                DynamicTest.dynamicTest("bad autoAlign", () -> assertThrows(IllegalArgumentException.class,
                        () -> LinearArena.builder().autoAlign(12))),
                DynamicTest.dynamicTest("read-only memory", () -> assertThrows(IllegalArgumentException.class,
                        () -> LinearArena.ofFixed(MemorySegment.ofArray(new byte[64]).asReadOnly()))),
                DynamicTest.dynamicTest("null memory", () -> assertThrows(NullPointerException.class,
                        () -> LinearArena.ofFixed(null))));
    }

    private static void rethrow(CompletableFuture<Void> f) {
        try {
            f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
