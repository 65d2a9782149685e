package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cosign signature made with a bring-your-own PKI certificate that nobody here wrote
 * (containers/image's "Linuxera" fixtures, README beside them): an RSA certificate without an
 * OIDC issuer or extended key usage, its chain in cosign's chain annotation. Stored in an OCI
 * layout as cosign's tag scheme stores it, then verified with the PKI flags.
 */
class ByoPkiTest {
    static final Path FIXTURES = Path.of("src/test/resources/containers-image").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private String image;

    @BeforeEach
    void layout() throws Exception {
        Path layout = dir.resolve("store");
        Files.createDirectories(layout.resolve("blobs/sha256"));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        byte[] manifest = Files.readAllBytes(FIXTURES.resolve("dir-img-cosign-pki-valid/manifest.json"));
        byte[] stored = Files.readAllBytes(FIXTURES.resolve("dir-img-cosign-pki-valid/signature-1"));
        byte[] header = "\0sigstore-json\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(Arrays.copyOf(stored, header.length)).isEqualTo(header);
        JsonNode signature = JSON.readTree(Arrays.copyOfRange(stored, header.length, stored.length));
        byte[] payload = Base64.getDecoder().decode(signature.get("payload").asText());
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        ObjectNode sig = JSON.createObjectNode().put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        sig.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json")
                .put("digest", digest(config)).put("size", config.length);
        ObjectNode layer = sig.putArray("layers").addObject()
                .put("mediaType", signature.get("mimeType").asText()).put("digest", digest(payload))
                .put("size", payload.length);
        layer.set("annotations", signature.get("annotations"));
        byte[] sigManifest = JSON.writeValueAsBytes(sig);
        for (byte[] blob : new byte[][] {manifest, payload, config, sigManifest}) {
            Files.write(layout.resolve("blobs/sha256/" + digest(blob).substring(7)), blob);
        }
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
        var manifests = index.putArray("manifests");
        manifests.addObject().put("mediaType", "application/vnd.oci.image.manifest.v1+json")
                .put("digest", digest(manifest)).put("size", manifest.length).putObject("annotations")
                .put("org.opencontainers.image.ref.name", "test");
        manifests.addObject().put("mediaType", "application/vnd.oci.image.manifest.v1+json")
                .put("digest", digest(sigManifest)).put("size", sigManifest.length).putObject("annotations")
                .put("org.opencontainers.image.ref.name", digest(manifest).replace(':', '-') + ".sig");
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
        image = "oci:" + layout + ":test";
    }

    private static String digest(byte[] content) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    private CliRun verify(String... flags) {
        String[] args = new String[flags.length + 5];
        args[0] = "verify";
        args[1] = image;
        args[2] = "--insecure-ignore-tlog";
        args[3] = "--insecure-ignore-sct";
        args[4] = "--certificate-identity=qiwan@redhat.com";
        System.arraycopy(flags, 0, args, 5, flags.length);
        return CliRun.run(Map.of(), "", args);
    }

    @Test
    void shouldVerifyTheSignatureWithTheUsersRootsIntermediatesOrChain() {
        CliRun cas = verify("--ca-roots", FIXTURES.resolve("pki_root_crts.pem").toString(), "--ca-intermediates",
                FIXTURES.resolve("pki_intermediate_crts.pem").toString());
        CliRun rootsOnly = verify("--ca-roots", FIXTURES.resolve("pki_root_crts.pem").toString());
        CliRun chain = verify("--certificate-chain", FIXTURES.resolve("pki-chain").toString());

        assertThat(cas.code()).as(cas.out() + cas.err()).isZero();
        assertThat(cas.out()).contains("VERIFIED").contains("signer qiwan@redhat.com");
        assertThat(rootsOnly.code()).as("the chain annotation supplies the intermediate: " + rootsOnly.out()).isZero();
        assertThat(chain.code()).as(chain.out() + chain.err()).isZero();
    }

    @Test
    void shouldRefuseAnotherRootAnotherIdentityOrAnIssuerTheCertificateLacks() {
        CliRun foreign = verify("--ca-roots", FIXTURES.resolve("pki-cert").toString());
        CliRun publicGood = CliRun.run(Map.of(), "", "verify", image, "--insecure-ignore-tlog", "--insecure-ignore-sct",
                "--certificate-identity", "qiwan@redhat.com", "--certificate-oidc-issuer-regexp", ".*",
                "--trusted-root", Path.of("../trustplane-core/src/main/resources/dev/trustplane/sigstore/"
                        + "public-good-trusted_root.json").toAbsolutePath().toString());
        CliRun identity = CliRun.run(Map.of(), "", "verify", image, "--insecure-ignore-tlog", "--insecure-ignore-sct",
                "--certificate-identity", "someone@example.com", "--ca-roots",
                FIXTURES.resolve("pki_root_crts.pem").toString());
        CliRun issuer = verify("--ca-roots", FIXTURES.resolve("pki_root_crts.pem").toString(),
                "--certificate-oidc-issuer", "https://accounts.google.com");

        assertThat(foreign.code()).isEqualTo(12);
        assertThat(foreign.out()).contains("does not chain to the CAs given with --ca-roots");
        assertThat(publicGood.code()).isEqualTo(12);
        assertThat(publicGood.out()).contains("does not chain to a certificate authority of the trusted root");
        assertThat(identity.code()).isEqualTo(12);
        assertThat(identity.out()).contains("certificate subject [qiwan@redhat.com, myhost.example.com]");
        assertThat(issuer.code()).isEqualTo(12);
        assertThat(issuer.out()).contains("no OIDC issuer extension");
    }
}
