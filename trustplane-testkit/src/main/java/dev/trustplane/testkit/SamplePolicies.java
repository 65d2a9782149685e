package dev.trustplane.testkit;

/** Kyverno policies the tests and load generators share, as YAML text. */
public final class SamplePolicies {
    private SamplePolicies() {
    }

    /**
     * A ClusterPolicy {@code signed} in Enforce mode: Pods whose images match {@code imagePattern}
     * (e.g. {@code registry/*}) must carry a signature by {@code publicKeyPem}, transparency log
     * not required.
     */
    public static String signedBy(String imagePattern, String publicKeyPem) {
        return """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: signed}
                spec:
                  validationFailureAction: Enforce
                  rules:
                    - name: signature
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - imageReferences: ["PATTERN"]
                          attestors: [{entries: [{keys: {publicKeys: "KEY", rekor: {ignoreTlog: true}}}]}]
                """.replace("PATTERN", imagePattern).replace("KEY", publicKeyPem.strip().replace("\n", "\\n"));
    }
}
