package io.spindle.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The layering docs/architecture.md describes, checked on the compiled classes of the worker
 * kernels, the driver and the CLI: modules point one way (jobs -> driver -> worker-kernels), the
 * driver's packages have no cycles, {@code job} is imported by nothing below it, and the pure
 * packages stay free of Spark and DL4J.
 */
@Tag("fast")
class LayeringTest {

    static JavaClasses classes;

    @BeforeAll
    static void load() {
        // main classes only: neither test folders nor the driver's test jar
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("io.spindle.kernels", "io.spindle.driver", "io.spindle.jobs");
    }

    @Test
    void workerKernelsKnowNothingAboveThem() {
        noClasses().that().resideInAPackage("io.spindle.kernels..")
                .should().dependOnClassesThat().resideInAnyPackage("io.spindle.driver..", "io.spindle.jobs..",
                        "io.spindle.ml..", "io.spindle.bench..", "org.apache.spark..")
                .check(classes);
    }

    @Test
    void theDriverKnowsNoEntryPoint() {
        noClasses().that().resideInAPackage("io.spindle.driver..")
                .should().dependOnClassesThat().resideInAnyPackage("io.spindle.jobs..", "io.spindle.ml..",
                        "io.spindle.bench..", "picocli..")
                .check(classes);
    }

    @Test
    void theDriversPackagesHaveNoCycles() {
        slices().matching("io.spindle.driver.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void jobIsImportedByNothingBelowIt() {
        noClasses().that().resideInAPackage("io.spindle.driver..").and().resideOutsideOfPackage("io.spindle.driver.job..")
                .should().dependOnClassesThat().resideInAPackage("io.spindle.driver.job..")
                .check(classes);
    }

    @Test
    void specAndSweepAndDoctorArePure() {
        noClasses().that().resideInAnyPackage("io.spindle.driver.spec..", "io.spindle.driver.sweep..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "org.deeplearning4j..",
                        "org.nd4j.linalg..", "io.spindle.driver.data..", "io.spindle.driver.train..",
                        "io.spindle.driver.results..", "io.spindle.driver.model..")
                .check(classes);
        noClasses().that().resideInAPackage("io.spindle.driver.doctor..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "org.deeplearning4j..")
                .check(classes);
    }

    @Test
    void theModelBuilderTouchesNoSpark() {
        noClasses().that().resideInAPackage("io.spindle.driver.model..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.spark..")
                .check(classes);
    }
}
