package dev.trustplane.policy;

import dev.trustplane.admission.AdmissionException;
import dev.trustplane.admission.AdmissionRequest;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.verify.Evidence;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.workload.ContainerImage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * AdmissionReview bodies as the API server (or anyone who can reach the webhook) sends them,
 * parsed and judged by an Enforce policy that requires a signature on every image, with nothing
 * signed. A body is refused (4xx), or judged; a Pod created with any image must be denied — a body
 * that gets an unsigned image admitted is a fail-open.
 */
public final class AdmissionReviewFuzzer {
    private static final String POLICY = """
            apiVersion: kyverno.io/v1
            kind: ClusterPolicy
            metadata: {name: signed}
            spec:
              validationFailureAction: Enforce
              webhookTimeoutSeconds: 5
              rules:
                - name: signed
                  match: {any: [{resources: {kinds: [Pod]}}]}
                  verifyImages:
                    - imageReferences: ["*"]
                      attestors:
                        - entries:
                            - keys:
                                publicKeys: |-
                                  -----BEGIN PUBLIC KEY-----
                                  MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8nXRh950IZbRj8Ra/N9sbqOPZrfM
                                  5/KAQN0/KjHcorm/J5yctVd7iEcnessRQjU917hmKO6JWVGHpDguIyakZA==
                                  -----END PUBLIC KEY-----
                                rekor: {ignoreTlog: true}
            """;
    private static final List<Policy> POLICIES = new PolicyLoader(null, null).parse(POLICY.getBytes(
            StandardCharsets.UTF_8), "signed.yaml").orThrow();
    private static final PolicyEngine ENGINE = new PolicyEngine(POLICIES, new NothingSigned());

    private AdmissionReviewFuzzer() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        AdmissionRequest request;
        try {
            request = AdmissionRequest.parse(data, ns -> Map.of("team", "fuzz"));
        } catch (AdmissionException refused) {
            if (refused.status() < 400 || refused.status() >= 500) {
                throw new IllegalStateException("refused with status " + refused.status(), refused);
            }
            return;
        }
        if (request.resource() == null) {
            return;
        }
        Evaluation e = ENGINE.evaluate(request.resource(), Phase.VALIDATE, Duration.ofSeconds(5));
        boolean podCreate = "CREATE".equals(request.operation()) && "Pod".equals(request.resource().kind())
                && "".equals(request.resource().group());
        boolean anyImage = request.resource().images().stream().map(ContainerImage::image)
                .anyMatch(i -> i != null && !i.isBlank());
        if (podCreate && anyImage && !e.denied()) {
            throw new IllegalStateException("admitted an unsigned image: " + request.resource().images());
        }
    }

    public static List<byte[]> seeds() {
        String pod = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u-1\","
                + "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"resource\":{\"group\":\"\","
                + "\"version\":\"v1\",\"resource\":\"pods\"},\"namespace\":\"apps\",\"operation\":\"CREATE\","
                + "\"userInfo\":{\"username\":\"alice\"},\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                + "\"metadata\":{\"name\":\"p\",\"labels\":{\"app\":\"x\"}},\"spec\":{\"initContainers\":[{\"name\":"
                + "\"i\",\"image\":\"r.example/init:1\"}],\"containers\":[{\"name\":\"c\",\"image\":"
                + "\"r.example/app@sha256:" + "a".repeat(64) + "\"}],\"ephemeralContainers\":[{\"name\":\"e\","
                + "\"image\":\"busybox\"}]}}}}";
        String deployment = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":"
                + "\"u-2\",\"kind\":{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"},\"namespace\":"
                + "\"apps\",\"operation\":\"UPDATE\",\"object\":{\"metadata\":{\"name\":\"d\"},\"spec\":{\"template\":"
                + "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"r.example/app:2\"}]}}}},\"oldObject\":"
                + "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"r.example/app:1\"}]}}}}}}";
        return List.of(pod.getBytes(StandardCharsets.UTF_8), deployment.getBytes(StandardCharsets.UTF_8));
    }

    /** A registry where nothing is signed. */
    private static final class NothingSigned implements ImageVerifier {
        @Override
        public Digest resolve(ImageReference image, boolean useCache) {
            return image.digest() != null ? image.digest() : Digest.sha256(image.toString().getBytes(
                    StandardCharsets.UTF_8));
        }

        @Override
        public VerificationReport signatures(ImageReference image, Digest digest, String repository, Attestor attestor,
                boolean useCache) {
            return new VerificationReport(image.name(), digest, Evidence.Kind.SIGNATURE, List.of(), List.of());
        }

        @Override
        public VerificationReport attestations(ImageReference image, Digest digest, String repository,
                Attestor attestor, String predicateType, boolean useCache) {
            return new VerificationReport(image.name(), digest, Evidence.Kind.ATTESTATION, List.of(), List.of());
        }
    }
}
