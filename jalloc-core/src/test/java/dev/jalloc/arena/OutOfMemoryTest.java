package dev.jalloc.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.SystemCallException;
import dev.jalloc.testing.ChildJvm;
import dev.jalloc.internal.os.Os;
import dev.jalloc.testing.MemInfo;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When the OS refuses memory, the arena throws {@link OutOfNativeMemoryError}, changes nothing and goes on. */
class OutOfMemoryTest {

    @Test
    void aCommitTheOsRefusesLeavesTheArenaAsItWasAndUsable() throws IOException {
        assumeTrue(Os.current().name().equals("linux"), "Linux commit accounting");
        assumeTrue(MemInfo.refusesOversizedCommits(), "overcommit_memory=1 accepts every commit");
        long tooMuch = MemInfo.physicalPlusSwapBytes() * 2;
        assumeTrue(tooMuch < LinearArena.DEFAULT_RESERVE_SIZE, "a reservation larger than twice this machine");
        try (LinearArena arena = LinearArena.ofVirtual()) {
            MemorySegment kept = arena.push(100);
            kept.fill((byte) 5);
            long pos = arena.pos();
            long committed = arena.committedBytes();
            OutOfNativeMemoryError e = assertThrows(OutOfNativeMemoryError.class, () -> arena.push(tooMuch));
            SystemCallException cause = assertInstanceOf(SystemCallException.class, e.getCause());
            assertEquals("mmap", cause.call());
            assertEquals("ENOMEM", cause.errorName());
            assertTrue(e.getMessage().startsWith("cannot commit "), e.getMessage());
            assertEquals(pos, arena.pos());
            assertEquals(committed, arena.committedBytes());
            assertEquals(5, kept.get(ValueLayout.JAVA_BYTE, 99));
            assertEquals(0, arena.push(1 << 20).get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void reservationsRefusedUnderUlimitInAChildJvm() throws Exception {
        assumeTrue(ChildJvm.canLimit(), "needs Linux and bash for ulimit -v");
        ChildJvm.Result result = ChildJvm.of(OutOfMemoryChild.class).ulimitVirtualKiB(1_500_000).run();
        String output = result.output();
        assertTrue(result.ok(), result.describe());
        System.out.println("child output:\n" + output);
        Map<String, String> found = new HashMap<>();
        for (String line : output.lines().toList()) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                found.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertTrue(output.lines().anyMatch("DONE"::equals), output);   // the last word on stdout (a cleaner warning on
        // stderr, merged, may follow it)
        assertEquals("refused", found.get("virtualBuild"));
        assertEquals("mmap ENOMEM", found.get("virtualBuildCause"));
        assertEquals("degraded", found.get("virtualDefault"));
        assertEquals("yes", found.get("virtualDefaultSays"));
        assertEquals("degraded", found.get("committedDefault"));
        for (String mode : List.of("chained", "virtualChained")) {
            assertTrue(found.get(mode).startsWith("refused after "), mode + ": " + found.get(mode));
            assertEquals("mmap ENOMEM", found.get(mode + "Cause"));
            assertEquals("usable", found.get(mode + "After"));
            assertEquals("released", found.get(mode + "Closed"));
        }
    }
}
