package dev.slm.it.support;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium driven through Debian's chromedriver (no browser or driver is downloaded), one per
 * operator, against the real server.
 */
public final class Browser implements AutoCloseable {

    /**
     * Selenium looks for a DevTools binding of Chromium's version at each CDP command (it has none for 156) and says
     * so in a warning each time; the commands used here need none. Held: a logger nobody references loses its level.
     */
    private static final java.util.logging.Logger CDP_VERSIONS = java.util.logging.Logger.getLogger(
            "org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSIONS.setLevel(java.util.logging.Level.SEVERE);
    }

    public final ChromeDriver driver;
    private final URI base;
    private final Path profile;

    public Browser(URI base, Path profile) {
        this.base = base;
        this.profile = profile.toAbsolutePath();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("slm.chromium", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--window-size=1440,1000", "--user-data-dir=" + profile.toAbsolutePath());
        // the console, for what the page's Content-Security-Policy refused
        org.openqa.selenium.logging.LoggingPreferences logs = new org.openqa.selenium.logging.LoggingPreferences();
        logs.enable(org.openqa.selenium.logging.LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(System.getProperty("slm.chromedriver", "/usr/bin/chromedriver")).toFile())
                .build();
        ChildProcesses.guard(); // chromedriver and Chromium are this JVM's children
        driver = new ChromeDriver(service, options);
    }

    public void open(String path) {
        driver.get(base.resolve(path).toString());
    }

    /**
     * What the current tab's pages are told of the system's preferences from now on ({@code prefers-color-scheme},
     * {@code prefers-reduced-motion}: the system's own say nothing); an empty map takes back what was said.
     */
    public void mediaFeatures(Map<String, String> features) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", features.entrySet().stream()
                .map(f -> Map.of("name", f.getKey(), "value", f.getValue())).toList()));
    }

    /** Logs in through the login form; returns once the start page shows the operator. */
    public void login(String user, String password) {
        login(user, password, Duration.ofSeconds(20));
    }

    /** @param timeout for each page (the login page, then the start page) */
    public void login(String user, String password, Duration timeout) {
        open("login");
        WebElement name = await(timeout, d -> d.findElements(By.cssSelector("input[name='username']")).stream().findFirst().orElse(null));
        name.sendKeys(user);
        driver.findElement(By.cssSelector("input[name='password']")).sendKeys(password);
        driver.findElement(By.cssSelector("vaadin-button[slot='submit'], vaadin-login-form vaadin-button")).click();
        await(timeout, d -> d.findElements(By.id("current-user")).stream().filter(e -> e.getText().startsWith(user)).findFirst().orElse(null));
    }

    /**
     * Reads an element found earlier: if the page has replaced it meanwhile (drawn anew, so a click on its way would
     * have been lost), fails saying {@code drawnAnew}.
     */
    public static <T> T stillShown(String drawnAnew, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            throw new AssertionError(drawnAnew, e);
        }
    }

    public <T> T await(Function<WebDriver, T> condition) {
        return await(Duration.ofSeconds(20), condition);
    }

    /** Waits for the condition; when it never holds, the page is kept as failure-*.png for whoever reads the report. */
    public <T> T await(Duration timeout, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, timeout, Duration.ofMillis(100)).ignoring(RuntimeException.class).until(condition);
        } catch (org.openqa.selenium.TimeoutException e) {
            try {
                Path shot = screenshot(Path.of("target/screenshots/failure-" + System.currentTimeMillis() + ".png"));
                throw new AssertionError("waited " + timeout.toSeconds() + " s in vain on " + driver.getCurrentUrl()
                        + " (screenshot: " + shot + "); notifications: " + notifications(), e);
            } catch (AssertionError a) {
                throw a;
            } catch (Exception io) {
                e.addSuppressed(io);
                throw e;
            }
        }
    }

    /**
     * Clicks the element, found afresh on each try: a live page redraws its rows and its summary bar at every update,
     * so an element found once may be gone (stale) by the time it is clicked.
     */
    public void click(String id) {
        await(d -> {
            WebElement e = d.findElement(By.id(id));
            // to the middle of the window: at its edges the app bar or a notice could take the click
            driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", e);
            e.click();
            return true;
        });
    }

    public WebElement byId(String id) {
        return await(d -> d.findElement(By.id(id)));
    }

    /** The code badges the page shows, as node status names (data-status), in the order shown. */
    public List<String> badges(String within) {
        return driver.findElements(By.cssSelector(within + " .code-badge")).stream()
                .filter(WebElement::isDisplayed) // a grid keeps the cells of rows it no longer shows
                .map(e -> e.getAttribute("data-status")).toList();
    }

    /**
     * The same as {@link #badges}, read in one script: on a page that live updates redraw every second, element by
     * element reads keep meeting cells the grid has just replaced (stale elements) and never finish.
     */
    @SuppressWarnings("unchecked")
    public List<String> badgesAtOnce(String within) {
        return (List<String>) driver.executeScript("return Array.from(document.querySelectorAll(arguments[0]))"
                + ".filter(e => e.checkVisibility()).map(e => e.getAttribute('data-status'))", within + " .code-badge");
    }

    public String notifications() {
        return String.join("\n", driver.findElements(By.cssSelector("vaadin-notification-card")).stream()
                .map(WebElement::getText).toList());
    }

    /** Every console message so far: the browser hands each out once, so they are kept here. */
    private final List<String> console = new java.util.ArrayList<>();

    private synchronized List<String> console() {
        driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .map(e -> e.getLevel() + " " + e.getMessage()).forEach(console::add);
        return List.copyOf(console);
    }

    /** Console messages about the Content-Security-Policy so far. */
    public List<String> contentSecurityPolicyViolations() {
        return console().stream()
                .filter(m -> m.contains("Content Security Policy") || m.contains("Content-Security-Policy")).toList();
    }

    /** Console errors so far: resources that failed to load (a 404), scripts that threw. */
    public List<String> consoleErrors() {
        return console().stream().filter(m -> m.startsWith("SEVERE")).toList();
    }

    /** The window's size, as a phone's or a desktop's. */
    public void resize(int width, int height) {
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, height));
    }

    public Path screenshot(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, file, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /**
     * The browser goes away as a closed laptop lid or a crash takes it: its processes are killed (SIGKILL), nothing is
     * logged out or closed. Then its driver is stopped, which can only report that the browser is gone.
     */
    public void abandon() {
        ChildProcesses.killNaming("--user-data-dir=" + profile);
        try {
            driver.quit();
        } catch (org.openqa.selenium.WebDriverException expected) {
            // the driver answers that its browser is unreachable: it has stopped all the same
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
