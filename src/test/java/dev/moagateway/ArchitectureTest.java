package dev.moagateway;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.moagateway.upstream.Outcome;
import dev.moagateway.upstream.UpstreamException;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** Packages are parts of the product, and their edges point one way. */
class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.moagateway");

    @Test
    void edgesPointOneWay() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("config").definedBy("dev.moagateway.config..")
                .layer("api").definedBy("dev.moagateway.api..")
                .layer("eval").definedBy("dev.moagateway.eval..")
                .layer("responses").definedBy("dev.moagateway.responses..")
                .layer("mixture").definedBy("dev.moagateway.mixture..")
                .layer("observability").definedBy("dev.moagateway.observability..")
                .layer("demo").definedBy("dev.moagateway.demo..")
                .layer("upstream").definedBy("dev.moagateway.upstream..")
                .layer("openai").definedBy("dev.moagateway.openai..")
                .whereLayer("config").mayNotBeAccessedByAnyLayer()
                .whereLayer("api").mayOnlyBeAccessedByLayers("config")
                .whereLayer("eval").mayNotBeAccessedByAnyLayer()
                .whereLayer("responses").mayOnlyBeAccessedByLayers("api", "config")
                .whereLayer("demo").mayOnlyBeAccessedByLayers("config")
                .whereLayer("mixture").mayOnlyBeAccessedByLayers("api", "eval", "config")
                .whereLayer("observability").mayOnlyBeAccessedByLayers("api", "eval", "mixture", "config")
                .whereLayer("upstream").mayOnlyBeAccessedByLayers("mixture", "observability", "demo", "config")
                // The web layer knows providers only by the failures it turns into statuses and outcomes.
                .ignoreDependency(resideInAPackage("dev.moagateway.api.."),
                        belongToAnyOf(UpstreamException.class, Outcome.class))
                .check(classes);
    }

    @Test
    void thereAreNoCycles() {
        slices().matching("dev.moagateway.(*)..").should().beFreeOfCycles().check(classes);
    }
}
