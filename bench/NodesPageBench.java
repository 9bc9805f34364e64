import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Opens the nodes page (the start page) and the Updates page in turn in headless Chromium, logged in, ROUNDS times
 * each, and prints for each open: the time
 * from navigation to the first grid rows on screen (an upper bound of the server's time), and the server's time to
 * first byte of the page and of the Vaadin bootstrap request (Resource Timing). Args: base URL, user, password, rounds.
 */
public class NodesPageBench {
    public static void main(String[] a) throws Exception {
        String base = a[0];
        int rounds = Integer.parseInt(a[3]);
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1440,900", "--user-data-dir=" + Files.createTempDirectory("nodes-bench"));
        ChromeDriver d = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build(), o);
        try {
            WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(60), Duration.ofMillis(10));
            d.get(base + "login");
            wait.until(x -> x.findElement(By.cssSelector("input[name='username']"))).sendKeys(a[1]);
            d.findElement(By.cssSelector("input[name='password']")).sendKeys(a[2]);
            d.findElement(By.cssSelector("vaadin-login-form vaadin-button")).click();
            wait.until(x -> x.findElement(By.id("current-user")));
            // the two pages in turn, each round: the nodes page (lazy grid) and /updates (the first 1,000 pending
            // nodes held for "select all", the bulk actions, the running and the history)
            Map<String, String> pages = new java.util.LinkedHashMap<>();
            pages.put("nodes", "#nodes");
            pages.put("updates", "#pending");
            Map<String, List<Long>> walls = new java.util.LinkedHashMap<>();
            Map<String, List<Double>> servers = new java.util.LinkedHashMap<>();
            for (int i = 0; i <= rounds; i++) {
                for (Map.Entry<String, String> page : pages.entrySet()) {
                    long t0 = System.nanoTime();
                    d.get(base + (page.getKey().equals("nodes") ? "" : page.getKey()));
                    try {
                        wait.until(x -> x.findElements(By.cssSelector(page.getValue() + " vaadin-grid-cell-content")).stream()
                                .anyMatch(c -> c.getText().startsWith("bench-")));
                    } catch (org.openqa.selenium.TimeoutException e) {
                        Path shot = Path.of(System.getProperty("java.io.tmpdir"), "bench-" + page.getKey() + "-timeout.png");
                        Files.copy(((org.openqa.selenium.TakesScreenshot) d).getScreenshotAs(org.openqa.selenium.OutputType.FILE)
                                .toPath(), shot, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        throw new IllegalStateException("the " + page.getKey() + " page showed no node in 60 s: " + shot, e);
                    }
                    long wall = (System.nanoTime() - t0) / 1_000_000;
                    @SuppressWarnings("unchecked")
                    Map<String, Object> t = (Map<String, Object>) d.executeScript(
                            "const n = performance.getEntriesByType('navigation')[0];"
                                    + "const r = performance.getEntriesByType('resource').filter(e => e.name.includes('v-r='));"
                                    + "return {page: n.responseStart - n.requestStart,"
                                    + " vaadin: r.reduce((s, e) => s + (e.responseStart - e.requestStart), 0), requests: r.length};");
                    double server = ((Number) t.get("page")).doubleValue() + ((Number) t.get("vaadin")).doubleValue();
                    String line = String.format("%s page, open %d: first rows on screen after %d ms; server time to first"
                                    + " byte: page %.0f ms, Vaadin requests %.0f ms (%s)", page.getKey(), i, wall,
                            ((Number) t.get("page")).doubleValue(), ((Number) t.get("vaadin")).doubleValue(), t.get("requests"));
                    System.out.println(i == 0 ? line + "  [warm-up, not counted]" : line);
                    if (i > 0) {
                        walls.computeIfAbsent(page.getKey(), k -> new ArrayList<>()).add(wall);
                        servers.computeIfAbsent(page.getKey(), k -> new ArrayList<>()).add(server);
                    }
                }
            }
            for (String page : pages.keySet()) {
                List<Long> w = walls.get(page);
                List<Double> s = servers.get(page);
                w.sort(Long::compare);
                s.sort(Double::compare);
                System.out.printf("%s page: first rows on screen median %d ms, worst %d ms; server time (page + Vaadin"
                        + " requests) median %.0f ms, worst %.0f ms; over %d opens%n", page, w.get(w.size() / 2),
                        w.get(w.size() - 1), s.get(s.size() / 2), s.get(s.size() - 1), w.size());
            }
        } finally {
            d.quit();
        }
    }
}
