package dev.trustplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.admission.AdmissionRequest;
import dev.trustplane.error.Outcome;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.verify.Check;
import dev.trustplane.verify.Evidence;
import dev.trustplane.verify.VerificationReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Engine semantics with an in-process verifier standing in for the registry (the webhook IT runs
 * the same engine against the real registry and cosign): which attestors verified is decided here
 * by name, so counts, errors, attestation conditions, matching and the budget can be checked exactly.
 */
class PolicyEngineTest {
    static final String KEY = """
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8nXRh950IZbRj8Ra/N9sbqOPZrfM
            5/KAQN0/KjHcorm/J5yctVd7iEcnessRQjU917hmKO6JWVGHpDguIyakZA==
            -----END PUBLIC KEY-----""";
    static final Digest DIGEST = Digest.sha256("image");

    /** Verifies for the attestors whose trust hash is in {@code good}; images under "down/" cannot be read. */
    static final class StubVerifier implements ImageVerifier {
        final Set<String> good = ConcurrentHashMap.newKeySet();
        volatile String statement = "{\"predicate\":{\"specVersion\":\"1.6\"}}";
        volatile long delayMillis;

        @Override
        public Digest resolve(ImageReference image, boolean useCache) {
            return image.digest() != null ? image.digest() : DIGEST;
        }

        @Override
        public VerificationReport signatures(ImageReference image, Digest digest, String repository, Attestor attestor,
                boolean useCache) {
            return report(image, digest, attestor, null);
        }

        @Override
        public VerificationReport attestations(ImageReference image, Digest digest, String repository, Attestor attestor,
                String predicateType, boolean useCache) {
            return report(image, digest, attestor, predicateType);
        }

        private VerificationReport report(ImageReference image, Digest digest, Attestor a, String type) {
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Evidence.Kind kind = type == null ? Evidence.Kind.SIGNATURE : Evidence.Kind.ATTESTATION;
            if (image.repository().startsWith("down/")) {
                return new VerificationReport(image.name(), digest, kind, List.of(), List.of("registry unreachable"));
            }
            if (image.repository().startsWith("unsigned/")) {
                return new VerificationReport(image.name(), digest, kind, List.of(), List.of());
            }
            boolean ok = good.contains(a.trustHash());
            Check check = ok ? new Check("signature", Outcome.PASS, "ok")
                    : new Check("signature", Outcome.FAIL, "signed by another key");
            Evidence e = new Evidence(kind, Evidence.Format.COSIGN_TAG, "tag sha256-x.sig layer 0", type, null,
                    List.of(check), type == null ? null : statement.getBytes(StandardCharsets.UTF_8));
            return new VerificationReport(image.name(), digest, kind, List.of(e), List.of());
        }
    }

    final StubVerifier verifier = new StubVerifier();

    /** The key as the body of a double-quoted YAML string. */
    static String quoted() {
        return KEY.replace("\n", "\\n");
    }

    static String indent(String s, int n) {
        return s.lines().map(l -> " ".repeat(n) + l).reduce("", (x, y) -> x + y + "\n").stripTrailing();
    }

    static List<Policy> load(String yaml) {
        return new PolicyLoader(null, null).parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml").orThrow();
    }

    static String twoKeys(String extra) {
        return """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: sig}
                spec:
                  validationFailureAction: Enforce
                  rules:
                    - name: two-of-three
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      EXTRA
                      verifyImages:
                        - imageReferences: ["*"]
                          attestors:
                            - count: 2
                              entries:
                                - keys: {publicKeys: "K1", rekor: {ignoreTlog: true}}
                                - keys: {publicKeys: "K2", rekor: {ignoreTlog: true}, signatureAlgorithm: sha256}
                                - keys: {publicKeys: "K3", rekor: {ignoreTlog: true, url: "https://r"}}
                """.replace("EXTRA", extra).replace("K1", quoted()).replace("K2", quoted()).replace("K3", quoted());
    }

    static Resource pod(String namespace, Map<String, String> nsLabels, String... images) {
        StringBuilder c = new StringBuilder();
        for (int i = 0; i < images.length; i++) {
            c.append(i == 0 ? "" : ",").append("{\"name\":\"c").append(i).append("\",\"image\":\"").append(images[i]).append("\"}");
        }
        String review = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\","
                + "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"namespace\":\"" + namespace + "\","
                + "\"operation\":\"CREATE\",\"object\":{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[" + c + "]}}}}";
        return AdmissionRequest.parse(review.getBytes(StandardCharsets.UTF_8), ns -> nsLabels).resource();
    }

    static List<Attestor> attestors(List<Policy> policies) {
        return policies.get(0).rules().get(0).verifyImages().get(0).attestors().get(0).entries();
    }

    @Test
    void shouldNeedCountAttestorsToVerify() {
        List<Policy> policies = load(twoKeys(""));
        List<Attestor> entries = attestors(policies);
        verifier.good.add(entries.get(0).trustHash());
        try (PolicyEngine engine = new PolicyEngine(policies, verifier)) {
            Evaluation one = engine.evaluate(pod("apps", null, "r.example/app@" + DIGEST), Phase.VALIDATE, Duration.ofSeconds(5));
            verifier.good.add(entries.get(2).trustHash());
            Evaluation two = engine.evaluate(pod("apps", null, "r.example/app@" + DIGEST), Phase.VALIDATE, Duration.ofSeconds(5));

            assertThat(one.denied()).isTrue();
            assertThat(one.decisions().get(0).message()).contains("verified by 2 of 3 attestors, 1 verified")
                    .contains("signed by another key").contains("Fix:");
            assertThat(two.denied()).isFalse();
            assertThat(two.decisions().get(0).verdict()).isEqualTo(Outcome.PASS);
            assertThat(two.decisions().get(0).signers()).singleElement().asString().startsWith("key ");
        }
    }

    @Test
    void shouldErrorNotFailWhenEvidenceCouldNotBeReadAndPinOnlyInMutate() {
        List<Policy> policies = load(twoKeys(""));
        attestors(policies).forEach(a -> verifier.good.add(a.trustHash()));
        try (PolicyEngine engine = new PolicyEngine(policies, verifier)) {
            Evaluation down = engine.evaluate(pod("apps", null, "r.example/down/app:1"), Phase.MUTATE, Duration.ofSeconds(5));
            Evaluation mutate = engine.evaluate(pod("apps", null, "r.example/app:1"), Phase.MUTATE, Duration.ofSeconds(5));
            Evaluation validate = engine.evaluate(pod("apps", null, "r.example/app:1"), Phase.VALIDATE, Duration.ofSeconds(5));

            assertThat(down.decisions().get(0).verdict()).isEqualTo(Outcome.ERROR);
            assertThat(down.denied()).isTrue();
            assertThat(mutate.pins()).singleElement().satisfies(p -> {
                assertThat(p.pointer()).isEqualTo("/spec/containers/0/image");
                assertThat(p.image()).isEqualTo("r.example/app:1@" + DIGEST);
            });
            assertThat(validate.decisions().get(0).verdict()).isEqualTo(Outcome.FAIL);
            assertThat(validate.decisions().get(0).message()).contains("not pinned by digest")
                    .contains("mutating webhook");
        }
    }

    @Test
    void shouldRespectNamespacesExcludesSelectorsAndNamespacedPolicies() {
        String selector = "exclude: {any: [{resources: {namespaces: [kube-*]}}]}";
        List<Policy> policies = load(twoKeys(selector).replace("kinds: [Pod]}",
                "kinds: [Pod], namespaceSelector: {matchLabels: {team: payments}}}"));
        try (PolicyEngine engine = new PolicyEngine(policies, verifier)) {
            assertThat(engine.evaluate(pod("kube-system", Map.of("team", "payments"), "x/y:1"), Phase.VALIDATE,
                    Duration.ofSeconds(5)).decisions()).isEmpty();
            assertThat(engine.evaluate(pod("web", Map.of("team", "web"), "x/y:1"), Phase.VALIDATE,
                    Duration.ofSeconds(5)).decisions()).isEmpty();
            Evaluation unknown = engine.evaluate(pod("web", null, "x/y:1"), Phase.VALIDATE, Duration.ofSeconds(5));
            assertThat(unknown.decisions()).singleElement().satisfies(d -> {
                assertThat(d.verdict()).isEqualTo(Outcome.ERROR);
                assertThat(d.message()).contains("labels of namespace web are not known");
            });
        }
        List<Policy> namespaced = load(twoKeys("").replace("kind: ClusterPolicy", "kind: Policy")
                .replace("metadata: {name: sig}", "metadata: {name: sig, namespace: payments}"));
        try (PolicyEngine engine = new PolicyEngine(namespaced, verifier)) {
            assertThat(engine.evaluate(pod("web", null, "x/y:1"), Phase.VALIDATE, Duration.ofSeconds(5)).decisions()).isEmpty();
            assertThat(engine.evaluate(pod("payments", null, "x/y:1"), Phase.VALIDATE, Duration.ofSeconds(5)).decisions())
                    .hasSize(1);
        }
    }

    @Test
    void shouldCheckAttestationConditionsOnEveryVerifiedStatement() {
        String yaml = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: sbom}
                spec:
                  validationFailureAction: Audit
                  rules:
                    - name: cyclonedx
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - imageReferences: ["*"]
                          mutateDigest: false
                          attestations:
                            - predicateType: cyclonedx
                              attestors: [{entries: [{keys: {publicKeys: "K1", rekor: {ignoreTlog: true}}}]}]
                              conditions:
                                - all:
                                    - {key: "{{ specVersion }}", operator: Equals, value: "1.6"}
                """.replace("K1", quoted());
        List<Policy> policies = load(yaml);
        Attestor a = policies.get(0).rules().get(0).verifyImages().get(0).attestations().get(0).attestors().get(0)
                .entries().get(0);
        verifier.good.add(a.trustHash());
        try (PolicyEngine engine = new PolicyEngine(policies, verifier)) {
            Evaluation ok = engine.evaluate(pod("apps", null, "r/app@" + DIGEST), Phase.VALIDATE, Duration.ofSeconds(5));
            verifier.statement = "{\"predicate\":{\"specVersion\":\"1.4\"}}";
            Evaluation old = engine.evaluate(pod("apps", null, "r/app@" + DIGEST), Phase.VALIDATE, Duration.ofSeconds(5));

            assertThat(ok.decisions().get(0).verdict()).isEqualTo(Outcome.PASS);
            assertThat(old.decisions().get(0).verdict()).isEqualTo(Outcome.FAIL);
            assertThat(old.denied()).isFalse();
            assertThat(old.warnings()).singleElement().extracting(Decision::message).asString()
                    .contains("specVersion").contains("found \"1.4\"");
        }
    }

    @Test
    void shouldAnswerWithinTheBudgetWhenVerificationHangs() {
        List<Policy> policies = load(twoKeys(""));
        verifier.delayMillis = 3_000;
        try (PolicyEngine engine = new PolicyEngine(policies, verifier)) {
            long t0 = System.nanoTime();
            Evaluation e = engine.evaluate(pod("apps", null, "r/a@" + DIGEST, "r/b@" + DIGEST, "r/c@" + DIGEST),
                    Phase.VALIDATE, Duration.ofMillis(300));
            long millis = (System.nanoTime() - t0) / 1_000_000;

            assertThat(millis).isLessThan(2_500);
            assertThat(e.decisions()).hasSize(3).allSatisfy(d -> {
                assertThat(d.verdict()).isEqualTo(Outcome.ERROR);
                assertThat(d.message()).contains("did not finish within the 300 ms budget");
            });
            assertThat(e.denied()).isTrue();
        }
    }

    @Test
    void shouldDenyInEnforceWhenNamespaceLabelsAreUnknownAndOnlyTheEntrySaysEnforce() {
        // the policy's default is Audit; the current Kyverno spelling puts Enforce on the entry
        List<Policy> policies = load(twoKeys("").replace("  validationFailureAction: Enforce\n", "")
                .replace("kinds: [Pod]}", "kinds: [Pod], namespaceSelector: {matchLabels: {team: payments}}}")
                .replace("- imageReferences: [\"*\"]", "- failureAction: Enforce\n          imageReferences: [\"*\"]"));
        assertThat(policies.get(0).rules().get(0).verifyImages().get(0).action()).isEqualTo(FailureAction.ENFORCE);
        try (PolicyEngine engine = new PolicyEngine(policies, verifier)) {
            Evaluation unknown = engine.evaluate(pod("web", null, "unsigned/app:1"), Phase.VALIDATE,
                    Duration.ofSeconds(5));
            assertThat(unknown.decisions()).singleElement().satisfies(d -> {
                assertThat(d.verdict()).isEqualTo(Outcome.ERROR);
                assertThat(d.action()).isEqualTo(FailureAction.ENFORCE);
                assertThat(d.denies()).isTrue();
            });
        }
    }

    private static List<String> errors(String yaml) {
        return new PolicyLoader(null, null).parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml").problems()
                .stream().filter(p -> p.severity() == PolicyProblem.Severity.ERROR).map(PolicyProblem::toString)
                .toList();
    }

    @Test
    void shouldRefuseWildcardKindsInAVerifyImagesRuleAsKyvernoDoes() {
        for (String action : new String[] {"Enforce", "Audit"}) {
            String yaml = twoKeys("").replace("Enforce", action).replace("kinds: [Pod]", "kinds: [\"*\"]");
            assertThat(errors(yaml)).as(action).anySatisfy(e -> assertThat(e).contains(
                    "spec.rules[0].match.any[0].resources.kinds[0]: is \"*\" (every kind) in a verifyImages rule;"
                            + " Kyverno refuses this policy (\"wildcard policy does not support rule type\"): name"
                            + " the kinds whose images are verified, e.g. [Pod]"));
        }
        String legacy = twoKeys("").replace("match: {any: [{resources: {kinds: [Pod]}}]}",
                "match: {resources: {kinds: [Pod]}}\n      exclude: {resources: {kinds: [\"*\"]}}");
        assertThat(errors(legacy)).anySatisfy(e -> assertThat(e).contains(
                "spec.rules[0].exclude.resources.kinds[0]: is \"*\" (every kind)"));
    }

    @Test
    void shouldRefuseAdmissionFalseInAPolicyWithVerifyImagesAsKyvernoDoes() {
        String yaml = twoKeys("").replace("validationFailureAction: Enforce",
                "validationFailureAction: Enforce\n  admission: false");
        assertThat(errors(yaml)).anySatisfy(e -> assertThat(e).contains("spec.admission: is false in a policy with"
                + " verifyImages rules; Kyverno refuses this policy (\"disabling admission processing is only allowed"
                + " with validation policies\"): image verification only happens at admission — remove"
                + " admission: false"));
        String both = yaml.replace("admission: false", "admission: false\n  background: false");
        assertThat(errors(both)).anySatisfy(e -> assertThat(e).contains("spec.admission: and spec.background are both"
                + " false"));
    }

    @Test
    void shouldNameTheUnreachableRegistryInsteadOfAskingToSignWhenEvidenceCannotBeRead() {
        List<Policy> policies = load(twoKeys(""));
        try (PolicyEngine engine = new PolicyEngine(policies, verifier)) {
            // the mutating phase, where an unpinned tag is pinned rather than refused
            Evaluation down = engine.evaluate(pod("apps", null, "r.example/down/app:1"), Phase.MUTATE,
                    Duration.ofSeconds(5));
            assertThat(down.decisions()).singleElement().satisfies(d -> {
                assertThat(d.verdict()).as(d.message()).isEqualTo(Outcome.ERROR);
                assertThat(d.message()).contains("could not read all evidence (registry unreachable)")
                        .endsWith("Fix: the evidence could not be read from registry r.example; make it reachable"
                                + " from Trustplane and retry (a check that cannot finish denies under Enforce, which"
                                + " fails closed, and under Audit unless the policy's failurePolicy is Ignore)")
                        .doesNotContain("Fix: sign");
            });
        }
    }

    @Test
    void shouldSkipARuleWhosePreconditionsDoNotHoldAndNeverOneWhosePreconditionsCannotBeEvaluated() {
        String skipSandbox = "preconditions: {all: [{key: \"{{ request.namespace }}\", operator: NotEquals,"
                + " value: sandbox}]}";
        try (PolicyEngine engine = new PolicyEngine(load(twoKeys(skipSandbox)), verifier)) {
            Evaluation sandbox = engine.evaluate(pod("sandbox", null, "r.example/app@" + DIGEST), Phase.VALIDATE,
                    Duration.ofSeconds(5));
            Evaluation apps = engine.evaluate(pod("apps", null, "r.example/app@" + DIGEST), Phase.VALIDATE,
                    Duration.ofSeconds(5));
            assertThat(sandbox.decisions()).isEmpty();
            assertThat(sandbox.denied()).isFalse();
            assertThat(apps.denied()).isTrue();
        }
        // the older list form, and one that fails to evaluate (a bad regular expression): the rule runs
        String broken = "preconditions: [{key: \"{{ regex_match('(', request.namespace) }}\", operator: Equals,"
                + " value: false}]";
        try (PolicyEngine engine = new PolicyEngine(load(twoKeys(broken)), verifier)) {
            assertThat(engine.evaluate(pod("sandbox", null, "r.example/app@" + DIGEST), Phase.VALIDATE,
                    Duration.ofSeconds(5)).denied()).isTrue();
        }
    }

    @Test
    void shouldCheckADigestOnlyEntryWithoutAttestors() {
        String policy = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: digests}
                spec:
                  rules:
                    - name: pinned
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - imageReferences: ["*"]
                          failureAction: Enforce
                          mutateDigest: false
                          verifyDigest: true
                          required: false
                """;
        try (PolicyEngine engine = new PolicyEngine(load(policy), verifier)) {
            Evaluation tag = engine.evaluate(pod("apps", null, "r.example/app:1"), Phase.VALIDATE, Duration.ofSeconds(5));
            Evaluation digest = engine.evaluate(pod("apps", null, "r.example/app@" + DIGEST), Phase.VALIDATE,
                    Duration.ofSeconds(5));
            assertThat(tag.denied()).isTrue();
            assertThat(tag.decisions().get(0).message()).contains("the image is not pinned by digest (verifyDigest)");
            assertThat(digest.denied()).isFalse();
            assertThat(digest.decisions().get(0).message()).endsWith("referenced by digest");
        }
    }

    @Test
    void shouldLeaveABlankImageUnverifiedAsKyvernoDoes() {
        // Kyverno's empty-image conformance case: OpenShift image triggers fill "image: ' '" in later
        try (PolicyEngine engine = new PolicyEngine(load(twoKeys("")), verifier)) {
            Evaluation blank = engine.evaluate(pod("apps", null, " "), Phase.VALIDATE, Duration.ofSeconds(5));
            assertThat(blank.decisions()).isEmpty();
            assertThat(blank.denied()).isFalse();
        }
    }

    @Test
    void shouldPassARequiredOnlyEntryOnlyWhenAnotherRuleVerifiedTheImage() {
        String requiredOnly = """
                ---
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: required}
                spec:
                  rules:
                    - name: enforce-signatures
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - imageReferences: ["*"]
                          required: true
                          mutateDigest: false
                          verifyDigest: false
                          failureAction: Enforce
                """;
        List<Policy> both = load(twoKeys("").replace("imageReferences: [\"*\"]", "imageReferences: [\"r.example/signed/*\"]")
                + requiredOnly);
        attestors(both).forEach(a -> verifier.good.add(a.trustHash()));
        try (PolicyEngine engine = new PolicyEngine(both, verifier)) {
            Evaluation verified = engine.evaluate(pod("apps", null, "r.example/signed/app@" + DIGEST), Phase.VALIDATE,
                    Duration.ofSeconds(5));
            Evaluation other = engine.evaluate(pod("apps", null, "r.example/other/app@" + DIGEST), Phase.VALIDATE,
                    Duration.ofSeconds(5));

            assertThat(verified.denied()).isFalse();
            assertThat(verified.decisions()).filteredOn(d -> d.policy().equals("required")).singleElement()
                    .satisfies(d -> assertThat(d.message()).contains("required: verified by sig/two-of-three"));
            assertThat(other.denied()).isTrue();
            assertThat(other.decisions()).singleElement().satisfies(d -> {
                assertThat(d.verdict()).isEqualTo(Outcome.FAIL);
                assertThat(d.message()).contains("no verifyImages rule verified this image's signature");
            });
        }
    }

    @Test
    void shouldRefuseAnImageWhoseNamedAttestationsMeetTheEntrysDenyConditions() {
        // the shape of Kyverno's multiple-image-verification-attestations policies: a named attestation,
        // then validate.deny over it and the request
        String yaml = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: sbom}
                spec:
                  rules:
                    - name: cyclonedx
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - imageReferences: ["*"]
                          mutateDigest: false
                          failureAction: Enforce
                          attestations:
                            - name: sbom
                              predicateType: cyclonedx
                              attestors: [{entries: [{keys: {publicKeys: "K1", rekor: {ignoreTlog: true}}}]}]
                          validate:
                            message: "the SBOM of {{ request.namespace }} must be CycloneDX 1.5 or later"
                            deny:
                              conditions:
                                any:
                                  - {key: "{{ sbom.specVersion }}", operator: LessThan, value: "1.5"}
                """.replace("K1", quoted());
        List<Policy> policies = load(yaml);
        verifier.good.add(policies.get(0).rules().get(0).verifyImages().get(0).attestations().get(0).attestors().get(0)
                .entries().get(0).trustHash());
        try (PolicyEngine engine = new PolicyEngine(policies, verifier)) {
            Evaluation ok = engine.evaluate(pod("apps", null, "r/app@" + DIGEST), Phase.VALIDATE, Duration.ofSeconds(5));
            verifier.statement = "{\"predicate\":{\"specVersion\":\"1.4\"}}";
            Evaluation old = engine.evaluate(pod("apps", null, "r/app@" + DIGEST), Phase.VALIDATE, Duration.ofSeconds(5));

            assertThat(ok.denied()).isFalse();
            assertThat(old.denied()).isTrue();
            assertThat(old.decisions()).singleElement().satisfies(d -> {
                assertThat(d.verdict()).isEqualTo(Outcome.FAIL);
                assertThat(d.message()).contains("refused by validate.deny: the SBOM of apps must be CycloneDX 1.5");
            });
        }
    }
}
