package dev.slm.source.boundary;

import dev.slm.platform.SlmConfig;
import dev.slm.source.control.GitMirror;
import dev.slm.source.entity.Classification;
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

    /** The mirror itself, for this module's features (fetching, classifying in batches, building packages). */
    public GitMirror get() {
        return mirror;
    }

    /** Where {@code reported} stands against {@code latest}: its status and the commits it lacks. */
    public Classification classify(String reported, String latest) {
        return mirror.classify(reported, latest);
    }

    @PreDestroy
    void close() {
        mirror.close();
    }
}
