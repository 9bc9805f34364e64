package dev.slm.platform;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Defines the application's datasource from configuration and applies the SQL migrations of {@code db/}
 * before any other start-up bean touches the database.
 *
 * The pool checks a connection ({@code SELECT 1}) before it hands it out and, when one has broken, drops them all:
 * without that, a restart of PostgreSQL left dead connections in the pool that failed request after request.
 */
@DataSourceDefinition(
        name = "java:app/jdbc/slm",
        className = "org.postgresql.ds.PGSimpleDataSource",
        url = "${MPCONFIG=SLM_DB_URL}",
        user = "${MPCONFIG=SLM_DB_USER}",
        password = "${MPCONFIG=SLM_DB_PASSWORD}",
        minPoolSize = 2,
        maxPoolSize = 32,
        properties = {
                "fish.payara.is-connection-validation-required=true",
                "fish.payara.connection-validation-method=custom-validation",
                "fish.payara.validation-classname=org.glassfish.api.jdbc.validation.PostgresConnectionValidation",
                "fish.payara.fail-all-connections=true"})
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class DatabaseMigrator {

    private static final Logger LOG = Logger.getLogger(DatabaseMigrator.class.getName());

    @Resource(lookup = "java:app/jdbc/slm")
    DataSource dataSource;

    @PostConstruct
    void migrate() {
        // first of all start-up beans: a setting that cannot be used ends the start with one line naming it
        List<String> problems = ServerSettings.problems(
                name -> ConfigProvider.getConfig().getOptionalValue(name, String.class).orElse(null));
        if (!problems.isEmpty()) {
            throw new InvalidInput(String.join("; ", problems));
        }
        MigrateResult result = Flyway.configure(DatabaseMigrator.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        LOG.info(() -> "Database schema at version " + result.targetSchemaVersion
                + " (" + result.migrationsExecuted + " migrations applied now)");
    }
}
