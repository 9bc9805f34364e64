package dev.slm.agents.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchIsolationTest {

    /** Stores what it is given unless the batch holds a poisoned item: then the whole statement fails, as PostgreSQL's does. */
    static final class FakeStore implements BatchIsolation.Writer<Integer> {
        final List<Integer> poisoned;
        final String sqlState;
        final List<Integer> stored = new ArrayList<>();
        int statements;

        FakeStore(String sqlState, Integer... poisoned) {
            this.sqlState = sqlState;
            this.poisoned = List.of(poisoned);
        }

        @Override
        public void write(List<Integer> batch) throws SQLException {
            statements++;
            if (batch.stream().anyMatch(poisoned::contains)) {
                throw new SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", sqlState);
            }
            stored.addAll(batch);
        }
    }

    @Test
    void aRowThatBreaksTheStatementFailsAloneAndEveryOtherRowIsStored() {
        List<Integer> batch = IntStream.range(0, 500).boxed().toList();
        FakeStore store = new FakeStore("22021", 17, 480);
        List<Integer> failed = new ArrayList<>();
        BatchIsolation.write(batch, store, BatchIsolation::isRowFault, (items, e) -> failed.addAll(items));
        assertEquals(List.of(17, 480), failed);
        assertEquals(498, store.stored.size());
        assertFalse(store.stored.contains(17));
        assertTrue(store.statements <= 1 + 2 * 2 * 9, "halving costs O(log n) statements per bad row: " + store.statements);
    }

    @Test
    void aFailureThatIsNotTheRowsFailsTheBatchOnceWithoutSplitting() {
        List<Integer> batch = IntStream.range(0, 100).boxed().toList();
        FakeStore store = new FakeStore("08006", 3);
        List<List<Integer>> failed = new ArrayList<>();
        BatchIsolation.write(batch, store, BatchIsolation::isRowFault, (items, e) -> failed.add(items));
        assertEquals(List.of(batch), failed);
        assertEquals(1, store.statements);
    }

    @Test
    void sqlStatesOfDataErrorsAreRowFaults() {
        assertTrue(BatchIsolation.isRowFault(new SQLException("nul", "22021")));
        assertTrue(BatchIsolation.isRowFault(new SQLException("too long", "22001")));
        assertTrue(BatchIsolation.isRowFault(new RuntimeException(new SQLException("check", "23514"))));
        assertFalse(BatchIsolation.isRowFault(new SQLException("connection", "08006")));
        assertFalse(BatchIsolation.isRowFault(new SQLException("deadlock", "40P01")));
        assertFalse(BatchIsolation.isRowFault(new SQLException("no state")));
    }
}
