package dev.jalloc.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading {@code /proc/self/statm}: the parser on texts of every shape, and real readings that follow real pages. */
class ResidentMemoryTest {

    static long parse(String text) {
        return ResidentMemory.anonymousPages(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void anonymousPagesAreResidentMinusShared() {
        assertEquals(61234 - 9876, parse("1048576 61234 9876 2 0 200000 0\n"));
        assertEquals(5, parse("7 5 0 1 0 3 0"), "no line end");
        assertEquals(0, parse("10 4 4 1 0 3 0\n"));
        assertEquals(999_999_999_999L, parse("1 999999999999 0 0 0 0 0\n"));
    }

    @Test
    void aSliceOfABufferIsReadFromItsPositionToItsLimit() {
        ByteBuffer text = ByteBuffer.wrap("xx1 9 4 1 0 3 0\nyy".getBytes(StandardCharsets.US_ASCII));
        text.position(2).limit(text.limit() - 2);
        assertEquals(5, ResidentMemory.anonymousPages(text));
        assertEquals(2, text.position(), "the buffer is not consumed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "1 2 3 4 5 6", "1 2 3 4 5 6 7 8", "1 2 x 4 5 6 7", "1 2 3 4 5 6 7x",
            "1 -2 3 4 5 6 7", "1 2 3 4 5 6 7 \n8", "1 2 3 4 5 6 1234567890123456789012", "1 2 9 4 5 6 7"})
    void anythingElseIsRefusedSayingWhatWasRead(String text) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> parse(text));
        assertEquals("/proc/self/statm: '" + text.replace('\n', '?')
                + "' (expected: seven numbers, the third not above the second)", e.getMessage());
    }

    @Test
    void randomStatmTextsParse() {
        SplittableRandom random = Traces.seeded("ResidentMemoryTest.randomStatmTexts");
        for (int i = 0; i < 10_000; i++) {
            long[] fields = new long[7];
            for (int f = 0; f < fields.length; f++) {
                fields[f] = random.nextLong(1L << random.nextInt(1, 48));
            }
            fields[2] = random.nextLong(fields[1] + 1);   // shared is part of resident
            StringBuilder text = new StringBuilder();
            for (long field : fields) {
                text.append(text.isEmpty() ? "" : " ".repeat(random.nextInt(1, 3))).append(field);
            }
            text.append(random.nextBoolean() ? "\n" : "");
            assertEquals(fields[1] - fields[2], parse(text.toString()), text.toString());
        }
    }

    @Test
    void readingsFollowPagesTouchedAndGivenBack() {
        try (ResidentMemory resident = ResidentMemory.open()) {
            assumeTrue(resident.isAvailable(), "skipped: no " + ResidentMemory.STATM + " (not Linux)");
            assertTrue(resident.anonymousBytes() > 0);
            long size = 64L << 20;
            resident.markBaseline();
            resident.sample();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment block = arena.allocate(size);   // zeroed: every page touched
                block.fill((byte) 1);
                resident.sample();
                long grown = resident.peakGrowthBytes();
                assertTrue(grown >= size * 9 / 10, grown + " bytes of growth after touching " + size);
            }
            long peak = resident.peakGrowthBytes();
            resident.sample();   // the block is given back (glibc maps a block this large on its own)
            assertEquals(peak, resident.peakGrowthBytes(), "the peak stays");
            resident.markBaseline();
            assertEquals(0, resident.peakGrowthBytes(), "a new baseline forgets the peak");
        }
    }
}
