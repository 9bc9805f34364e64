package dev.slm.agent;

import dev.slm.agent.update.UpdaterFactory;
import java.nio.file.Path;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** {@code slm-agent [--config FILE]}: runs until stopped (SIGTERM). Exit 2 on a configuration error. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %5$s%6$s%n");
        LogManager.getLogManager().reset();
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(new SimpleFormatter());
        console.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        root.addHandler(console);
        root.setLevel(Boolean.getBoolean("slm.agent.debug") ? Level.FINE : Level.INFO);

        Path configFile = AgentConfig.DEFAULT_FILE;
        for (int i = 0; i < args.length; i++) {
            if ("--config".equals(args[i]) && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else {
                System.err.println("usage: slm-agent [--config /etc/slm-agent/agent.properties]");
                System.exit(2);
            }
        }
        AgentConfig config;
        try {
            config = AgentConfig.load(configFile);
            config.token();
        } catch (Exception e) {
            System.err.println("slm-agent: cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        ServerClient server = new ServerClient(config);
        HeartbeatLoop loop = new HeartbeatLoop(config, server);
        UpdateWorker updates;
        try {
            updates = new UpdateWorker(UpdaterFactory.create(config, server), server, loop::wakeUp);
        } catch (Exception e) {
            System.err.println("slm-agent: cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        loop.withUpdates(updates);
        updates.resumeLeftovers();
        Thread heartbeat = new Thread(loop, "heartbeat");
        Thread poller = new Thread(new CommandPoller(server, updates), "command-poll");
        poller.setDaemon(true);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            loop.stop();
            heartbeat.interrupt();
            updates.shutdown();
        }));
        heartbeat.start();
        poller.start();
    }
}
