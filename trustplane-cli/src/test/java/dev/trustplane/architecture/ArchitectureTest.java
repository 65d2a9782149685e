package dev.trustplane.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.trustplane.policy.Policy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/ARCHITECTURE.md, enforced: every package of core, the server and the CLI
 * has a rank, and a package may use only packages of a lower rank (or itself); there is no
 * cycle; core uses no front end; front ends use no step or endpoint class of core. A new
 * package fails here until it is given its place in {@link #RANKS} and in the architecture page.
 */
class ArchitectureTest {
    /** Lowest first; packages on one line are peers and must not use each other. */
    static final Map<String, Integer> RANKS = new LinkedHashMap<>();

    static {
        rank(0, "error", "event");
        rank(1, "config", "io");
        rank(2, "oci");
        rank(3, "oci.layout", "oci.registry");
        rank(4, "oci.transfer");
        rank(5, "debian", "workload");
        rank(6, "sbom", "sigstore", "store");
        rank(7, "verify");
        rank(8, "sign", "trust");
        rank(9, "vuln", "builder", "policy");
        rank(10, "admission", "catalog");
        rank(11, "fleet");
        rank(12, "feedback", "audit");
        rank(13, "server");
        rank(14, "cli");
    }

    private static void rank(int rank, String... packages) {
        for (String p : packages) {
            RANKS.put("dev.trustplane." + p, rank);
        }
    }

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("/trustplane-testkit/")
                        && !location.contains("trustplane-testkit"))
                .importPackages("dev.trustplane");
    }

    /** Every violation of the ranks, as "origin -> target (origin package rank > target package rank expected)". */
    static List<String> rankViolations(JavaClasses imported) {
        List<String> violations = new ArrayList<>();
        for (JavaClass c : imported) {
            Integer from = RANKS.get(c.getPackageName());
            if (from == null) {
                continue;
            }
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String target = d.getTargetClass().getPackageName();
                Integer to = RANKS.get(target);
                if (to == null || target.equals(c.getPackageName())) {
                    continue;
                }
                if (to >= from) {
                    violations.add(c.getPackageName() + " -> " + target + " (" + d.getDescription() + ")");
                }
            }
        }
        return violations;
    }

    @Test
    void shouldGiveEveryPackageItsPlaceInTheLayering() {
        TreeSet<String> unranked = new TreeSet<>();
        for (JavaClass c : classes) {
            if (c.getPackageName().startsWith("dev.trustplane.") && !RANKS.containsKey(c.getPackageName())
                    && !c.getPackageName().startsWith("dev.trustplane.testkit")) {
                unranked.add(c.getPackageName());
            }
        }
        assertThat(unranked).as("packages without a rank in ArchitectureTest.RANKS and docs/ARCHITECTURE.md")
                .isEmpty();
    }

    @Test
    void shouldPointEveryDependencyDownTheLayering() {
        assertThat(rankViolations(classes)).as("dependencies against the layering").isEmpty();
    }

    @Test
    void shouldHaveNoCycleBetweenPackages() {
        slices().matching("dev.trustplane.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void shouldKeepCoreFreeOfFrontEnds() {
        noClasses().that().resideOutsideOfPackages("dev.trustplane.cli..", "dev.trustplane.server..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.trustplane.cli..", "dev.trustplane.server..",
                        "picocli..", "io.helidon..")
                .check(classes);
    }

    @Test
    void shouldReachCoreOnlyThroughFacadesFromFrontEnds() {
        noClasses().that().resideInAnyPackage("dev.trustplane.cli..", "dev.trustplane.server..")
                .should().dependOnClassesThat().haveNameMatching("dev\\.trustplane\\.builder\\.\\w+Step")
                .orShould().dependOnClassesThat().haveNameMatching("dev\\.trustplane\\.oci\\.registry\\.\\w+Endpoints")
                .orShould().dependOnClassesThat().haveNameMatching("dev\\.trustplane\\.oci\\.registry\\.RegistryHttp.*")
                .check(classes);
    }

    @Test
    void shouldCatchAnImportThatPointsUpTheLayering() {
        // the rule itself must see a wrong arrow: a class of oci that uses policy
        JavaClasses wrong = new ClassFileImporter().importClasses(WrongImport.class, Policy.class);
        assertThat(rankViolations(wrong)).isEmpty(); // WrongImport lives in an unranked test package
        RANKS.put(WrongImport.class.getPackageName(), 2);
        try {
            assertThat(rankViolations(wrong)).anySatisfy(v -> assertThat(v)
                    .startsWith("dev.trustplane.architecture -> dev.trustplane.policy"));
        } finally {
            RANKS.remove(WrongImport.class.getPackageName());
        }
    }

    /** Stands for a low-level class that reaches up into the policy engine. */
    static final class WrongImport {
        Policy policy;
    }
}
