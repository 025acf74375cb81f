package dev.jalloc.heap;

import dev.jalloc.DebugLevel;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.internal.memory.OwnRegion;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.memory.Unreachable;
import dev.jalloc.internal.memory.Usage;
import dev.jalloc.internal.os.Os;
import java.util.Objects;
import java.util.function.Function;

/** Where the allocators of this package get their memory: a reservation of their own, or an arena's tail. */
final class Regions {
    private Regions() {
    }

    /**
     * {@return a region of the allocator's own of {@code reserveSize} bytes, its segments accessible from every
     * thread if {@code shared}; if {@code degrade} (the size was not asked for), a smaller one down to {@code
     * minimum} when the OS refuses that much address space}
     */
    static Region own(Os os, long reserveSize, boolean degrade, long minimum, boolean shared, String what,
            DebugLevel level) {
        return own(os, reserveSize, degrade, minimum, shared, what, level, false);
    }

    /** {@return as the other, at a random offset of a larger reservation if {@code randomBase}} */
    static Region own(Os os, long reserveSize, boolean degrade, long minimum, boolean shared, String what,
            DebugLevel level, boolean randomBase) {
        return OwnRegion.reserve(os, reserveSize, os.pageSize(), degrade, minimum, false, shared, new Usage(), what,
                level == DebugLevel.OFF ? null : Unreachable.site(what), randomBase);
    }

    /** {@return the tail of {@code arena} from its position aligned up to the OS page} */
    static Region tail(LinearArena arena) {
        return Region.Tails.take(Objects.requireNonNull(arena, "arena"), Os.current().pageSize());
    }

    /** {@return {@code make} applied to {@code region}; the region is released if it throws} */
    static <T> T build(Region region, Function<Region, T> make) {
        try {
            return make.apply(region);
        } catch (RuntimeException | Error e) {
            try {
                region.release(0);
            } catch (RuntimeException | Error again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }
}
