import dev.slm.packages.control.PackageBuilder;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** Builds the package of {@code <repo> <commit> <path>} N times and prints the best and median wall time (ms). */
public class PackageBench {
    public static void main(String[] args) throws Exception {
        Path git = Path.of(args[0]);
        int runs = Integer.parseInt(args[3]);
        long[] ms = new long[runs];
        long size = 0;
        try (Repository repo = new FileRepositoryBuilder().setGitDir(git.toFile()).build()) {
            for (int i = 0; i < runs; i++) {
                Path out = Files.createTempFile("pkg", ".tar.gz");
                long t0 = System.nanoTime();
                try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
                    PackageBuilder.write(repo, args[1], "main", args[2], o);
                }
                ms[i] = (System.nanoTime() - t0) / 1_000_000;
                size = Files.size(out);
                Files.delete(out);
            }
        }
        java.util.Arrays.sort(ms);
        System.out.printf("slm PackageBuilder: best %d ms, median %d ms (%d runs, %.1f MB)%n", ms[0], ms[runs / 2], runs,
                size / 1e6);
    }
}
