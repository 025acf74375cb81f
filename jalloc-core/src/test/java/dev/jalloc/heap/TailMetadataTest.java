package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.jalloc.testing.ChildJvm;
import org.junit.jupiter.api.Test;

/**
 * A heap or best fit on the tail of memory that is committed already keeps metadata in proportion to what it uses:
 * on a 4 GiB committed tail, metadata covering the whole tail would take 64 to 128 MiB of Java heap (two bits per
 * 16-byte granule), which a child with {@code -Xmx48m} does not have. Found by the API fuzzer's long run
 * (docs/TESTING.md, bug 9): {@code Heap.onTailOf} threw {@code OutOfMemoryError: Java heap space}.
 */
class TailMetadataTest {
    @Test
    void metadataFollowsUseNotTheCommittedMemoryUnderTheTail() throws Exception {
        ChildJvm.Result r = ChildJvm.of(TailMetadataChild.class).jvmArgs("-Xmx48m").run(String.valueOf(4L << 30));
        System.out.println("child output:\n" + r.output());
        assumeFalse(r.output().contains("refused="), "the OS refused to commit 4 GiB on this machine");
        assertTrue(r.finishedWith("DONE"), r.describe());
        assertTrue(r.output().contains("heap=ok") && r.output().contains("bestfit=ok")
                && r.output().contains("callerMemory=ok"), r.output());
    }
}
