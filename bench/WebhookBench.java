import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Updates page in a browser; a commit pushed from a working clone to the bare repository the server tracks, whose
 * post-receive hook posts the signed webhook; the time from the push to the new commit on the page. Args: base URL,
 * admin password, the working clone, rounds.
 */
public class WebhookBench {

    public static void main(String[] a) throws Exception {
        String base = a[0], password = a[1];
        Path work = Path.of(a[2]);
        int rounds = Integer.parseInt(a[3]);
        ChromeDriver d = browser();
        try {
            d.get(base + "login");
            wait(d).until(x -> x.findElement(By.cssSelector("input[name='username']"))).sendKeys("admin");
            d.findElement(By.cssSelector("input[name='password']")).sendKeys(password);
            d.findElement(By.cssSelector("vaadin-login-form vaadin-button")).click();
            wait(d).until(x -> x.findElements(By.id("current-user")).size() > 0);
            d.get(base + "updates");
            wait(d).until(x -> !latest(x).isEmpty());
            List<Long> all = new ArrayList<>();
            for (int i = 1; i <= rounds; i++) {
                git(work, "commit", "-q", "--allow-empty", "-m", "round " + i);
                String id = git(work, "rev-parse", "--short=7", "HEAD").strip();
                long t0 = System.nanoTime();
                git(work, "push", "-q", "origin", "main");
                long pushed = (System.nanoTime() - t0) / 1_000_000;
                wait(d).until(x -> latest(x).startsWith(id));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("round " + i + ": " + id + " on the page " + ms + " ms after git push started (the push"
                        + " itself, with its hook: " + pushed + " ms)");
                all.add(ms);
            }
            all.sort(Long::compare);
            System.out.println("git push to the commit on the Updates page: median " + all.get(all.size() / 2)
                    + " ms, worst " + all.get(all.size() - 1) + " ms over " + all.size() + " pushes");
        } finally {
            d.quit();
        }
    }

    static String latest(org.openqa.selenium.WebDriver d) {
        return d.findElements(By.id("latest-commit")).stream().map(e -> e.getText()).findFirst().orElse("");
    }

    static WebDriverWait wait(org.openqa.selenium.WebDriver d) {
        WebDriverWait w = new WebDriverWait(d, Duration.ofSeconds(60), Duration.ofMillis(5));
        w.ignoring(RuntimeException.class);
        return w;
    }

    static ChromeDriver browser() throws Exception {
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1440,900", "--user-data-dir=" + Files.createTempDirectory("webhook-bench"));
        return new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build(), o);
    }

    static String git(Path repo, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=b", "-c", "user.email=b@b"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }
}
