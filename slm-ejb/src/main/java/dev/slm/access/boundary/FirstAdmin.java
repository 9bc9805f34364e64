package dev.slm.access.boundary;

import dev.slm.platform.SlmConfig;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.logging.Logger;

/**
 * Makes sure an empty installation has one admin. Its password comes from {@code SLM_ADMIN_PASSWORD} or is
 * generated, logged once and written to {@code <data dir>/initial-admin-password} (owner-only), as Jenkins does.
 * There is never a default password.
 */
@Singleton
@Startup
@DependsOn("DatabaseMigrator")
public class FirstAdmin {

    public static final String USERNAME = "admin";
    public static final String PASSWORD_FILE = "initial-admin-password";
    private static final Logger LOG = Logger.getLogger(FirstAdmin.class.getName());

    @Inject
    OperatorAccounts accounts;

    @Inject
    SlmConfig config;

    @PostConstruct
    void ensureAnAdminExists() {
        if (accounts.count() > 0) {
            return;
        }
        String password = config.adminPassword().orElseGet(FirstAdmin::generatePassword);
        if (!accounts.createFirstAdmin(USERNAME, password)) {
            return; // another instance was first
        }
        if (config.adminPassword().isPresent()) {
            LOG.info("Created the first admin account 'admin' with the password from SLM_ADMIN_PASSWORD");
        } else {
            Path file = writePasswordFile(password);
            LOG.warning("Created the first admin account 'admin' with the generated password " + password
                    + " (also in " + file + "; it is shown only this once)");
        }
    }

    private Path writePasswordFile(String password) {
        try {
            Path dir = Files.createDirectories(config.dataDir());
            Path file = dir.resolve(PASSWORD_FILE);
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, password + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the initial admin password file", e);
        }
    }

    private static String generatePassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
