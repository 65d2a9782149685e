package dev.trustplane.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.Outcome;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.verify.Check;
import dev.trustplane.verify.Evidence;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.workload.Manifests;
import dev.trustplane.workload.Workloads;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code imageExtractors} on Kyverno's own test policies, resources and expected results. */
class ImageExtractorTest {
    static final Digest DIGEST = Digest.sha256("image");

    /** Signed by the policy's key for the tag "signed" (and digests), no signature for "unsigned". */
    static final ImageVerifier TAGS = new ImageVerifier() {
        @Override
        public Digest resolve(ImageReference image, boolean useCache) {
            return image.digest() != null ? image.digest() : DIGEST;
        }

        @Override
        public VerificationReport signatures(ImageReference image, Digest digest, String repository, Attestor a,
                boolean useCache) {
            if ("unsigned".equals(image.tag())) {
                return new VerificationReport(image.name(), digest, Evidence.Kind.SIGNATURE, List.of(), List.of());
            }
            Evidence e = new Evidence(Evidence.Kind.SIGNATURE, Evidence.Format.COSIGN_TAG, "tag sha256-x.sig layer 0",
                    null, null, List.of(new Check("signature", Outcome.PASS, "ok")), null);
            return new VerificationReport(image.name(), digest, Evidence.Kind.SIGNATURE, List.of(e), List.of());
        }

        @Override
        public VerificationReport attestations(ImageReference image, Digest digest, String repository, Attestor a,
                String predicateType, boolean useCache) {
            return new VerificationReport(image.name(), digest, Evidence.Kind.ATTESTATION, List.of(), List.of());
        }
    };

    static Path resources(String name) throws Exception {
        return Path.of(ImageExtractorTest.class.getResource("/policy/kyverno-cli-tests/" + name).toURI());
    }

    static Resource resource(JsonNode object) {
        return Resource.of(Workloads.of(object), null, "CREATE", null, null, () -> Map.of());
    }

    @Test
    void shouldFindTektonStepsByKeyAndPinThemWhereTheyAre() throws Exception {
        // badtask.yaml of Kyverno's conformance tests imageExtractors-simple and -complex (Apache-2.0)
        JsonNode task = Json.yaml().readTree("""
                apiVersion: tekton.dev/v1beta1
                kind: Task
                metadata:
                  name: example-task-name
                spec:
                  steps:
                    - name: ubuntu-example
                      image: public.ecr.aws/docker/library/ubuntu:unsigned
                    - name: signed-step
                      image: public.ecr.aws/docker/library/ubuntu:signed
                """);
        Path dir = KyvernoCorpusTest.corpus().resolve("kyverno/test/conformance/chainsaw/verify-images/clusterpolicy/standard");
        List<Policy> complex = PolicyContextTest.LOADER.load(dir.resolve("imageExtractors-complex/policy.yaml")).orThrow();
        List<Policy> simple = PolicyContextTest.LOADER.load(dir.resolve("imageExtractors-simple/policy.yaml")).orThrow();
        try (PolicyEngine c = new PolicyEngine(complex, TAGS); PolicyEngine s = new PolicyEngine(simple, TAGS)) {
            Evaluation keyed = c.evaluate(resource(task), Phase.MUTATE, Duration.ofSeconds(5));
            Evaluation byPath = s.evaluate(resource(task), Phase.VALIDATE, Duration.ofSeconds(5));

            assertThat(keyed.decisions()).extracting(Decision::container)
                    .containsExactly("steps[0] (ubuntu-example)", "steps[1] (signed-step)");
            assertThat(keyed.decisions()).extracting(Decision::verdict).containsExactly(Outcome.FAIL, Outcome.PASS);
            assertThat(keyed.pins()).singleElement().satisfies(p -> {
                assertThat(p.pointer()).isEqualTo("/spec/steps/1/image");
                assertThat(p.image()).isEqualTo("public.ecr.aws/docker/library/ubuntu:signed@" + DIGEST);
            });
            assertThat(byPath.denied()).isTrue();
            assertThat(byPath.decisions()).extracting(Decision::container)
                    .containsExactly("custom[0] (/spec/steps/0/image)", "custom[1] (/spec/steps/1/image)");
        }
    }

    @Test
    void shouldMakeABadExtractionTheRulesErrorAndRefuseABadExtractor() {
        ImageExtractor x = ImageExtractor.of(null, "/spec/steps/*", "name", "image", null);
        JsonNode noKey = PolicyContextTest.yaml("spec: {steps: [{image: a/b:1}]}");
        JsonNode notList = PolicyContextTest.yaml("spec: {steps: 3}");

        assertThat(x.extract(PolicyContextTest.yaml("spec: {steps: [{name: s, image: ' '}]}"))).isEmpty();
        assertThatThrownBy(() -> x.extract(noKey))
                .hasMessageContaining("/spec/steps/0 has no text field \"name\"");
        assertThatThrownBy(() -> x.extract(notList))
                .hasMessageContaining("/spec/steps is not a list or an object");
        String policy = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: x}
                spec:
                  rules:
                    - name: r
                      imageExtractors:
                        Task: [{path: "spec/steps/*/image"}, {path: /spec/x, jmesPath: "nope(@)"}, {path: /a, valu: b}]
                      match: {any: [{resources: {kinds: [Task]}}]}
                      verifyImages: [{imageReferences: ["*"], mutateDigest: false, verifyDigest: true}]
                """;
        List<String> errors = new PolicyLoader(null, null).parse(policy.getBytes(StandardCharsets.UTF_8),
                "x.yaml").problems().stream().filter(p -> p.severity() == PolicyProblem.Severity.ERROR)
                .map(p -> p.path() + ": " + p.message()).toList();
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("spec.rules[0].imageExtractors.Task[0].path").contains("must start with /"))
                .anySatisfy(e -> assertThat(e).startsWith("spec.rules[0].imageExtractors.Task[1].jmesPath").contains("nope()"))
                .anySatisfy(e -> assertThat(e).startsWith("spec.rules[0].imageExtractors.Task[2].valu"));
    }
}
