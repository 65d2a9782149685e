package dev.trustplane.cli;

/** The files the tour writes: its policies, its fleet and its image spec. */
final class TourFiles {
    /** A distroless-style static image. */
    static final String STATIC_SPEC = """
            # A distroless-style static image: CA bundle, time zones, /etc/services; no libc, no shell.
            name: static
            release: bookworm
            packages: [base-files, netbase, tzdata, ca-certificates]
            without-dependencies: [base-files, netbase, tzdata, ca-certificates]
            variants: {dev: {enabled: false}}
            """;

    private TourFiles() {
    }

    /**
     * A trusted-registry allow-list in Enforce and, with a registry, a signature by the tour key
     * ({@code keyPem}) on its images.
     */
    static String policies(String allowed, String registry, String keyPem) {
        String yaml = """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: trusted-registries}
                spec:
                  validationFailureAction: Enforce
                  rules:
                    - name: allow-list
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      validate:
                        message: "images come from ALLOWED only"
                        pattern:
                          spec:
                            =(initContainers): [{image: "ALLOWED/*"}]
                            containers: [{image: "ALLOWED/*"}]
                """.replace("ALLOWED", allowed);
        if (registry == null) {
            return yaml;
        }
        return yaml + """
                ---
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: signed-by-tour-key}
                spec:
                  validationFailureAction: Enforce
                  rules:
                    - name: signature
                      match: {any: [{resources: {kinds: [Pod]}}]}
                      verifyImages:
                        - imageReferences: ["REGISTRY/trustplane/*"]
                          mutateDigest: false
                          verifyDigest: false
                          attestors: [{entries: [{keys: {publicKeys: "KEY", rekor: {ignoreTlog: true}}}]}]
                """.replace("REGISTRY", registry)
                .replace("KEY", keyPem.strip().replace("\n", "\\n"));
    }

    /**
     * What runs in the tour's fleet: a Deployment whose pod runs an image from the allowed
     * registry, and a debug pod started by hand from Docker Hub. Nothing was admitted yet.
     */
    static String fleet(String allowed) {
        String digest = "sha256:" + "5e".repeat(32);
        return """
                {"apiVersion": "v1", "kind": "List", "items": [
                  {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"team": "web"}}},
                  {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
                   "spec": {"template": {"metadata": {"labels": {"app": "web"}},
                            "spec": {"containers": [{"name": "app", "image": "ALLOWED/team/app:1"}]}}}},
                  {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-6d4b9", "namespace": "shop",
                   "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "controller": true}]}},
                  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-6d4b9-x7k2p", "namespace": "shop",
                   "generateName": "web-6d4b9-", "labels": {"app": "web", "pod-template-hash": "6d4b9"},
                   "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-6d4b9", "controller": true}]},
                   "spec": {"containers": [{"name": "app", "image": "ALLOWED/team/app:1"}]},
                   "status": {"phase": "Running", "containerStatuses": [{"name": "app", "image": "ALLOWED/team/app:1",
                              "imageID": "ALLOWED/team/app@DIGEST"}]}},
                  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "debug", "namespace": "shop"},
                   "spec": {"containers": [{"name": "shell", "image": "docker.io/library/busybox:latest"}]},
                   "status": {"phase": "Running", "containerStatuses": [{"name": "shell",
                              "image": "docker.io/library/busybox:latest", "imageID": "docker.io/library/busybox@DIGEST"}]}}
                ]}
                """.replace("ALLOWED", allowed).replace("DIGEST", digest);
    }
}
