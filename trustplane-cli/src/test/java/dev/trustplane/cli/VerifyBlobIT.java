package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.sigstore.FulcioCertificate;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.testkit.Peers;
import dev.trustplane.testkit.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify-blob} and {@code verify-blob-attestation} on bundles others wrote: cosign's
 * (sign-blob --new-bundle-format, the real peer) and the sigstore-conformance suite's
 * (Sigstore staging, Rekor v1 and v2), with exact exit codes.
 */
class VerifyBlobIT {
    static final Path SUITE = Path.of("../trustplane-core/src/test/resources/sigstore/conformance/bundle-verify")
            .toAbsolutePath().normalize();
    static final String IDENTITY = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/"
            + ".github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    static final String ISSUER = "https://token.actions.githubusercontent.com";
    /** The public-good root Trustplane embeds (the suite's default root). */
    static final String PUBLIC_GOOD = Path.of("../trustplane-core/src/main/resources/dev/trustplane/sigstore/"
            + "public-good-trusted_root.json").toAbsolutePath().normalize().toString();

    @TempDir
    Path work;

    private ProcessRunner.Result cosign(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Peers.require("cosign").toString()));
        cmd.addAll(List.of(args));
        return ProcessRunner.run(cmd, Map.of("COSIGN_PASSWORD", "pw", "HOME", work.toString(), "TUF_ROOT",
                work.resolve("tuf").toString()), 120, work);
    }

    @Test
    void shouldVerifyABundleCosignSignBlobWroteAndRefuseAnotherFile() throws Exception {
        cosign("generate-key-pair").requireSuccess(List.of("cosign generate-key-pair"));
        Path file = Files.writeString(work.resolve("release.tar"), "the release\n");
        List<String> sign = List.of("sign-blob", "--key", "cosign.key", "--tlog-upload=false", "--new-bundle-format",
                "--bundle", "release.sigstore.json", "--yes", file.toString());
        cosign(sign.toArray(String[]::new)).requireSuccess(sign);
        Path other = Files.writeString(work.resolve("other.tar"), "not the release\n");

        CliRun ok = CliRun.run(Map.of(), "", "verify-blob", file.toString(), "--bundle",
                work.resolve("release.sigstore.json").toString(), "--key", work.resolve("cosign.pub").toString(),
                "--insecure-ignore-tlog");
        CliRun wrong = CliRun.run(Map.of(), "", "verify-blob", other.toString(), "--bundle",
                work.resolve("release.sigstore.json").toString(), "--key", work.resolve("cosign.pub").toString(),
                "--insecure-ignore-tlog");

        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("VERIFIED");
        assertThat(wrong.code()).isEqualTo(12);
        assertThat(wrong.out()).contains("subject").contains("not sha256:");
    }

    @Test
    void shouldWriteBundlesCosignVerifies() throws Exception {
        cosign("generate-key-pair").requireSuccess(List.of("cosign generate-key-pair"));
        Path file = Files.writeString(work.resolve("release.tar"), "the release\n");
        Path predicate = Files.writeString(work.resolve("prov.json"), "{\"buildType\":\"https://example.org/b\"}");
        Map<String, String> env = Map.of("COSIGN_PASSWORD", "pw");

        CliRun signed = CliRun.run(env, "", "sign-blob", file.toString(), "--key", work.resolve("cosign.key").toString(),
                "--bundle", work.resolve("ours.sigstore.json").toString());
        CliRun attested = CliRun.run(env, "", "attest-blob", file.toString(), "--key",
                work.resolve("cosign.key").toString(), "--type", "slsaprovenance1", "--predicate", predicate.toString(),
                "--bundle", work.resolve("ours.att.sigstore.json").toString());
        assertThat(signed.code()).as(signed.err()).isZero();
        assertThat(attested.code()).as(attested.err()).isZero();

        List<String> verify = List.of("verify-blob", "--key", "cosign.pub", "--bundle", "ours.sigstore.json",
                "--new-bundle-format", "--insecure-ignore-tlog", "--trusted-root", PUBLIC_GOOD, file.toString());
        cosign(verify.toArray(String[]::new)).requireSuccess(verify);
        List<String> verifyAtt = List.of("verify-blob-attestation", "--key", "cosign.pub", "--bundle",
                "ours.att.sigstore.json", "--new-bundle-format", "--insecure-ignore-tlog", "--trusted-root", PUBLIC_GOOD,
                "--type", "slsaprovenance1", file.toString());
        cosign(verifyAtt.toArray(String[]::new)).requireSuccess(verifyAtt);
        CliRun ours = CliRun.run(Map.of(), "", "verify-blob-attestation", file.toString(), "--bundle",
                work.resolve("ours.att.sigstore.json").toString(), "--type", "slsaprovenance1", "--key",
                work.resolve("cosign.pub").toString(), "--insecure-ignore-tlog");
        assertThat(ours.code()).as(ours.out() + ours.err()).isZero();
    }

    @Test
    void shouldVerifyTheConformanceSuitesRekorV2BundleAndRefuseOneWithoutATimestamp() {
        CliRun ok = conformance("rekor2-happy-path");
        CliRun noTime = conformance("rekor2-no-timestamp_fail");

        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(noTime.code()).isEqualTo(12);
        assertThat(noTime.out()).contains("timestamp");
    }

    @Test
    void shouldVerifyAnAttestationOfTheTypeAskedForOnly() {
        Path dir = SUITE.resolve("happy-path-intoto-in-dsse-v3");
        String[] common = {SUITE.resolve("a.txt").toString(), "--bundle", dir.resolve("bundle.sigstore.json").toString(),
            "--certificate-identity", IDENTITY, "--certificate-oidc-issuer", ISSUER, "--trusted-root", PUBLIC_GOOD};
        CliRun any = CliRun.run(Map.of(), "", concat("verify-blob", common));
        CliRun otherType = CliRun.run(Map.of(), "", concat("verify-blob-attestation", common, "--type",
                "https://example.org/not-this"));

        assertThat(any.code()).as(any.out() + any.err()).isZero();
        assertThat(otherType.code()).isEqualTo(12);
    }

    @Test
    void shouldVerifyAnEd25519BundleCosignWroteWhichSignsTheFileItself() throws Exception {
        openssl("genpkey", "-algorithm", "ed25519", "-out", "ed.pem");
        cosign("import-key-pair", "--key", "ed.pem", "-o", "ed", "-y").requireSuccess(List.of("cosign import-key-pair"));
        Path file = Files.writeString(work.resolve("release.tar"), "the release\n");
        List<String> sign = List.of("sign-blob", "--key", "ed.key", "--tlog-upload=false", "--new-bundle-format",
                "--bundle", "ed.sigstore.json", "--yes", file.toString());
        cosign(sign.toArray(String[]::new)).requireSuccess(sign);
        Path other = Files.writeString(work.resolve("other.tar"), "the release, changed\n");
        String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(file)));

        CliRun ok = verifyKeyed(file.toString(), "ed.sigstore.json", "ed.pub");
        CliRun wrong = verifyKeyed(other.toString(), "ed.sigstore.json", "ed.pub");
        CliRun byDigest = verifyKeyed(digest, "ed.sigstore.json", "ed.pub");

        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(wrong.code()).isEqualTo(12);
        assertThat(byDigest.code()).isEqualTo(12);
        assertThat(byDigest.out()).contains("signs the file itself, not its digest");
    }

    /**
     * sign-blob with every key type Sigstore names — Ed25519 (pure, over the file), ECDSA P-384 and
     * P-521 (SHA-384/512), RSA (PKCS#1 v1.5, SHA-256) — from OpenSSL-made keys: each bundle verifies
     * with Trustplane, and cosign verify-blob accepts the Ed25519 one (cosign signs Ed25519 the same
     * way) and the others it can read.
     */
    @Test
    void shouldSignFilesWithEveryKeyTypeIntoBundlesVerifiersAccept() throws Exception {
        openssl("genpkey", "-algorithm", "ed25519", "-out", "ed.pem");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "p384.pem");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-out", "p521.pem");
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072", "-out", "rsa.pem");
        Path file = Files.writeString(work.resolve("release.tar"), "the release\n");
        Path other = Files.writeString(work.resolve("other.tar"), "not the release\n");
        Map<String, String> algorithms = Map.of("ed", "SHA2_256", "p384", "SHA2_384", "p521", "SHA2_512", "rsa",
                "SHA2_256");
        for (String k : List.of("ed", "p384", "p521", "rsa")) {
            openssl("pkey", "-in", k + ".pem", "-pubout", "-out", k + ".pub");
            CliRun signed = CliRun.run(Map.of(), "", "sign-blob", file.toString(), "--key",
                    work.resolve(k + ".pem").toString(), "--bundle", work.resolve(k + ".sigstore.json").toString());
            assertThat(signed.code()).as(k + ": " + signed.err()).isZero();
            assertThat(Files.readString(work.resolve(k + ".sigstore.json"))).contains("\"" + algorithms.get(k) + "\"");
            CliRun ok = verifyKeyed(file.toString(), k + ".sigstore.json", k + ".pub");
            CliRun wrong = verifyKeyed(other.toString(), k + ".sigstore.json", k + ".pub");
            assertThat(ok.code()).as(k + ": " + ok.out() + ok.err()).isZero();
            assertThat(wrong.code()).as(k).isEqualTo(12);
        }
        List<String> cosignVerify = List.of("verify-blob", "--key", "ed.pub", "--bundle", "ed.sigstore.json",
                "--new-bundle-format", "--insecure-ignore-tlog", "--trusted-root", PUBLIC_GOOD, file.toString());
        cosign(cosignVerify.toArray(String[]::new)).requireSuccess(cosignVerify);
    }

    /**
     * Message signatures OpenSSL makes over a file's SHA-256/384/512 with P-384, P-521, RSA PKCS#1
     * v1.5 and RSA-PSS keys (cosign 2.5 imports none of those), in a key-based bundle: each
     * verifies against its file and fails against another; a digest the bundle does not sign fails.
     */
    @Test
    void shouldVerifyMessageSignaturesOfEveryKeyTypeAndDigestOpensslMakes() throws Exception {
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "p384.pem");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-out", "p521.pem");
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072", "-out", "rsa.pem");
        Path file = Files.writeString(work.resolve("release.tar"), "the release\n");
        Path other = Files.writeString(work.resolve("other.tar"), "not the release\n");
        record Case(String key, String hash, List<String> options) {
        }
        List<Case> cases = List.of(new Case("p384", "SHA2_384", List.of()), new Case("p521", "SHA2_512", List.of()),
                new Case("p384", "SHA2_256", List.of()), new Case("rsa", "SHA2_256", List.of()),
                new Case("rsa", "SHA2_512", List.of()), new Case("rsa", "SHA2_256", List.of("-sigopt",
                        "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest")),
                new Case("rsa", "SHA2_384", List.of("-sigopt", "rsa_padding_mode:pss", "-sigopt",
                        "rsa_pss_saltlen:digest")));
        int n = 0;
        for (Case c : cases) {
            String name = c.key() + "-" + c.hash() + (c.options().isEmpty() ? "" : "-pss");
            openssl("pkey", "-in", c.key() + ".pem", "-pubout", "-out", c.key() + ".pub");
            String dgst = "-" + c.hash().replace("SHA2_", "sha");
            List<String> sign = new ArrayList<>(List.of("dgst", dgst, "-sign", c.key() + ".pem"));
            sign.addAll(c.options());
            sign.addAll(List.of("-out", name + ".sig", file.toString()));
            openssl(sign.toArray(String[]::new));
            byte[] digest = MessageDigest.getInstance(c.hash().replace("SHA2_", "SHA-"))
                    .digest(Files.readAllBytes(file));
            Files.writeString(work.resolve(name + ".json"), """
                    {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
                     "verificationMaterial": {"publicKey": {"hint": "%s"}},
                     "messageSignature": {"messageDigest": {"algorithm": "%s", "digest": "%s"}, "signature": "%s"}}
                    """.formatted(name, c.hash(), Base64.getEncoder().encodeToString(digest),
                    Base64.getEncoder().encodeToString(Files.readAllBytes(work.resolve(name + ".sig")))));

            CliRun ok = verifyKeyed(file.toString(), name + ".json", c.key() + ".pub");
            CliRun wrong = verifyKeyed(other.toString(), name + ".json", c.key() + ".pub");
            CliRun wrongKey = verifyKeyed(file.toString(), name + ".json", (c.key().equals("rsa") ? "p384" : "rsa")
                    + ".pub");

            assertThat(ok.code()).as(name + ": " + ok.out() + ok.err()).isZero();
            assertThat(wrong.code()).as(name + ": " + wrong.out()).isEqualTo(12);
            assertThat(wrong.out()).as(name).contains("subject");
            if (Files.exists(work.resolve(c.key().equals("rsa") ? "p384.pub" : "rsa.pub"))) {
                assertThat(wrongKey.code()).as(name + ": " + wrongKey.out()).isEqualTo(12);
            }
            n++;
        }
        assertThat(n).isEqualTo(cases.size());
        CliRun sha256Given = verifyKeyed("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(file))), "p384-SHA2_384.json", "p384.pub");
        assertThat(sha256Given.code()).isEqualTo(12);
        assertThat(sha256Given.out()).contains("covers a SHA2_384 digest").contains("rather than its sha256 digest");
    }

    /**
     * Bring-your-own PKI as OpenSSL makes it (root → intermediate → code-signing leaf with Fulcio's
     * username otherName SAN and an email SAN, no OIDC issuer), a detached signature as cosign
     * sign-blob writes it: verified with --certificate-chain, with --ca-roots/--ca-intermediates, and
     * with --ca-roots alone when the bundle ships the intermediate; cosign verify-blob agrees on the
     * same files; an unrelated root, a wrong identity or an issuer the certificate lacks fail.
     */
    @Test
    void shouldVerifyCertificatesOfTheUsersOwnPkiWithChainsAndOtherNameSans() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "root.key",
                "-out", "root.pem", "-days", "3650", "-subj", "/CN=Example Root CA", "-addext",
                "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "other.key", "-out", "other-root.pem", "-days", "3650", "-subj", "/CN=Example Root CA", "-addext",
                "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        Files.writeString(work.resolve("inter.ext"), "basicConstraints=critical,CA:true,pathlen:0\n"
                + "keyUsage=critical,keyCertSign,cRLSign\n");
        Files.writeString(work.resolve("leaf.ext"), "basicConstraints=critical,CA:false\n"
                + "keyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n"
                + "subjectAltName=otherName:" + FulcioCertificate.USERNAME_SAN + ";UTF8:alice,email:alice@example.com\n");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "inter.key",
                "-out", "inter.csr", "-subj", "/CN=Example Intermediate CA");
        openssl("x509", "-req", "-in", "inter.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial", "-out",
                "inter.pem", "-days", "3650", "-extfile", "inter.ext");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key",
                "-out", "leaf.csr", "-subj", "/CN=release signer");
        openssl("x509", "-req", "-in", "leaf.csr", "-CA", "inter.pem", "-CAkey", "inter.key", "-CAcreateserial",
                "-out", "leaf.pem", "-days", "365", "-extfile", "leaf.ext");
        Files.writeString(work.resolve("chain.pem"), Files.readString(work.resolve("inter.pem"))
                + Files.readString(work.resolve("root.pem")));
        Path file = Files.writeString(work.resolve("release.tar"), "the release\n");
        openssl("dgst", "-sha256", "-sign", "leaf.key", "-out", "release.sig.raw", file.toString());
        Files.writeString(work.resolve("release.sig"), Base64.getEncoder().encodeToString(
                Files.readAllBytes(work.resolve("release.sig.raw"))));
        String[] detached = {file.toString(), "--signature", work.resolve("release.sig").toString(), "--certificate",
            work.resolve("leaf.pem").toString(), "--insecure-ignore-tlog", "--insecure-ignore-sct"};

        CliRun chain = CliRun.run(Map.of(), "", concat("verify-blob", detached, "--certificate-chain",
                work.resolve("chain.pem").toString(), "--certificate-identity", "alice"));
        CliRun cas = CliRun.run(Map.of(), "", concat("verify-blob", detached, "--ca-roots",
                work.resolve("root.pem").toString(), "--ca-intermediates", work.resolve("inter.pem").toString(),
                "--certificate-identity", "alice@example.com", "--certificate-oidc-issuer-regexp", ".*"));
        CliRun noIntermediate = CliRun.run(Map.of(), "", concat("verify-blob", detached, "--ca-roots",
                work.resolve("root.pem").toString(), "--certificate-identity", "alice"));
        CliRun otherRoot = CliRun.run(Map.of(), "", concat("verify-blob", detached, "--ca-roots",
                work.resolve("other-root.pem").toString(), "--ca-intermediates", work.resolve("inter.pem").toString(),
                "--certificate-identity", "alice"));
        CliRun wrongIdentity = CliRun.run(Map.of(), "", concat("verify-blob", detached, "--certificate-chain",
                work.resolve("chain.pem").toString(), "--certificate-identity", "bob"));
        CliRun issuerMissing = CliRun.run(Map.of(), "", concat("verify-blob", detached, "--certificate-chain",
                work.resolve("chain.pem").toString(), "--certificate-identity", "alice", "--certificate-oidc-issuer",
                ISSUER));
        CliRun noPki = CliRun.run(Map.of(), "", concat("verify-blob", detached, "--certificate-identity", "alice",
                "--trusted-root", PUBLIC_GOOD));
        List<String> cosignVerify = List.of("verify-blob", "--signature", "release.sig", "--certificate", "leaf.pem",
                "--certificate-chain", "chain.pem", "--certificate-identity", "alice", "--certificate-oidc-issuer-regexp",
                ".*", "--insecure-ignore-tlog", "--insecure-ignore-sct", file.toString());
        cosign(cosignVerify.toArray(String[]::new)).requireSuccess(cosignVerify);

        assertThat(chain.code()).as(chain.out() + chain.err()).isZero();
        assertThat(chain.out()).contains("detached signature").contains("signer alice");
        assertThat(cas.code()).as(cas.out() + cas.err()).isZero();
        assertThat(cas.out()).contains("signer alice@example.com");
        assertThat(noIntermediate.code()).isEqualTo(12);
        assertThat(noIntermediate.out()).contains("does not chain to the CAs given with --ca-roots");
        assertThat(otherRoot.code()).isEqualTo(12);
        assertThat(wrongIdentity.code()).isEqualTo(12);
        assertThat(wrongIdentity.out()).contains("certificate subject [alice, alice@example.com] is not bob");
        assertThat(issuerMissing.code()).isEqualTo(12);
        assertThat(issuerMissing.out()).contains("no OIDC issuer extension");
        assertThat(noPki.code()).isEqualTo(2);
        assertThat(noPki.err()).contains("--certificate-oidc-issuer");

        // A v0.1 bundle shipping the intermediate beside the certificate: --ca-roots alone now suffices.
        Files.writeString(work.resolve("shipped.json"), """
                {"mediaType": "application/vnd.dev.sigstore.bundle+json;version=0.1",
                 "verificationMaterial": {"x509CertificateChain": {"certificates": [{"rawBytes": "%s"}, {"rawBytes": "%s"}]},
                   "tlogEntries": []},
                 "messageSignature": {"messageDigest": {"algorithm": "SHA2_256", "digest": "%s"}, "signature": "%s"}}
                """.formatted(der("leaf.pem"), der("inter.pem"), Base64.getEncoder().encodeToString(MessageDigest
                .getInstance("SHA-256").digest(Files.readAllBytes(file))), Files.readString(work.resolve("release.sig"))));
        CliRun shipped = CliRun.run(Map.of(), "", "verify-blob", file.toString(), "--bundle",
                work.resolve("shipped.json").toString(), "--ca-roots", work.resolve("root.pem").toString(),
                "--certificate-identity", "alice", "--insecure-ignore-tlog", "--insecure-ignore-sct");
        CliRun shippedOtherRoot = CliRun.run(Map.of(), "", "verify-blob", file.toString(), "--bundle",
                work.resolve("shipped.json").toString(), "--ca-roots", work.resolve("other-root.pem").toString(),
                "--certificate-identity", "alice", "--insecure-ignore-tlog", "--insecure-ignore-sct");
        assertThat(shipped.code()).as(shipped.out() + shipped.err()).isZero();
        assertThat(shippedOtherRoot.code()).isEqualTo(12);
    }

    private String der(String pem) throws Exception {
        return Base64.getEncoder().encodeToString(CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(work.resolve(pem))).getEncoded());
    }

    private CliRun verifyKeyed(String artifact, String bundle, String key) {
        return CliRun.run(Map.of(), "", "verify-blob", artifact, "--bundle", work.resolve(bundle).toString(), "--key",
                work.resolve(key).toString(), "--insecure-ignore-tlog");
    }

    private void openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        ProcessRunner.run(cmd, Map.of(), 60, work).requireSuccess(cmd);
    }

    /**
     * A DSSE envelope over the file itself, of a payload type that is not in-toto (attest-blob
     * --payload-type): it verifies against that file and type only.
     */
    @Test
    void shouldVerifyAnEnvelopeWhosePayloadIsTheFileItself() throws Exception {
        Map<String, String> env = Map.of("TRUSTPLANE_PASSWORD", "pw");
        String key = work.resolve("k").toString();
        assertThat(CliRun.run(env, "", "keygen", "--output-key-prefix", key).code()).isZero();
        Path sbom = Files.writeString(work.resolve("sbom.cdx.json"), "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\"}");
        Path other = Files.writeString(work.resolve("other.cdx.json"), "{\"bomFormat\":\"CycloneDX\"}");
        String type = "application/vnd.cyclonedx+json";
        CliRun signed = CliRun.run(env, "", "attest-blob", sbom.toString(), "--payload-type", type, "--key", key + ".key",
                "--bundle", work.resolve("sbom.sigstore.json").toString());
        CliRun both = CliRun.run(env, "", "attest-blob", sbom.toString(), "--payload-type", type, "--type", "cyclonedx",
                "--key", key + ".key", "--bundle", work.resolve("x.json").toString());
        assertThat(signed.code()).as(signed.err()).isZero();
        assertThat(both.code()).isEqualTo(2);

        String[] trust = {"--bundle", work.resolve("sbom.sigstore.json").toString(), "--key", key + ".pub",
            "--insecure-ignore-tlog"};
        CliRun ok = CliRun.run(Map.of(), "", concat("verify-blob-attestation", trust, sbom.toString(), "--type", type));
        CliRun any = CliRun.run(Map.of(), "", concat("verify-blob", trust, sbom.toString()));
        CliRun wrongFile = CliRun.run(Map.of(), "", concat("verify-blob-attestation", trust, other.toString(), "--type",
                type));
        CliRun wrongType = CliRun.run(Map.of(), "", concat("verify-blob-attestation", trust, sbom.toString(), "--type",
                "application/spdx+json"));

        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(any.code()).as(any.out() + any.err()).isZero();
        assertThat(wrongFile.code()).isEqualTo(12);
        assertThat(wrongFile.out()).contains("the envelope's payload is sha256:");
        assertThat(wrongType.code()).isEqualTo(12);
        assertThat(wrongType.out()).contains("1 attestation of other types not checked further: " + type)
                .contains("in the bundle given");
    }

    @Test
    void shouldNameAMissingBundle() throws Exception {
        Path key = Files.writeString(work.resolve("k.pub"), Keys.publicPem(Keys.generate().publicKey()));
        CliRun r = CliRun.run(Map.of(), "", "verify-blob", SUITE.resolve("a.txt").toString(), "--bundle",
                work.resolve("nope.json").toString(), "--key", key.toString());

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).isEqualTo("trustplane: error: Bundle " + work.resolve("nope.json") + " does not exist or is"
                + " not a regular file; give the file cosign sign-blob --bundle or trustplane sign-blob wrote\n");
    }

    @Test
    void shouldSpeakTheConformanceSuitesClientProtocolWithAFileOrADigest() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Map<String, String> env = Map.of("TRUSTPLANE", java + " -cp " + System.getProperty("java.class.path")
                + " dev.trustplane.cli.Main");
        Path client = Path.of("../scripts/sigstore-conformance-client").toAbsolutePath().normalize();
        String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(SUITE.resolve("a.txt"))));
        for (String artifact : List.of(SUITE.resolve("a.txt").toString(), digest)) {
            for (String name : List.of("rekor2-happy-path", "rekor2-no-timestamp_fail")) {
                Path dir = SUITE.resolve(name);
                ProcessRunner.Result r = ProcessRunner.run(List.of("bash", client.toString(), "verify-bundle",
                        "--bundle", dir.resolve("bundle.sigstore.json").toString(), "--certificate-identity", IDENTITY,
                        "--certificate-oidc-issuer", ISSUER, "--trusted-root", dir.resolve("trusted_root.json").toString(),
                        artifact), env, 120, work);
                assertThat(r.exitCode()).as(name + " " + artifact + ": " + r.stdout() + r.stderr())
                        .isEqualTo(name.endsWith("_fail") ? 12 : 0);
            }
        }
        ProcessRunner.Result staging = ProcessRunner.run(List.of("bash", client.toString(), "verify-bundle", "--staging",
                "--bundle", "b.json", "a.txt"), env, 60, work);
        assertThat(staging.exitCode()).isEqualTo(2);
        assertThat(staging.stderr()).contains("staging").contains("--trusted-root");
    }

    private CliRun conformance(String name) {
        Path dir = SUITE.resolve(name);
        return CliRun.run(Map.of(), "", "verify-blob", SUITE.resolve("a.txt").toString(), "--bundle",
                dir.resolve("bundle.sigstore.json").toString(), "--trusted-root", dir.resolve("trusted_root.json")
                        .toString(), "--certificate-identity", IDENTITY, "--certificate-oidc-issuer", ISSUER);
    }

    private static String[] concat(String first, String[] middle, String... last) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(middle));
        all.addAll(List.of(last));
        return all.toArray(String[]::new);
    }
}
