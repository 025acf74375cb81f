package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jalloc.testing.ChildJvm;
import org.junit.jupiter.api.Test;

/**
 * When the OS refuses memory the heaps throw {@link dev.jalloc.OutOfNativeMemoryError}, change nothing and go on:
 * in a child JVM under {@code ulimit -v}, so that the refusals are real and this JVM is not at risk.
 */
class HeapOutOfMemoryTest {

    @Test
    void refusalsUnderUlimitInAChildJvm() throws Exception {
        assumeTrue(ChildJvm.canLimit(), "needs Linux and bash for ulimit -v");
        ChildJvm.Result result = ChildJvm.of(HeapOutOfMemoryChild.class).ulimitVirtualKiB(1_500_000).run();
        String output = result.output();
        assertTrue(result.ok(), result.describe());
        System.out.println("child output:\n" + output);
        assertFalse(output.contains("FAIL="), output);
        for (String expected : new String[] {"heapCreate=refused", "heapCreateCause=mmap ENOMEM",
                "vecCreate=refused", "heapDefault=degraded", "bestFitDefault=degraded", "vecDefault=degraded",
                "bestFitCreate=refused", "bestFitCreateCause=mmap ENOMEM", "huge=refused after",
                "hugeCause=mmap ENOMEM", "hugeAfter=usable", "large=full after 16", "largeMessage=heap full",
                "largeAfter=usable", "DONE",
                // each refusal is logged by System.Logger dev.jalloc.memory (the JDK's default backend: stderr)
                "WARNING: the OS refused memory: cannot reserve"}) {
            assertTrue(output.contains(expected), "child output lacks '" + expected + "':\n" + output);
        }
    }
}
