package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.testkit.RegistryPeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signed-identity check against the real registry: a signature made for {@code team/app},
 * copied with the image to {@code other/app}, verifies there by digest alone — with
 * {@code --signed-identity matchRepository} (and a policy's {@code trustplane.dev/signed-identity})
 * it no longer does, while the original repository still verifies.
 */
class SignedIdentityIT {
    @TempDir
    Path dir;

    @Test
    void shouldRefuseASignatureCopiedToAnotherRepositoryWhenTheSignedIdentityIsChecked() throws Exception {
        Map<String, String> env = Map.of("TRUSTPLANE_PASSWORD", "pw", "DOCKER_CONFIG", dir.resolve("docker").toString());
        String key = dir.resolve("release").toString();
        assertThat(CliRun.run(env, "", "keygen", "--output-key-prefix", key).code()).isZero();
        assertThat(CliRun.run(env, "", "tour", "--dir", dir.resolve("t").toString()).code()).isZero();
        try (RegistryPeer registry = RegistryPeer.start(dir.resolve("reg"))) {
            String team = registry.host() + "/team/app";
            String other = registry.host() + "/other/app";
            assertThat(CliRun.run(env, "", "copy", "oci:" + dir.resolve("t/store") + ":demo", team + ":1.0").code())
                    .isZero();
            CliRun signed = CliRun.run(env, "", "sign", "--key", key + ".key", "--storage", "tag", team + ":1.0");
            assertThat(signed.code()).as(signed.err()).isZero();
            String digest = CliRun.run(env, "", "inspect", team + ":1.0", "--format", "json").out()
                    .replaceAll("(?s).*?\"digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\".*", "$1");
            assertThat(digest).startsWith("sha256:");
            String sigTag = digest.replace(':', '-') + ".sig";
            assertThat(CliRun.run(env, "", "copy", team + ":1.0", other + ":1.0").code()).isZero();
            assertThat(CliRun.run(env, "", "copy", team + ":" + sigTag, other + ":" + sigTag).code()).isZero();
            String[] keyed = {"--key", key + ".pub", "--insecure-ignore-tlog"};

            CliRun copiedByDigest = CliRun.run(env, "", "verify", other + ":1.0", keyed[0], keyed[1], keyed[2]);
            CliRun copied = CliRun.run(env, "", "verify", other + ":1.0", keyed[0], keyed[1], keyed[2],
                    "--signed-identity", "matchRepository");
            CliRun original = CliRun.run(env, "", "verify", team + ":1.0", keyed[0], keyed[1], keyed[2],
                    "--signed-identity", "matchRepository");
            CliRun exact = CliRun.run(env, "", "verify", team + ":1.0", keyed[0], keyed[1], keyed[2],
                    "--signed-identity", "matchRepoDigestOrExact");
            CliRun remapped = CliRun.run(env, "", "verify", other + ":1.0", keyed[0], keyed[1], keyed[2],
                    "--signed-identity", "exactRepository:" + team);
            CliRun bad = CliRun.run(env, "", "verify", team + ":1.0", keyed[0], keyed[1], keyed[2],
                    "--signed-identity", "matchRepo");

            assertThat(copiedByDigest.code()).as(copiedByDigest.out() + copiedByDigest.err()).isZero();
            assertThat(copied.code()).as(copied.out()).isEqualTo(12);
            assertThat(copied.out()).contains("stage signed-identity: the signature names repository " + team
                    + ", not " + other + " (signedIdentity matchRepository)");
            assertThat(original.code()).as(original.out() + original.err()).isZero();
            assertThat(exact.code()).isEqualTo(12);
            assertThat(exact.out()).contains("names only the repository").contains("use matchRepository");
            assertThat(remapped.code()).as(remapped.out() + remapped.err()).isZero();
            assertThat(bad.code()).isEqualTo(2);
            assertThat(bad.err()).contains("--signed-identity: \"matchRepo\" is not a signed identity");

            Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                    apiVersion: kyverno.io/v1
                    kind: ClusterPolicy
                    metadata:
                      name: signed-here
                      annotations:
                        trustplane.dev/signed-identity: matchRepository
                    spec:
                      validationFailureAction: Enforce
                      rules:
                        - name: signed
                          match: {any: [{resources: {kinds: [Pod]}}]}
                          verifyImages:
                            - imageReferences: ["%s/*"]
                              attestors:
                                - entries:
                                    - keys:
                                        publicKeys: |-
                                          %s
                                        rekor: {ignoreTlog: true}
                                        ctlog: {ignoreSCT: true}
                    """.formatted(registry.host(), Files.readString(Path.of(key + ".pub")).strip()
                    .replace("\n", "\n                                  ")));
            CliRun admitted = CliRun.run(env, "", "policy", "test", policy.toString(), "--image", team + ":1.0");
            CliRun denied = CliRun.run(env, "", "policy", "test", policy.toString(), "--image", other + ":1.0");
            assertThat(admitted.code()).as(admitted.out() + admitted.err()).isZero();
            assertThat(denied.code()).as(denied.out() + denied.err()).isEqualTo(14);
            assertThat(denied.out()).contains("signedIdentity matchRepository");
        }
    }
}
