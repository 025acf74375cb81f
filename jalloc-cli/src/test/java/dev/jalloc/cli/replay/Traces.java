package dev.jalloc.cli.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Small traces the tests write for themselves (the project ships no copy of the malloc-lab traces). */
final class Traces {
    private Traces() {
    }

    /** {@return {@code dir/name}, holding {@code lines}, each ended by a line feed} */
    static Path write(Path dir, String name, String... lines) {
        try {
            return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return a small legal trace with every kind of op, a reused id, a size-0 block and a leftover block} */
    static Path small(Path dir) {
        return write(dir, "small.rep",
                "0", "4", "12", "1",
                "a 0 100",
                "a 1 4000",
                "r 0 300",       // grows
                "a 2 0",         // size 0
                "f 1",
                "r 0 50",        // shrinks
                "a 1 70000",     // id 1 again
                "f 2",
                "a 3 24",
                "f 0",
                "r 1 200000",    // past glibc's mmap threshold
                "f 1");          // id 3 is left live
    }

    /** {@return a random legal trace: {@code ops} ops on up to 64 ids, sizes up to 9000 bytes} */
    static Path random(Path dir, String name, SplittableRandom random, int ops) {
        int ids = 64;
        boolean[] live = new boolean[ids];
        StringBuilder text = new StringBuilder("0\n" + ids + "\n" + ops + "\n1\n");
        for (int op = 0; op < ops; op++) {
            int id = random.nextInt(ids);
            int size = random.nextInt(8) == 0 ? 0 : random.nextInt(1, 9001);
            if (!live[id]) {
                text.append("a ").append(id).append(' ').append(size).append('\n');
                live[id] = true;
            } else if (random.nextBoolean()) {
                text.append("r ").append(id).append(' ').append(size).append('\n');
            } else {
                text.append("f ").append(id).append('\n');
                live[id] = false;
            }
        }
        try {
            return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return a random generator, printing its seed; {@code -Djalloc.test.seed=N} replays a run} */
    static SplittableRandom seeded(String testName) {
        String fixed = System.getProperty("jalloc.test.seed");
        long seed = fixed != null ? Long.decode(fixed) : System.nanoTime() ^ Double.doubleToLongBits(Math.random());
        System.out.println(testName + ": seed " + seed + " (replay with -Djalloc.test.seed=" + seed + ")");
        return new SplittableRandom(seed);
    }
}
