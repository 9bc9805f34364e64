package dev.slm.platform;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class LoggerFilterTest {

    @Test
    void theInstalledFilterAsksTheOneBeforeAndClosingPutsThatOneBack() {
        Logger logger = Logger.getLogger("logger-filter-test-1");
        Filter before = r -> !r.getMessage().contains("secret");
        logger.setFilter(before);
        LoggerFilter installed = LoggerFilter.install(logger.getName(),
                previous -> r -> !r.getMessage().contains("noise") && previous.isLoggable(r));

        assertFalse(logger.getFilter().isLoggable(new LogRecord(Level.WARNING, "noise")));
        assertFalse(logger.getFilter().isLoggable(new LogRecord(Level.WARNING, "a secret")));
        assertTrue(logger.getFilter().isLoggable(new LogRecord(Level.WARNING, "a fault")));
        installed.close();
        assertSame(before, logger.getFilter());
    }

    @Test
    void closingLeavesAFilterInstalledSinceInPlace() {
        Logger logger = Logger.getLogger("logger-filter-test-2");
        LoggerFilter installed = LoggerFilter.install(logger.getName(), previous -> r -> true);
        Filter later = r -> false;
        logger.setFilter(later);
        installed.close();
        assertSame(later, logger.getFilter());
    }
}
