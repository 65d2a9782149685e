package dev.trustplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.sigstore.TrustedRoot;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The published Kyverno policies that verify images (resources/policy/kyverno-corpus, see its
 * README), linted as a Kyverno user's directory would be: the acceptance rate is printed with the
 * refusals grouped by cause, and may not fall below the floor.
 */
class KyvernoCorpusTest {
    /** Files accepted when this floor was last raised (73 files in the corpus). */
    private static final int FLOOR = 66;

    /**
     * Files Kyverno's own policy validation refuses (pkg/validation/policy/validate.go, the
     * conformance steps that expect the apply to fail): refusing them is agreeing with Kyverno.
     */
    static final Map<String, String> KYVERNO_REFUSES = Map.of(
            "kyverno/cmd/cli/kubectl-kyverno/_testdata/policies/check-image.yaml",
            "mutateDigest must be set to false for 'Audit' failure action",
            "kyverno/test/conformance/chainsaw/policy-validation/cluster-policy/admission-disabled/policy-verify-image.yaml",
            "disabling admission processing is only allowed with validation policies",
            "kyverno/test/conformance/chainsaw/policy-validation/policy/admission-disabled/policy-verify-image.yaml",
            "disabling admission processing is only allowed with validation policies",
            "kyverno/test/conformance/chainsaw/validate/clusterpolicy/standard/wildcard/block-verifyimage-deprecated/policy.yaml",
            "wildcard policy does not support rule type",
            "kyverno/test/conformance/chainsaw/validate/clusterpolicy/standard/wildcard/block-verifyimage/policy.yaml",
            "wildcard policy does not support rule type");

    static Path corpus() throws URISyntaxException {
        return Path.of(KyvernoCorpusTest.class.getResource("/policy/kyverno-corpus").toURI());
    }

    @Test
    void shouldAcceptThePublishedPoliciesItSupportsAndNameTheRest() throws Exception {
        byte[] root = TrustedRoot.publicGoodBytes();
        PolicyLoader loader = new PolicyLoader(TrustedRoot.parse(root, "public-good"), root);
        List<Path> files;
        try (Stream<Path> s = Files.walk(corpus())) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        List<String> accepted = new ArrayList<>();
        Map<String, Integer> causes = new TreeMap<>();
        Map<String, List<String>> refused = new TreeMap<>();
        for (Path f : files) {
            PolicyLoader.Loaded loaded = loader.parse(Files.readAllBytes(f), corpus().relativize(f).toString());
            if (!loaded.hasErrors()) {
                accepted.add(corpus().relativize(f).toString());
            } else {
                refused.put(corpus().relativize(f).toString(), loaded.problems().stream()
                        .filter(p -> p.severity() == PolicyProblem.Severity.ERROR)
                        .map(p -> p.path() == null ? "(document)" : p.path().replaceAll("\\[\\d+]", "[]"))
                        .distinct().toList());
            }
            loaded.problems().stream().filter(p -> p.severity() == PolicyProblem.Severity.ERROR)
                    .map(p -> (p.path() == null ? "" : p.path().replaceAll("\\[\\d+]", "[]") + ": ")
                            + p.message().replaceAll("\"[^\"]*\"", "\"…\"").lines().findFirst().orElse(""))
                    .map(c -> c.length() > 140 ? c.substring(0, 140) : c)
                    .forEach(c -> causes.merge(c, 1, Integer::sum));
        }
        long agreedRefusals = KYVERNO_REFUSES.keySet().stream().filter(refused::containsKey).count();
        System.out.printf("Kyverno corpus: %d of %d files accepted (%.0f %%); %d more refused as Kyverno refuses them:"
                + " %d of %d (%.0f %%) read as Kyverno reads them%n", accepted.size(), files.size(),
                100.0 * accepted.size() / files.size(), agreedRefusals, accepted.size() + agreedRefusals, files.size(),
                100.0 * (accepted.size() + agreedRefusals) / files.size());
        causes.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> System.out.printf("  %3d  %s%n", e.getValue(), e.getKey()));
        System.out.println("Refused files and the fields refused:");
        refused.forEach((f, fields) -> System.out.printf("  %s: %s%n", f, String.join(", ", fields)));
        assertThat(files).hasSize(73);
        assertThat(refused).as("the policies Kyverno refuses").containsKeys(KYVERNO_REFUSES.keySet().toArray(String[]::new));
        assertThat(accepted.size()).as("accepted files (floor %d)", FLOOR).isGreaterThanOrEqualTo(FLOOR);
        // the published samples of the three families: keyless with attestations, keyed, CVE conditions
        assertThat(accepted).contains("policies/other/verify-image/verify-image.yaml",
                "policies/other/verify-sbom-cyclonedx/verify-sbom-cyclonedx.yaml",
                "policies/other/verify-image-cve-2022-42889/verify-image-cve-2022-42889.yaml");
    }
}
