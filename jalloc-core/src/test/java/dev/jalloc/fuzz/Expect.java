package dev.jalloc.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * What the contract allows one call to end in. A <em>must</em> exception is one whose documented condition holds
 * (a closed allocator, a bad size, the wrong thread): the call has to throw one of the must exceptions that apply.
 * A <em>may</em> exception is documented for conditions the model cannot foresee (the OS refusing memory, a full
 * reservation): the call may throw it, if no must condition holds. Anything else is a contract violation.
 * Exceptions are matched by exact class: a subclass (ArrayIndexOutOfBoundsException for
 * IndexOutOfBoundsException) is not what the javadoc documents.
 */
final class Expect {
    private final List<Class<? extends Throwable>> must = new ArrayList<>(4);
    private final List<Class<? extends Throwable>> may = new ArrayList<>(2);

    static Expect of() {
        return new Expect();
    }

    /** The call must throw {@code type} (or another applicable must exception) if {@code condition} holds. */
    Expect when(boolean condition, Class<? extends Throwable> type) {
        if (condition) {
            must.add(type);
        }
        return this;
    }

    /** The call may throw {@code type} when no must condition holds. */
    Expect may(Class<? extends Throwable> type) {
        may.add(type);
        return this;
    }

    Expect mayWhen(boolean condition, Class<? extends Throwable> type) {
        if (condition) {
            may.add(type);
        }
        return this;
    }

    /** {@return whether the model says the call must be refused} */
    boolean refused() {
        return !must.isEmpty();
    }

    /** {@return null if {@code thrown} is allowed, else what is wrong} */
    String judge(Throwable thrown) {
        if (thrown == null) {
            return must.isEmpty() ? null : "returned normally, but the contract says it throws one of " + names(must);
        }
        List<Class<? extends Throwable>> allowed = must.isEmpty() ? may : must;
        for (Class<? extends Throwable> type : allowed) {
            if (thrown.getClass() == type) {
                return null;
            }
        }
        return "threw " + thrown + ", but the contract allows " + (allowed.isEmpty() ? "no exception" : names(allowed))
                + (must.isEmpty() ? "" : " (must)") ;
    }

    private static String names(List<Class<? extends Throwable>> types) {
        StringBuilder b = new StringBuilder();
        for (Class<? extends Throwable> t : types) {
            b.append(b.isEmpty() ? "" : "/").append(t.getSimpleName());
        }
        return b.toString();
    }
}
