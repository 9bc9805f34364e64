package dev.slm.web;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import jakarta.persistence.Entity;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The layers and features of the server (slm-ejb and slm-web), as docs/architecture.md describes them. A feature is
 * a package {@code dev.slm.<feature>} with {@code boundary} (what others may call), {@code control} (its internals)
 * and {@code entity} (its data, which boundaries hand out); {@code platform} is shared by all and knows none;
 * {@code web} is the outside (JAX-RS, Vaadin, live events).
 */
@AnalyzeClasses(packages = "dev.slm", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final Pattern FEATURE = Pattern.compile("dev\\.slm\\.([a-z]+)\\.(boundary|control|entity)(\\..*)?");

    @ArchTest
    static final ArchRule theWebUsesFeaturesOnlyThroughTheirBoundaries = noClasses()
            .that().resideInAPackage("dev.slm.web..")
            .should().dependOnClassesThat().resideInAPackage("dev.slm..control..")
            .because("a feature's control package is its own business: the web asks its boundary");

    @ArchTest
    static final ArchRule featuresUseEachOtherOnlyThroughBoundariesAndEntities = noClasses()
            .that().resideInAPackage("dev.slm..")
            .should(useAnotherFeaturesControl())
            .because("a feature's control package is its own business: other features ask its boundary");

    @ArchTest
    static final ArchRule featuresFormNoCycle = slices().matching("dev.slm.(*)..")
            .should().beFreeOfCycles()
            .because("features are layered (docs/architecture.md): a cycle means two features are one");

    @ArchTest
    static final ArchRule entitiesDependOnNoBoundaryOrControl = noClasses()
            .that().resideInAPackage("dev.slm..entity..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.slm..boundary..", "dev.slm..control..", "dev.slm.web..")
            .because("entities are data: they are handed out, they call nobody");

    @ArchTest
    static final ArchRule thePlatformKnowsNoFeature = noClasses()
            .that().resideInAPackage("dev.slm.platform..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.slm.(*).boundary..", "dev.slm.(*).control..",
                    "dev.slm.(*).entity..", "dev.slm.web..")
            .because("every feature uses the platform; the platform using one would tie them all to it");

    @ArchTest
    static final ArchRule viewsHoldNoManagedEntities = fields()
            .that().areDeclaredInClassesThat().resideInAPackage("dev.slm.web.ui..")
            .should().notHaveRawType(com.tngtech.archunit.base.DescribedPredicate.describe("a JPA entity",
                    (JavaClass type) -> type.isAnnotatedWith(Entity.class)))
            .because("a page lives as long as its browser: it keeps ids and small view models (NodeRow), not entities");

    @ArchTest
    static final ArchRule caseChangesDoNotDependOnTheServersLanguage = noClasses()
            .that().resideInAPackage("dev.slm..")
            .should().callMethod(String.class, "toLowerCase").orShould().callMethod(String.class, "toUpperCase")
            .because("role names, statuses and enum names are compared and stored: under a Turkish default locale "
                    + "\"ADMIN\".toLowerCase() is \"adm\u0131n\" (pass Locale.ROOT)");

    private static ArchCondition<JavaClass> useAnotherFeaturesControl() {
        return new ArchCondition<>("use another feature's control package") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                String from = feature(origin.getPackageName());
                for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                    String target = d.getTargetClass().getPackageName();
                    Matcher m = FEATURE.matcher(target);
                    if (m.matches() && m.group(2).equals("control") && !m.group(1).equals(from)) {
                        events.add(SimpleConditionEvent.satisfied(origin, d.getDescription()));
                    }
                }
            }
        };
    }

    private static String feature(String packageName) {
        Matcher m = FEATURE.matcher(packageName);
        return m.matches() ? m.group(1) : packageName;
    }
}
