package dev.slm.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live heap of a JVM as {@code jcmd <pid> GC.class_histogram} reports it: the command runs a full collection
 * first, so the figures are what survives a full GC (not what is merely not collected yet).
 */
public record Heap(long bytes, Map<String, Long> instances) {

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

    public static Heap of(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("jcmd " + pid + " GC.class_histogram failed: " + out);
        }
        Map<String, Long> instances = new HashMap<>();
        long total = -1;
        for (String line : out.split("\n")) {
            Matcher row = ROW.matcher(line);
            Matcher sum = TOTAL.matcher(line);
            if (row.matches()) {
                instances.merge(row.group(3), Long.parseLong(row.group(1)), Long::sum);
            } else if (sum.matches()) {
                total = Long.parseLong(sum.group(2));
            }
        }
        if (total < 0) {
            throw new IOException("no total in the class histogram of " + pid + ": " + out);
        }
        return new Heap(total, instances);
    }

    public long count(String className) {
        return instances.getOrDefault(className, 0L);
    }

    public long mebibytes() {
        return bytes >> 20;
    }

    @Override
    public String toString() {
        return mebibytes() + " MiB live, " + count("com.vaadin.flow.component.UI") + " UIs, "
                + count("com.vaadin.flow.internal.StateNode") + " state nodes, "
                + count("dev.slm.fleet.entity.Node") + " Node entities";
    }
}
