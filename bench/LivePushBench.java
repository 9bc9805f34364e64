import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Two browsers on the nodes page; a change made through the API (a new upstream commit, then the node's heartbeat
 * reporting it); the time until each browser shows it, without a reload. Args: base URL, admin password, node token,
 * repository directory, rounds.
 */
public class LivePushBench {
    // HTTP/1.1: the server speaks nothing else, and refuses a body sent with the default "Upgrade: h2c"
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] a) throws Exception {
        String base = a[0], password = a[1], token = a[2];
        Path repo = Path.of(a[3]);
        int rounds = Integer.parseInt(a[4]);
        List<ChromeDriver> browsers = List.of(browser(), browser());
        try {
            for (ChromeDriver d : browsers) {
                d.get(base + "login");
                wait(d).until(x -> x.findElement(By.cssSelector("input[name='username']"))).sendKeys("admin");
                d.findElement(By.cssSelector("input[name='password']")).sendKeys(password);
                d.findElement(By.cssSelector("vaadin-login-form vaadin-button")).click();
                wait(d).until(x -> badge(x).equals("UP_TO_DATE"));
            }
            List<Long> all = new ArrayList<>();
            for (int i = 1; i <= rounds; i++) {
                git(repo, "commit", "-q", "--allow-empty", "-m", "round " + i);
                long t0 = System.nanoTime();
                String latest = call("POST", base + "api/updates/refresh", "Basic " + Base64.getEncoder()
                        .encodeToString(("admin:" + password).getBytes()), null)
                        .replaceAll(".*\"latest_version\":\"([0-9a-f]{40})\".*", "$1");
                List<Long> outdated = awaitAll(browsers, "OUTDATED", t0);
                long t1 = System.nanoTime();
                call("POST", base + "api/nodes/live-1/heartbeat", "Bearer " + token, "{\"code_version\":\"" + latest + "\"}");
                List<Long> upToDate = awaitAll(browsers, "UP_TO_DATE", t1);
                System.out.println("round " + i + ": new commit seen after " + outdated + " ms, the node's report after "
                        + upToDate + " ms (browser 1, browser 2; from the API call)");
                all.addAll(outdated);
                all.addAll(upToDate);
            }
            all.sort(Long::compare);
            System.out.println("change on screen in both browsers: median " + all.get(all.size() / 2) + " ms, worst "
                    + all.get(all.size() - 1) + " ms over " + all.size() + " observations");
        } finally {
            browsers.forEach(ChromeDriver::quit);
        }
    }

    static List<Long> awaitAll(List<ChromeDriver> browsers, String status, long t0) {
        List<Long> ms = new ArrayList<>();
        for (ChromeDriver d : browsers) {
            wait(d).until(x -> badge(x).equals(status));
            ms.add((System.nanoTime() - t0) / 1_000_000);
        }
        return ms;
    }

    static String badge(org.openqa.selenium.WebDriver d) {
        return d.findElements(By.cssSelector("#nodes .code-badge")).stream().filter(e -> e.isDisplayed())
                .map(e -> e.getAttribute("data-status")).findFirst().orElse("");
    }

    static WebDriverWait wait(org.openqa.selenium.WebDriver d) {
        WebDriverWait w = new WebDriverWait(d, Duration.ofSeconds(30), Duration.ofMillis(5));
        w.ignoring(RuntimeException.class);
        return w;
    }

    static ChromeDriver browser() throws Exception {
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1440,900", "--user-data-dir=" + Files.createTempDirectory("live-bench"));
        return new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build(), o);
    }

    static String call(String method, String url, String auth, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth)
                .header("Content-Type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + url + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    static void git(Path repo, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=b", "-c", "user.email=b@b"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("git failed");
        }
    }
}
