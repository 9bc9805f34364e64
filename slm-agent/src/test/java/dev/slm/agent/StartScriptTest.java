package dev.slm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/slm-agent}: what the JVM it starts is given. The JVM names files in the locale's charset
 * ({@code sun.jnu.encoding}, which no option changes): under the POSIX locale a service gets without a Locale
 * setting, a package holding {@code café.txt} cannot be extracted (InvalidPathException).
 */
class StartScriptTest {

    @TempDir
    Path tmp;

    @Test
    void underAPosixLocaleTheAgentRunsWithAUtf8Locale() throws Exception {
        assertEquals("LC_ALL=C.UTF-8", localeSeenByJava(Map.of("LANG", "C")));
        assertEquals("LC_ALL=C.UTF-8", localeSeenByJava(Map.of()));
        assertEquals("LC_ALL=C.UTF-8", localeSeenByJava(Map.of("LC_ALL", "POSIX", "LANG", "en_US.UTF-8")));
    }

    @Test
    void aUtf8LocaleIsLeftAsItIs() throws Exception {
        assertEquals("LC_ALL= LANG=de_DE.UTF-8", localeSeenByJava(Map.of("LANG", "de_DE.UTF-8")));
        assertEquals("LC_ALL=en_US.utf8 LANG=", localeSeenByJava(Map.of("LC_ALL", "en_US.utf8")));
    }

    private String localeSeenByJava(Map<String, String> env) throws Exception {
        Path fakeJava = tmp.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\nif [ \"$LC_ALL\" = C.UTF-8 ]; then echo \"LC_ALL=$LC_ALL\"; "
                + "else echo \"LC_ALL=$LC_ALL LANG=$LANG\"; fi\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder pb = new ProcessBuilder("sh", Path.of("src/main/dist/bin/slm-agent").toAbsolutePath().toString());
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().put("JAVA", fakeJava.toString());
        pb.environment().putAll(env);
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }
}
