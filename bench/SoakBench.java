import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.slm.it.support.Browser;
import dev.slm.it.support.Heap;
import org.openqa.selenium.By;

/**
 * The soak: simulated nodes heartbeating every 10 s (each answers a sync command the way an agent does: progress
 * reports, then the target commit in its next heartbeat), browsers (headless Chromium) that log in, look at a page
 * for a while and are then killed without logging out, a new commit and a fleet sync every few minutes. Every minute
 * the server's live heap after a full GC (jcmd GC.class_histogram), its pages, sessions and Vaadin state nodes, and
 * the heartbeats of that minute (answered, failed, p99). First, what one idle page costs: the live heap with no
 * browser and with ten on the nodes page.
 * Args: base URL, admin password, repository directory, server pid, nodes, browsers, minutes, sync every (minutes).
 */
public class SoakBench {
    /** HTTP/1.1, as the agent speaks it (see ServerClient: Payara kept every stream of a cleartext HTTP/2 upgrade). */
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    static final Pattern COMMAND = Pattern.compile("\"operation_id\":(\\d+).*?\"target_commit\":\"([0-9a-f]{40})\"");

    static String base, admin;
    static final AtomicLong answered = new AtomicLong(), failed = new AtomicLong();
    static final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

    public static void main(String[] a) throws Exception {
        base = a[0];
        admin = "Basic " + Base64.getEncoder().encodeToString(("admin:" + a[1]).getBytes(StandardCharsets.UTF_8));
        Path repo = Path.of(a[2]);
        long pid = Long.parseLong(a[3]);
        int nodes = Integer.parseInt(a[4]), browsers = Integer.parseInt(a[5]), minutes = Integer.parseInt(a[6]);
        int syncEvery = Integer.parseInt(a[7]);
        String commit = call("POST", "api/updates/refresh", admin, null).replaceAll(".*\"latest_version\":\"([0-9a-f]{40})\".*", "$1");

        Map<String, String> tokens = new ConcurrentHashMap<>();
        Map<String, String> versions = new ConcurrentHashMap<>();
        for (int i = 1; i <= nodes; i++) {
            String id = "soak-" + i;
            tokens.put(id, call("POST", "api/nodes", admin, "{\"node_id\":\"" + id + "\"}").replaceAll(".*\"token\":\"([^\"]+)\".*", "$1"));
            versions.put(id, commit);
        }
        ScheduledExecutorService fleet = Executors.newScheduledThreadPool(8);
        Random random = new Random(42);
        for (String id : tokens.keySet()) {
            fleet.scheduleAtFixedRate(() -> heartbeat(fleet, id, tokens.get(id), versions), random.nextInt(10_000), 10_000,
                    TimeUnit.MILLISECONDS);
        }
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores; " + nodes
                + " nodes heartbeating every 10 s, " + browsers + " browsers over " + minutes + " min, a new commit and a"
                + " fleet sync every " + syncEvery + " min; server heap -Xmx512m");

        // what an idle page costs
        Thread.sleep(20_000);
        Heap none = Heap.of(pid);
        List<Browser> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(openOnNodes(base, a[1]));
        }
        Heap withTen = Heap.of(pid);
        System.out.printf("idle pages: no browser %s; ten browsers on the nodes page %s; one page: %d KiB%n", none, withTen,
                (withTen.bytes() - none.bytes()) / 10 / 1024);
        ten.forEach(Browser::abandon);

        long start = System.nanoTime();
        long end = start + TimeUnit.MINUTES.toNanos(minutes);
        long browserEvery = TimeUnit.MINUTES.toNanos(minutes) / Math.max(1, browsers);
        long nextBrowser = start, nextSample = start, nextSync = start + TimeUnit.MINUTES.toNanos(syncEvery);
        int opened = 0, syncs = 0;
        List<Long> curve = new ArrayList<>();
        System.out.println("minute | live heap after full GC | pages (UI) | sessions | state nodes | heartbeats answered so far | failed | p99 ms (that minute)");
        while (System.nanoTime() < end) {
            long now = System.nanoTime();
            if (now >= nextSample) {
                Heap h = Heap.of(pid);
                curve.add(h.mebibytes());
                List<Long> l = new ArrayList<>();
                for (Long x; (x = latencies.poll()) != null; ) {
                    l.add(x);
                }
                l.sort(Long::compare);
                System.out.printf("%6d | %19d MiB | %10d | %8d | %11d | %26d | %6d | %19s%n", (now - start) / 60_000_000_000L,
                        h.mebibytes(), h.count("com.vaadin.flow.component.UI"),
                        h.count("org.apache.catalina.session.StandardSession"), h.count("com.vaadin.flow.internal.StateNode"),
                        answered.get(), failed.get(), l.isEmpty() ? "-" : Long.toString(l.get((int) (l.size() * 0.99))));
                nextSample += 60_000_000_000L;
            }
            if (now >= nextSync) {
                nextSync += TimeUnit.MINUTES.toNanos(syncEvery);
                try {
                    git(repo, "commit", "-q", "--allow-empty", "-m", "soak " + (++syncs));
                    call("POST", "api/updates/refresh", admin, null);
                    long t0 = System.nanoTime();
                    call("POST", "api/fleet/sync", admin, "{\"all_outdated\":true}");
                    System.out.printf("fleet sync %d: POST /api/fleet/sync answered in %.1f s%n", syncs, (System.nanoTime() - t0) / 1e9);
                } catch (Exception e) {
                    failed.incrementAndGet();
                    failures.add("fleet sync " + syncs + ": " + e);
                    System.out.println("fleet sync " + syncs + " failed: " + e);
                }
            }
            if (now >= nextBrowser && opened < browsers) {
                opened++;
                nextBrowser += browserEvery;
                try {
                    Browser b = openOnNodes(base, a[1]);
                    if (opened % 3 == 0) {
                        b.open("updates");
                    }
                    Thread.sleep(3_000 + random.nextInt(5_000));
                    b.abandon();
                } catch (Exception e) {
                    System.out.println("browser " + opened + " failed: " + e);
                }
            }
            Thread.sleep(500);
        }
        fleet.shutdownNow();
        System.out.println("browsers opened and abandoned: " + opened + "; fleet syncs: " + syncs + "; heartbeats answered: "
                + answered.get() + ", failed: " + failed.get() + (failures.isEmpty() ? "" : " e.g. " + failures.peek()));
        System.out.println("live heap after full GC, per minute (MiB): " + curve + "; first " + curve.get(0) + ", last "
                + curve.get(curve.size() - 1) + ", max " + curve.stream().mapToLong(Long::longValue).max().orElse(0));
    }

    /** One heartbeat; a command in the answer is carried out the way an agent reports it. */
    static void heartbeat(ScheduledExecutorService fleet, String id, String token, Map<String, String> versions) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> r = send("POST", "api/nodes/" + id + "/heartbeat", "Bearer " + token,
                    "{\"code_version\":\"" + versions.get(id) + "\",\"agent_version\":\"soak\"}");
            latencies.add((System.nanoTime() - t0) / 1_000_000);
            if (r.statusCode() != 200) {
                failed.incrementAndGet();
                failures.add(id + ": " + r.statusCode() + " " + r.body());
                return;
            }
            answered.incrementAndGet();
            Matcher m = COMMAND.matcher(r.body());
            if (m.find()) {
                String op = m.group(1), target = m.group(2);
                String path = "api/nodes/" + id + "/operations/" + op + "/progress";
                String[] stages = {"DOWNLOADING", "APPLYING", "RESTARTING", "HEALTH_CHECK"};
                for (int i = 0; i < stages.length; i++) {
                    String stage = stages[i];
                    int percent = 25 * (i + 1);
                    fleet.schedule(() -> progress(path, token, stage, percent), 500L * (i + 1), TimeUnit.MILLISECONDS);
                }
                fleet.schedule(() -> versions.put(id, target), 2_500, TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            failed.incrementAndGet();
            failures.add(id + ": " + e);
        }
    }

    static void progress(String path, String token, String stage, int percent) {
        try {
            HttpResponse<String> r = send("POST", path, "Bearer " + token, "{\"stage\":\"" + stage + "\",\"percent\":" + percent + "}");
            if (r.statusCode() != 200) {
                failed.incrementAndGet();
                failures.add(path + ": " + r.statusCode() + " " + r.body());
            }
        } catch (Exception e) {
            failed.incrementAndGet();
            failures.add(path + ": " + e);
        }
    }

    static HttpResponse<String> send(String method, String path, String auth, String json) throws Exception {
        // a fleet sync of 1,000 nodes took 33 s on the loaded machine: the operator's calls may take minutes
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(path.contains("/heartbeat") || path.contains("/progress") ? Duration.ofSeconds(30) : Duration.ofMinutes(5))
                .header("Authorization", auth).header("Content-Type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String call(String method, String path, String auth, String json) throws Exception {
        HttpResponse<String> r = send(method, path, auth, json);
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** A headless Chromium (the integration tests' Browser) logged in as admin, its nodes page showing. */
    static Browser openOnNodes(String base, String password) throws Exception {
        Browser b = new Browser(URI.create(base), Files.createTempDirectory("soak-browser"));
        b.login("admin", password);
        b.await(Duration.ofSeconds(60), d -> !d.findElements(By.cssSelector("#nodes .code-badge")).isEmpty());
        return b;
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
