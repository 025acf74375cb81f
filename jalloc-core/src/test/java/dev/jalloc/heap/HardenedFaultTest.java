package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jalloc.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one-bug programs of hardened_malloc whose answer is a fault: an overflow into a guard page (after a large
 * payload's mapping, or off the end of a slab or pool into the guard page after it), a use after free of a large
 * payload held inaccessible in the quarantine. Each runs in a child JVM ({@link HardenedFaultChild},
 * {@code -XX:-CreateCoredumpOnCrash}), which must die of SIGSEGV (the JVM's fatal error report, then exit 1) with
 * the address the bug touched as the fault address ({@code si_addr}) of its error report. Linux only (the report's
 * format, the signal).
 */
class HardenedFaultTest {
    private static final Pattern FAULT_AT = Pattern.compile("FAULT_AT 0x([0-9a-f]+)");
    private static final Pattern REPORT = Pattern.compile("# (/\\S*jalloc-child-hs_err_\\d+\\.log)");
    private static final Pattern SI_ADDR = Pattern.compile("si_addr: 0x([0-9a-f]+)");

    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource({
        "overflow_large_1_byte, STANDARD", "overflow_large_1_byte, FULL",
        "overflow_large_8_byte, STANDARD",
        "underflow_large_1_byte, STANDARD",
        "read_after_free_large, STANDARD", "read_after_free_large, FULL",
        "write_after_free_large, STANDARD",
        "write_after_free_large_reuse, STANDARD",
        "overflow_slab_end, STANDARD", "overflow_pool_end, FULL", "memset_off_slab_end, STANDARD",
        "read_zero_size, STANDARD", "write_zero_size, FULL"})
    void diesOfSigsegvAtTheBugsAddress(String bug, Hardening level) throws Exception {
        assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "the error report's format is Linux's");
        ChildJvm.Result r = ChildJvm.of(HardenedFaultChild.class).timeoutSeconds(60).run(bug, level.name());
        String out = r.output();
        // Without a core dump the JVM ends with exit(1) after writing its report.
        assertTrue(r.exitCode() != 0 && !out.contains("SURVIVED"), r.describe());
        assertTrue(out.contains("A fatal error has been detected") && out.contains("SIGSEGV (0xb)"), r.describe());
        Matcher at = FAULT_AT.matcher(out);
        assertTrue(at.find(), r.describe());
        long expected = Long.parseUnsignedLong(at.group(1), 16);
        Matcher report = REPORT.matcher(out);
        assertTrue(report.find(), "no error report named: " + r.describe());
        Path file = Path.of(report.group(1));
        try {
            String text = Files.readString(file);
            Matcher si = SI_ADDR.matcher(text);
            assertTrue(si.find(), "no si_addr in " + file);
            assertEquals(Long.toHexString(expected), Long.toHexString(Long.parseUnsignedLong(si.group(1), 16)),
                    "the fault address");
            assertTrue(text.contains("SIGSEGV"), file.toString());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
