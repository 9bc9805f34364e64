import dev.slm.source.control.GitMirror;
import dev.slm.source.entity.Classification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code <git dir> <latest> <versions file> [tracked path, default app]}: classifies every version of the file (lines "position TAB id") against
 * the latest commit, one walk for all ({@code classifyAll}) and one walk each ({@code classify}, as status
 * recalculation did before issue 10), each on a mirror with an empty cache; checks both agree; prints the times.
 */
public class ClassifyBench {
    public static void main(String[] args) throws Exception {
        Path git = Path.of(args[0]);
        String latest = args[1];
        String path = args.length > 3 ? args[3] : "app";
        List<String> versions = Files.readAllLines(Path.of(args[2])).stream().map(l -> l.substring(l.indexOf('\t') + 1)).toList();
        try (GitMirror warmUp = new GitMirror(git, path)) {
            warmUp.classifyAll(versions, latest); // the JIT, and the pack files in the page cache
        }
        Map<String, Classification> together;
        long t0 = System.nanoTime();
        try (GitMirror mirror = new GitMirror(git, path)) {
            together = mirror.classifyAll(versions, latest);
        }
        long oneWalk = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        try (GitMirror mirror = new GitMirror(git, path)) {
            for (String v : versions) {
                if (!mirror.classify(v, latest).equals(together.get(v))) {
                    throw new IllegalStateException("the answers differ for " + v);
                }
            }
        }
        long each = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("classifying %d versions against the latest commit: one walk %d ms, one walk each %d ms"
                + " (%.1f ms per version)%n", versions.size(), oneWalk, each, (double) each / versions.size());
    }
}
