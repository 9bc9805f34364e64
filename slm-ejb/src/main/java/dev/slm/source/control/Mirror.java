package dev.slm.source.control;

import dev.slm.platform.SlmConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** This server instance's mirror of the tracked repository, in {@code <data dir>/mirror.git}. */
@ApplicationScoped
public class Mirror {

    @Inject
    SlmConfig config;

    private GitMirror mirror;

    @PostConstruct
    void open() {
        mirror = new GitMirror(config.dataDir().resolve("mirror.git"));
    }

    public GitMirror get() {
        return mirror;
    }

    @PreDestroy
    void close() {
        mirror.close();
    }
}
