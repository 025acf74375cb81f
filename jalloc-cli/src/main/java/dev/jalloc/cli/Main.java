package dev.jalloc.cli;

/** Entry point of the {@code jalloc} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("jalloc");
    }
}
