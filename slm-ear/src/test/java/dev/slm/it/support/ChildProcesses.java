package dev.slm.it.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a test class starts (Payara Micro, the run command, agents and the services they start, chromedriver and its
 * Chromium) ends with the test JVM, also when the test never reached its {@code close()}: a failed
 * {@code @BeforeAll}, or failsafe's time-out, which ends a hung class's JVM with SIGTERM. Without this one such
 * server (470-650 MiB) lived on beside every later class and slowed the rest of the run.
 */
public final class ChildProcesses {

    private static final AtomicBoolean GUARDED = new AtomicBoolean();
    private static final List<Runnable> ALSO = new CopyOnWriteArrayList<>();

    private ChildProcesses() {
    }

    /** From now on, every process this JVM has started, and theirs, is killed (SIGKILL) when the JVM ends. */
    public static void guard() {
        if (GUARDED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::killAll, "kill-child-processes"));
        }
    }

    /**
     * Also run {@code stop} when the JVM ends, for what no longer descends from it: a daemon that detached itself
     * (Payara Server's domain) or a service whose agent was killed.
     */
    public static void alsoOnExit(Runnable stop) {
        guard();
        ALSO.add(stop);
    }

    /**
     * Kills (SIGKILL) every process whose command line contains {@code text}, and the processes each started: for
     * what a test knows by its directory only.
     */
    public static void killNaming(String text) {
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(text)).orElse(false))
                .forEach(p -> {
                    // its children too: a Chromium renderer that outlived its browser went on using the CPU
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                });
    }

    private static void killAll() {
        // the whole tree at once, read before any is killed: a child killed first would leave its own to init
        ProcessHandle.current().descendants().toList().forEach(ProcessHandle::destroyForcibly);
        for (Runnable stop : ALSO) {
            try {
                stop.run();
            } catch (RuntimeException e) {
                System.err.println("kill-child-processes: " + e);
            }
        }
    }
}
