package dev.slm.agents.control;

import java.sql.SQLException;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Stores a batch so that one bad item fails only itself: when the batch fails for a reason that lies in its rows
 * (a data error, not a lost connection), each half is stored on its own, down to the single item that fails. A
 * failure that is not the rows' (the database is down) fails the whole batch at once: splitting would only repeat it
 * 2n times.
 */
public final class BatchIsolation {

    private BatchIsolation() {
    }

    public interface Writer<T> {
        void write(List<T> batch) throws SQLException;
    }

    public static <T> void write(List<T> batch, Writer<T> writer, Predicate<Exception> rowFault,
                                 BiConsumer<List<T>, Exception> failed) {
        try {
            writer.write(batch);
        } catch (SQLException | RuntimeException e) {
            if (batch.size() > 1 && rowFault.test(e)) {
                int half = batch.size() / 2;
                write(List.copyOf(batch.subList(0, half)), writer, rowFault, failed);
                write(List.copyOf(batch.subList(half, batch.size())), writer, rowFault, failed);
            } else {
                failed.accept(batch, e);
            }
        }
    }

    /**
     * PostgreSQL's SQLSTATE classes for errors caused by a value: 22 data exception (a NUL, a bad encoding, a number
     * or a string too large for its column), 23 integrity constraint violation, 54 program limit exceeded (a value
     * too large for an index), P0 an error raised by our own function.
     */
    public static boolean isRowFault(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                return state.startsWith("22") || state.startsWith("23") || state.startsWith("54") || state.startsWith("P0");
            }
        }
        return false;
    }
}
