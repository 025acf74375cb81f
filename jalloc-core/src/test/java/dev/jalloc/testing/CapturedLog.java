package dev.jalloc.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Collectors;

/**
 * What some of jalloc's {@link System.Logger}s log while it is open, seen through the JDK's default backend
 * (java.util.logging), at every level: the tests of logging, leak reports and corruption read it.
 */
public final class CapturedLog extends Handler implements AutoCloseable {
    private final List<Logger> loggers = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();
    private final List<LogRecord> records = new ArrayList<>();

    /** Starts capturing what the loggers named {@code names} log, at every level. */
    public CapturedLog(String... names) {
        for (String name : names) {
            Logger l = Logger.getLogger(name);
            loggers.add(l);
            levels.add(l.getLevel());
            l.setLevel(Level.ALL);
            l.addHandler(this);
        }
    }

    @Override
    public synchronized void publish(LogRecord r) {
        records.add(r);
    }

    @Override
    public void flush() {
    }

    /** Stops capturing: the loggers get their levels back. */
    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).removeHandler(this);
            loggers.get(i).setLevel(levels.get(i));
        }
    }

    /** {@return what was logged so far} */
    public synchronized List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** {@return what was logged so far, a line each: the level, then the message with its parameters} */
    public synchronized String text() {
        SimpleFormatter f = new SimpleFormatter();
        return records.stream().map(r -> r.getLevel() + " " + f.formatMessage(r)).collect(Collectors.joining("\n"));
    }
}
