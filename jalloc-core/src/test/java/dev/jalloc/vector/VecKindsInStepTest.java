package dev.jalloc.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link IntVec}, {@link LongVec} and {@link DoubleVec} are per-type copies on purpose (each reads and writes its
 * primitive through its own layout, so every call site is monomorphic and C2 vectorizes the loops); the contract
 * tests run the same behaviour over every kind. This test keeps their APIs in step: the three declare the same public
 * methods once the element type ({@code int}, {@code long}, {@code double}, their boxes, arrays, streams and
 * functional interfaces) is written as {@code E}.
 */
class VecKindsInStepTest {

    /**
     * {@return the public methods of {@code kind}, each as its name, return type and parameter types, with every
     * primitive written {@code p}, every primitive array {@code p[]}, and the kind's own name, streams, iterators
     * and boxes written generically}: what must match across kinds, whatever the element type
     */
    private static Set<String> publicApi(Class<?> kind) {
        Set<String> api = new TreeSet<>();
        for (Method m : kind.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic()) {
                continue;
            }
            String signature = (Modifier.isStatic(m.getModifiers()) ? "static " : "") + generic(m.getReturnType(), kind)
                    + " " + m.getName() + Arrays.stream(m.getParameterTypes()).map(t -> generic(t, kind)).toList();
            api.add(signature);
        }
        return api;
    }

    private static String generic(Class<?> type, Class<?> kind) {
        if (type == kind) {
            return "Kind";
        }
        if (type.isPrimitive() && type != void.class && type != boolean.class) {
            return "p";
        }
        if (type.isArray() && type.getComponentType().isPrimitive()) {
            return "p[]";
        }
        return type.getSimpleName().replaceAll("^(Int|Long|Double)(Stream)$", "Stream").replaceAll("^Of(Int|Long|Double)$",
                "PrimitiveIterator").replaceAll("^(Integer|Long|Double)$", "Box");
    }

    @Test
    void theThreePrimitiveKindsDeclareTheSamePublicMethods() {
        Set<String> ints = publicApi(IntVec.class);
        assertEquals(ints, publicApi(LongVec.class), "LongVec and IntVec differ in their public methods");
        assertEquals(ints, publicApi(DoubleVec.class), "DoubleVec and IntVec differ in their public methods");
    }
}
