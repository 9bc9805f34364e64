package dev.slm.agent.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract of {@link DurableFiles#write}: a file written through it is, after the writer dies at any step, either
 * what it was before or the whole new content — never empty, never half. A kill is what a test can do; a power cut it
 * cannot: that the fsyncs reach the disk rests on the order asserted here and on the file system honouring fsync.
 */
class DurableFilesTest {

    @TempDir
    Path dir;

    /** Dies like kill -9 would: nothing after this point runs. */
    static final class Killed extends Error {
    }

    static final byte[] OLD = "{\"commit\":\"old\"}".getBytes(StandardCharsets.UTF_8);
    static final byte[] NEW = ("{\"commit\":\"new\",\"padding\":\"" + "x".repeat(100_000) + "\"}")
            .getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @EnumSource(DurableFiles.Step.class)
    void aWriterKilledAtAnyStepLeavesTheOldContentOrTheWholeNewOne(DurableFiles.Step killedAt) throws Exception {
        Path file = dir.resolve("version.json");
        DurableFiles.write(file, OLD);

        assertThrows(Killed.class, () -> DurableFiles.write(file, NEW, killAt(killedAt)));
        byte[] after = Files.readAllBytes(file);
        boolean renamed = killedAt.compareTo(DurableFiles.Step.RENAMED) >= 0;
        assertEquals(new String(renamed ? NEW : OLD, StandardCharsets.UTF_8), new String(after, StandardCharsets.UTF_8));

        // the next start writes again over whatever the kill left (a .tmp of any length)
        DurableFiles.write(file, OLD);
        assertEquals(new String(OLD, StandardCharsets.UTF_8), Files.readString(file));
        assertFalse(Files.exists(dir.resolve("version.json.tmp")), "no temp file is left by a write that ended");
    }

    @ParameterizedTest
    @EnumSource(DurableFiles.Step.class)
    void aFirstWriteKilledAtAnyStepLeavesNoFileOrTheWholeOne(DurableFiles.Step killedAt) {
        Path file = dir.resolve("state.json");
        assertThrows(Killed.class, () -> DurableFiles.write(file, NEW, killAt(killedAt)));
        if (Files.exists(file)) {
            assertTrue(killedAt.compareTo(DurableFiles.Step.RENAMED) >= 0, "the name appears only by the rename");
            assertEquals(NEW.length, file.toFile().length());
        }
    }

    @Test
    void theDataIsForcedBeforeTheRenameAndTheDirectoryAfterItBeforeWriteReturns() throws Exception {
        List<DurableFiles.Step> steps = new ArrayList<>();
        Path file = dir.resolve("commands.json");
        DurableFiles.write(file, NEW, step -> {
            steps.add(step);
            if (step == DurableFiles.Step.TEMP_SYNCED) {
                assertFalse(Files.exists(file), "not renamed before the data is on disk");
            }
        });
        assertEquals(List.of(DurableFiles.Step.TEMP_WRITTEN, DurableFiles.Step.TEMP_SYNCED, DurableFiles.Step.RENAMED,
                DurableFiles.Step.DIRECTORY_SYNCED), steps);
    }

    private static DurableFiles.StepHook killAt(DurableFiles.Step killedAt) {
        return step -> {
            if (step == killedAt) {
                throw new Killed();
            }
        };
    }
}
