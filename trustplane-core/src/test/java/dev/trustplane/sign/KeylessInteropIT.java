package dev.trustplane.sign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.TestImages;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.ImageCopier;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sigstore.Bundle;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.PredicateTypes;
import dev.trustplane.sigstore.TrustedRoot;
import dev.trustplane.testkit.Peers;
import dev.trustplane.testkit.ProcessRunner;
import dev.trustplane.testkit.RegistryPeer;
import dev.trustplane.testkit.SigstorePeer;
import dev.trustplane.verify.BlobVerifier;
import dev.trustplane.verify.Candidate;
import dev.trustplane.verify.CertificateIdentity;
import dev.trustplane.verify.Check;
import dev.trustplane.verify.Evidence;
import dev.trustplane.verify.EvidenceChecks;
import dev.trustplane.verify.Trust;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.verify.Verifier;
import dev.trustplane.verify.VerifierLimits;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyless end to end against a local Fulcio and Rekor (npm @sigstore/mock): Trustplane signs and
 * cosign and sigstore-go verify; cosign signs and Trustplane verifies; wrong identities, wrong
 * issuers, foreign roots, expired certificates, bad SETs and bad inclusion proofs are rejected.
 */
class KeylessInteropIT {
    static final String WHO = "ci@example.com";
    static final String PROVENANCE = "{\"buildDefinition\":{\"buildType\":\"https://example.com/t\"},"
            + "\"runDetails\":{\"builder\":{\"id\":\"https://example.com/keyless\"}}}";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static RegistryPeer registry;
    static SigstorePeer sigstore;
    static SigstorePeer other;
    static RegistryClient client;
    static TrustedRoot root;
    static int images;

    @BeforeAll
    static void start() {
        registry = RegistryPeer.start(work.resolve("registry"));
        sigstore = SigstorePeer.start(work.resolve("sigstore"));
        other = SigstorePeer.start(work.resolve("other"));
        client = RegistryClient.builder().build();
        root = TrustedRoot.parse(read(sigstore.trustedRoot()), "trusted_root.json");
    }

    @AfterAll
    static void stop() {
        other.close();
        sigstore.close();
        registry.close();
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static ImageReference pushImage() {
        int n = ++images;
        Path dir = work.resolve("img" + n);
        RawManifest image = TestImages.write(OciLayout.openOrCreate(dir), "v1", 1, 300, 500 + n);
        String ref = registry.host() + "/keyless/app" + n + ":v1";
        new ImageCopier(client, EventListener.NONE, 2).copy(Location.parse("oci:" + dir + ":v1"), Location.parse(ref));
        return ImageReference.parse(ref).pinned(image.digest());
    }

    static EvidenceStore store(ImageReference ref) {
        return EvidenceStore.open(new Location.Registry(ref), client);
    }

    static KeylessSigning keyless(SigstorePeer peer) {
        return KeylessSigning.obtain(new KeylessSigning.Endpoints(URI.create(peer.url()), URI.create(peer.url())),
                SigstorePeer.identityToken(WHO));
    }

    static Trust trust(String subject, String issuer, TrustedRoot trustedRoot) {
        return Trust.keyless(List.of(new CertificateIdentity(subject, null, issuer, null, Map.of())), trustedRoot,
                false, false);
    }

    static ProcessRunner.Result cosign(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Peers.require("cosign").toString());
        cmd.addAll(args);
        Map<String, String> env = new HashMap<>(sigstore.cosignEnv());
        env.put("HOME", work.toString());
        env.put("TUF_ROOT", work.resolve("tuf").toString());
        return ProcessRunner.run(cmd, env, 180, work);
    }

    static Descriptor head(ImageReference ref) {
        return client.head(ref).orElseThrow();
    }

    /** Issue 21: sign-blob / attest-blob keylessly; Trustplane, cosign and sigstore-go verify the bundles. */
    @Test
    void shouldSignFilesKeylesslyIntoBundlesEveryVerifierAccepts() throws Exception {
        Path file = Files.writeString(work.resolve("release-keyless.tar"), "a release\n");
        BlobSigner signer = new BlobSigner(null, keyless(sigstore), null);
        Path signed = Files.write(work.resolve("release.sigstore.json"), signer.sign(file));
        Path attested = Files.write(work.resolve("release.att.sigstore.json"), signer.attest(file,
                PredicateTypes.SLSA_V1, "{\"buildType\":\"https://example.org/b\"}".getBytes(StandardCharsets.UTF_8)));

        assertThat(BlobVerifier.verify(file, signed, trust(WHO, SigstorePeer.ISSUER, root), null).anyVerified())
                .isTrue();
        assertThat(BlobVerifier.verify(file, attested, trust(WHO, SigstorePeer.ISSUER, root), PredicateTypes.SLSA_V1)
                .anyVerified()).isTrue();
        assertThat(BlobVerifier.verify(file, signed, trust("mallory@example.com", SigstorePeer.ISSUER, root), null)
                .anyVerified()).isFalse();
        ProcessRunner.Result byCosign = cosign(List.of("verify-blob", "--bundle", signed.toString(),
                "--new-bundle-format", "--trusted-root", sigstore.trustedRoot().toString(), "--certificate-identity",
                WHO, "--certificate-oidc-issuer", SigstorePeer.ISSUER, file.toString()));
        assertThat(byCosign.exitCode()).as(byCosign.stdout() + byCosign.stderr()).isZero();
        ProcessRunner.Result byGo = ProcessRunner.run(List.of(Peers.require("sigstore-go-verification").toString(),
                "-trustedrootJSONpath", sigstore.trustedRoot().toString(), "-expectedSAN", WHO, "-expectedIssuer",
                SigstorePeer.ISSUER, "-artifact", file.toString(), signed.toString()), Map.of(), 60);
        assertThat(byGo.exitCode()).as(byGo.stdout() + byGo.stderr()).isZero();
    }

    @Test
    void shouldBeVerifiedByCosignAndSigstoreGoWhenTrustplaneSignsKeylessly() throws Exception {
        ImageReference ref = pushImage();
        Signer signer = new Signer(store(ref), keyless(sigstore), Clock.systemUTC());
        List<Signer.Stored> stored = new ArrayList<>(signer.sign(head(ref), Map.of(), Signer.Format.ALL));
        stored.addAll(signer.attest(head(ref), PredicateTypes.SLSA_V1, PROVENANCE.getBytes(StandardCharsets.UTF_8),
                Signer.Format.ALL));
        String r = ref.toString();
        List<String> identity = List.of("--certificate-identity", WHO, "--certificate-oidc-issuer",
                SigstorePeer.ISSUER, "--allow-insecure-registry");

        ProcessRunner.Result verify = cosign(concat(List.of("verify"), identity, List.of(r)));
        ProcessRunner.Result attestation = cosign(concat(List.of("verify-attestation", "--type", "slsaprovenance1"),
                identity, List.of(r)));
        ProcessRunner.Result bundle = cosign(concat(List.of("verify-attestation", "--new-bundle-format",
                "--trusted-root", sigstore.trustedRoot().toString(), "--type", "slsaprovenance1"), identity,
                List.of(r)));
        ProcessRunner.Result wrongIdentity = cosign(List.of("verify", "--certificate-identity", "mallory@example.com",
                "--certificate-oidc-issuer", SigstorePeer.ISSUER, "--allow-insecure-registry", r));
        ProcessRunner.Result wrongIssuer = cosign(List.of("verify", "--certificate-identity", WHO,
                "--certificate-oidc-issuer", "https://evil.example", "--allow-insecure-registry", r));

        assertThat(verify.exitCode()).as(verify.stderr()).isZero();
        assertThat(attestation.exitCode()).as(attestation.stderr()).isZero();
        assertThat(bundle.exitCode()).as(bundle.stderr()).isZero();
        assertThat(wrongIdentity.exitCode()).isNotZero();
        assertThat(wrongIssuer.exitCode()).isNotZero();

        Path bundleFile = work.resolve("bundle-" + ref.digest().hex() + ".json");
        Files.write(bundleFile, bundleBytes(ref, stored.stream().filter(s -> s.format() == Signer.Format.BUNDLE)
                .toList().get(1)));
        String sigstoreGo = Peers.require("sigstore-go-verification").toString();
        ProcessRunner.Result go = ProcessRunner.run(List.of(sigstoreGo, "-trustedrootJSONpath",
                sigstore.trustedRoot().toString(), "-expectedSAN", WHO, "-expectedIssuer", SigstorePeer.ISSUER,
                "-artifact-digest", ref.digest().hex(), bundleFile.toString()), Map.of(), 60);
        ProcessRunner.Result goWrong = ProcessRunner.run(List.of(sigstoreGo, "-trustedrootJSONpath",
                sigstore.trustedRoot().toString(), "-expectedSAN", "mallory@example.com", "-expectedIssuer",
                SigstorePeer.ISSUER, "-artifact-digest", ref.digest().hex(), bundleFile.toString()), Map.of(), 60);
        assertThat(go.exitCode()).as(go.stdout() + go.stderr()).isZero();
        assertThat(go.stdout()).contains("\"verifiedIdentity\"").contains(SigstorePeer.ISSUER);
        assertThat(goWrong.exitCode()).isNotZero();

        Verifier ours = new Verifier(store(ref), trust(WHO, SigstorePeer.ISSUER, root), VerifierLimits.DEFAULT);
        assertThat(ours.signatures(r, ref.digest()).evidence()).hasSize(2).allMatch(Evidence::verified);
        assertThat(ours.attestations(r, ref.digest(), "slsaprovenance1").evidence()).hasSize(2)
                .allMatch(Evidence::verified);
    }

    @Test
    void shouldVerifyWhatCosignSignsKeylesslyAndRejectOtherIdentities() throws Exception {
        ImageReference ref = pushImage();
        Path predicate = Files.writeString(work.resolve("p.json"), PROVENANCE);
        String r = ref.toString();
        List<String> keyless = List.of("--yes", "--fulcio-url", sigstore.url(), "--rekor-url", sigstore.url(),
                "--identity-token", SigstorePeer.identityToken(WHO), "--allow-insecure-registry");
        for (List<String> c : List.of(concat(List.of("sign"), keyless, List.of(r)),
                concat(List.of("attest", "--type", "slsaprovenance1", "--predicate", predicate.toString()), keyless,
                        List.of(r)),
                concat(List.of("attest", "--new-bundle-format", "--type", "slsaprovenance1", "--predicate",
                        predicate.toString()), keyless, List.of(r)))) {
            cosign(c).requireSuccess(c);
        }

        VerificationReport signatures = new Verifier(store(ref), trust(WHO, SigstorePeer.ISSUER, root),
                VerifierLimits.DEFAULT).signatures(r, ref.digest());
        VerificationReport attestations = new Verifier(store(ref), trust(WHO, SigstorePeer.ISSUER, root),
                VerifierLimits.DEFAULT).attestations(r, ref.digest(), "slsaprovenance1");
        VerificationReport regex = new Verifier(store(ref), Trust.keyless(List.of(new CertificateIdentity(null,
                Pattern.compile("^ci@example\\.(com|org)$"), null, Pattern.compile("fake\\.oidcissuer"), Map.of())),
                root, false, false), VerifierLimits.DEFAULT).signatures(r, ref.digest());
        VerificationReport wrongIdentity = new Verifier(store(ref), trust("mallory@example.com", SigstorePeer.ISSUER,
                root), VerifierLimits.DEFAULT).signatures(r, ref.digest());
        VerificationReport wrongIssuer = new Verifier(store(ref), trust(WHO, "https://evil.example", root),
                VerifierLimits.DEFAULT).attestations(r, ref.digest(), null);

        assertThat(signatures.evidence()).singleElement().satisfies(e -> {
            assertThat(e.verified()).as(e.checks().toString()).isTrue();
            assertThat(e.signer()).isEqualTo(WHO);
            assertThat(e.checks()).extracting(Check::stage).containsSubsequence("signature", "tlog", "certificate",
                    "sct", "identity", "subject");
        });
        assertThat(attestations.evidence()).hasSize(2).allMatch(Evidence::verified).extracting(Evidence::format)
                .containsExactlyInAnyOrder(Evidence.Format.COSIGN_TAG, Evidence.Format.BUNDLE_REFERRER);
        assertThat(regex.anyVerified()).isTrue();
        assertThat(wrongIdentity.evidence()).singleElement().satisfies(e -> assertThat(e.failure().orElseThrow()
                .detail()).contains("mallory@example.com"));
        assertThat(wrongIssuer.evidence()).hasSize(2).allSatisfy(e -> assertThat(e.failure().orElseThrow().stage())
                .isEqualTo("identity"));
    }

    @Test
    void shouldRejectForeignRootsExpiredCertificatesAndTamperedLogProofs() throws Exception {
        ImageReference ref = pushImage();
        String r = ref.toString();
        new Signer(store(ref), keyless(sigstore), Clock.systemUTC()).sign(head(ref), Map.of(), Signer.Format.ALL);
        TrustedRoot foreign = TrustedRoot.parse(read(other.trustedRoot()), "other");
        TrustedRoot foreignCa = new TrustedRoot(foreign.authorities(), root.tlogs(), root.ctlogs());
        TrustedRoot foreignCt = new TrustedRoot(root.authorities(), root.tlogs(), foreign.ctlogs());

        VerificationReport byForeign = verify(ref, trust(WHO, SigstorePeer.ISSUER, foreign));
        VerificationReport byForeignCa = verify(ref, trust(WHO, SigstorePeer.ISSUER, foreignCa));
        VerificationReport byForeignCt = verify(ref, trust(WHO, SigstorePeer.ISSUER, foreignCt));
        assertThat(byForeign.evidence()).hasSize(2).allSatisfy(e -> assertThat(e.failure().orElseThrow().detail())
                .contains("not in the trusted root"));
        assertThat(byForeignCa.evidence()).allSatisfy(e -> assertThat(e.failure().orElseThrow().stage())
                .isEqualTo("certificate"));
        assertThat(byForeignCt.evidence()).allSatisfy(e -> assertThat(e.failure().orElseThrow().stage())
                .isEqualTo("sct"));

        // a bundle whose SET, inclusion proof or checkpoint was altered
        ObjectNode bundle = (ObjectNode) JSON.readTree(bundleBytes(ref, null));
        EvidenceChecks checks = new EvidenceChecks(trust(WHO, SigstorePeer.ISSUER, root), ref.digest(), null);
        assertThat(checks.check(candidate(bundle)).verified()).isTrue();
        ObjectNode entry = (ObjectNode) bundle.path("verificationMaterial").path("tlogEntries").get(0);
        ObjectNode badSet = bundle.deepCopy();
        ((ObjectNode) badSet.path("verificationMaterial").path("tlogEntries").get(0).path("inclusionPromise"))
                .put("signedEntryTimestamp", flip(entry.path("inclusionPromise").path("signedEntryTimestamp").asText()));
        ObjectNode badRoot = bundle.deepCopy();
        ((ObjectNode) badRoot.path("verificationMaterial").path("tlogEntries").get(0).path("inclusionProof"))
                .put("rootHash", Base64.getEncoder().encodeToString(new byte[32]));
        ObjectNode badBody = bundle.deepCopy();
        ((ObjectNode) badBody.path("verificationMaterial").path("tlogEntries").get(0)).put("canonicalizedBody",
                Base64.getEncoder().encodeToString("{\"kind\":\"hashedrekord\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(failure(checks, badSet)).isEqualTo("tlog: the signed entry timestamp (SET) does not verify with the"
                + " log's key");
        assertThat(failure(checks, badRoot)).startsWith("tlog: the inclusion proof does not lead");
        assertThat(failure(checks, badBody)).startsWith("tlog: the signed entry timestamp");

        // a Rekor whose clock is an hour ahead: the 10-minute certificate was not valid at the logged time
        try (SigstorePeer late = SigstorePeer.start(work.resolve("late"), 3600)) {
            ImageReference lateRef = pushImage();
            new Signer(store(lateRef), keyless(late), Clock.systemUTC()).sign(head(lateRef), Map.of(),
                    Set.of(Signer.Format.TAG));
            TrustedRoot lateRoot = TrustedRoot.parse(read(late.trustedRoot()), "late");
            VerificationReport expired = verify(lateRef, trust(WHO, SigstorePeer.ISSUER, lateRoot));
            assertThat(expired.evidence()).singleElement().satisfies(e -> {
                assertThat(e.failure().orElseThrow().stage()).isEqualTo("certificate");
                assertThat(e.failure().orElseThrow().detail()).contains("not valid at the signing time");
            });
        }
        assertThat(r).isNotEmpty();
    }

    @Test
    void shouldUseRfc3161TimestampsForTheSigningTimeAndRejectForgedOnes() throws Exception {
        ImageReference ref = pushImage();
        Signer signer = new Signer(store(ref), keyless(sigstore), Clock.systemUTC()).timestamped(
                URI.create(sigstore.url()));
        signer.sign(head(ref), Map.of(), Signer.Format.ALL);
        Trust withoutLog = Trust.keyless(List.of(new CertificateIdentity(WHO, null, SigstorePeer.ISSUER, null,
                Map.of())), root, true, false);

        VerificationReport logged = verify(ref, trust(WHO, SigstorePeer.ISSUER, root));
        VerificationReport stampedOnly = verify(ref, withoutLog);
        TrustedRoot foreignTsa = new TrustedRoot(root.authorities(), root.tlogs(), root.ctlogs(),
                TrustedRoot.parse(read(other.trustedRoot()), "other").tsas());
        VerificationReport byForeignTsa = verify(ref, trust(WHO, SigstorePeer.ISSUER, foreignTsa));

        assertThat(logged.evidence()).hasSize(2).allSatisfy(e -> {
            assertThat(e.verified()).as(e.checks().toString()).isTrue();
            assertThat(e.checks()).extracting(Check::stage).contains("tlog", "timestamp", "certificate");
        });
        assertThat(stampedOnly.evidence()).hasSize(2).allMatch(Evidence::verified);
        assertThat(byForeignTsa.evidence()).allSatisfy(e -> assertThat(e.failure().orElseThrow().stage())
                .isEqualTo("timestamp"));
        // cosign's --timestamp-certificate-chain (Kyverno's tsaCertChain) may hold only the CA: the token's own
        // certificate is then the signer, accepted only when it chains to that CA
        TrustedRoot.Authority tsa = root.tsas().get(0);
        TrustedRoot.Authority caOnly = new TrustedRoot.Authority("ca-only", tsa.chain().subList(1, tsa.chain().size()),
                tsa.start(), tsa.end());
        TrustedRoot.Authority otherCa = TrustedRoot.parse(read(other.trustedRoot()), "other").tsas().get(0);
        TrustedRoot.Authority foreignCaOnly = new TrustedRoot.Authority("foreign-ca-only",
                otherCa.chain().subList(1, otherCa.chain().size()), otherCa.start(), otherCa.end());
        Trust byCaOnly = Trust.keyless(List.of(new CertificateIdentity(WHO, null, SigstorePeer.ISSUER, null, Map.of())),
                new TrustedRoot(root.authorities(), root.tlogs(), root.ctlogs(), List.of(caOnly)), true, false);
        Trust byForeignCaOnly = Trust.keyless(List.of(new CertificateIdentity(WHO, null, SigstorePeer.ISSUER, null,
                Map.of())), new TrustedRoot(root.authorities(), root.tlogs(), root.ctlogs(), List.of(foreignCaOnly)),
                true, false);
        assertThat(tsa.chain()).hasSizeGreaterThan(1);
        assertThat(verify(ref, byCaOnly).evidence()).hasSize(2).allMatch(Evidence::verified);
        assertThat(verify(ref, byForeignCaOnly).evidence()).allSatisfy(e -> assertThat(e.failure().orElseThrow().stage())
                .isEqualTo("timestamp"));

        ObjectNode bundle = (ObjectNode) JSON.readTree(bundleBytes(ref, null));
        ObjectNode stamp = (ObjectNode) bundle.path("verificationMaterial").path("timestampVerificationData")
                .path("rfc3161Timestamps").get(0);
        byte[] token = Base64.getDecoder().decode(stamp.path("signedTimestamp").asText());
        token[token.length - 3] ^= 1; // inside the TSA's signature value, the last field of the token
        stamp.put("signedTimestamp", Base64.getEncoder().encodeToString(token));
        EvidenceChecks checks = new EvidenceChecks(withoutLog, ref.digest(), null);
        assertThat(failure(checks, bundle)).startsWith("timestamp: ");

        Path bundleFile = work.resolve("stamped-" + ref.digest().hex() + ".json");
        Files.write(bundleFile, bundleBytes(ref, null));
        ProcessRunner.Result go = ProcessRunner.run(List.of(Peers.require("sigstore-go-verification").toString(),
                "-trustedrootJSONpath", sigstore.trustedRoot().toString(), "-expectedSAN", WHO, "-expectedIssuer",
                SigstorePeer.ISSUER, "-artifact-digest", ref.digest().hex(), bundleFile.toString()), Map.of(), 60);
        assertThat(go.exitCode()).as(go.stdout() + go.stderr()).isZero();
        assertThat(go.stdout()).contains("\"type\": \"TimestampAuthority\"");
    }

    private static VerificationReport verify(ImageReference ref, Trust trust) {
        return new Verifier(store(ref), trust, VerifierLimits.DEFAULT).signatures(ref.toString(), ref.digest());
    }

    private static Candidate candidate(ObjectNode bundle) throws Exception {
        return new Candidate(Evidence.Kind.SIGNATURE, Evidence.Format.BUNDLE_REFERRER, "test", null,
                new Candidate.BundleBytes(JSON.writeValueAsBytes(bundle)));
    }

    private static String failure(EvidenceChecks checks, ObjectNode bundle) throws Exception {
        Check c = checks.check(candidate(bundle)).failure().orElseThrow();
        return c.stage() + ": " + c.detail();
    }

    private static String flip(String b64) {
        byte[] b = Base64.getDecoder().decode(b64);
        b[b.length / 2] ^= 1;
        return Base64.getEncoder().encodeToString(b);
    }

    /** The bundle of a stored referrer (or of the first bundle referrer of the image). */
    private static byte[] bundleBytes(ImageReference ref, Signer.Stored stored) {
        EvidenceStore store = store(ref);
        Descriptor referrer = stored != null ? Descriptor.of(MediaTypes.OCI_MANIFEST,
                stored.manifest(), 0) : store.referrers(ref.digest()).stream()
                .filter(d -> Bundle.MEDIA_TYPE_V03.equals(d.artifactType())).findFirst().orElseThrow();
        RawManifest raw = client.manifest(ref.pinned(referrer.digest())).orElseThrow();
        Descriptor layer = ((ImageManifest) raw.parse()).layers().get(0);
        return store.blob(layer, 1 << 20);
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        return all;
    }
}
