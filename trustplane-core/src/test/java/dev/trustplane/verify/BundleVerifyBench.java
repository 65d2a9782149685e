package dev.trustplane.verify;

import dev.sigstore.KeylessVerifier;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.strings.StringMatcher;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Digest;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.TrustedRoot;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * In-process verification of Sigstore bundles from the sigstore-conformance suite, each from its
 * JSON bytes: a key-based bundle with a Rekor entry (inclusion proof, checkpoint and SET checked;
 * {@code managed-key-happy-path}) and a keyless one ({@code happy-path-v0.3}: certificate chain,
 * SCT, inclusion proof, checkpoint, identity) — Trustplane's verifier beside sigstore-java 2.0's
 * {@code KeylessVerifier} on the same keyless bundle and root (it has no key-based verifier), and a
 * floor: the JDK verifying the key-based bundle's one ECDSA signature over its digest, nothing else.
 * Average time per verification.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BundleVerifyBench {
    static final Path SUITE = Path.of("src/test/resources/sigstore/conformance/bundle-verify");
    static final Path PUBLIC_GOOD = Path.of("src/main/resources/dev/trustplane/sigstore/public-good-trusted_root.json");

    private EvidenceChecks keyChecks;
    private byte[] keyBundle;
    private EvidenceChecks keylessChecks;
    private byte[] keylessBundle;
    private String keylessJson;
    private byte[] artifactDigest;
    private KeylessVerifier sigstoreJava;
    private VerificationOptions sigstoreJavaOptions;
    private PublicKey key;
    private byte[] keyDigest;
    private byte[] keySignature;

    @Setup
    public void setUp() throws Exception {
        byte[] artifact = Files.readAllBytes(SUITE.resolve("a.txt"));
        Digest digest = Digest.sha256(artifact);
        artifactDigest = HexFormat.of().parseHex(digest.hex());
        TrustedRoot root = TrustedRoot.parse(Files.readAllBytes(PUBLIC_GOOD), "public-good");

        key = Keys.readPublic(Files.readAllBytes(SUITE.resolve("managed-key-happy-path/key.pub")), "key.pub");
        keyBundle = Files.readAllBytes(SUITE.resolve("managed-key-happy-path/bundle.sigstore.json"));
        keyChecks = new EvidenceChecks(new Trust(List.of(key), List.of(), root, false, false), digest, null);
        var message = Json.mapper().readTree(keyBundle).path("messageSignature");
        keyDigest = Base64.getDecoder().decode(message.path("messageDigest").path("digest").asText());
        keySignature = Base64.getDecoder().decode(message.path("signature").asText());

        keylessBundle = Files.readAllBytes(SUITE.resolve("happy-path-v0.3/bundle.sigstore.json"));
        keylessJson = new String(keylessBundle, StandardCharsets.UTF_8);
        keylessChecks = new EvidenceChecks(Trust.keyless(List.of(new CertificateIdentity(SigstoreConformanceTest.IDENTITY,
                null, SigstoreConformanceTest.ISSUER, null, Map.of())), root, false, false), digest, null);

        sigstoreJava = KeylessVerifier.builder().trustedRootProvider(TrustedRootProvider.from(PUBLIC_GOOD)).build();
        sigstoreJavaOptions = VerificationOptions.builder().addCertificateMatchers(VerificationOptions
                .CertificateMatcher.fulcio().subjectAlternativeName(StringMatcher.string(SigstoreConformanceTest.IDENTITY))
                .issuer(StringMatcher.string(SigstoreConformanceTest.ISSUER)).build()).build();

        if (!trustplaneKeyBased().verified() || !trustplaneKeyless().verified() || !jdkEcdsaFloor()) {
            throw new IllegalStateException("the benchmark's bundles do not verify with Trustplane");
        }
        sigstoreJavaKeyless();
    }

    private Candidate candidate(byte[] bundle) {
        return new Candidate(Evidence.Kind.SIGNATURE, Evidence.Format.BUNDLE_FILE, "bench", null,
                new Candidate.BundleBytes(bundle));
    }

    /** A key-based message-signature bundle with its Rekor entry, from JSON to verdict. */
    @Benchmark
    public Evidence trustplaneKeyBased() {
        return keyChecks.check(candidate(keyBundle));
    }

    /** A keyless bundle with an inclusion proof, from JSON to verdict. */
    @Benchmark
    public Evidence trustplaneKeyless() {
        return keylessChecks.check(candidate(keylessBundle));
    }

    /** sigstore-java on the same keyless bundle, from JSON to verdict. */
    @Benchmark
    public Bundle sigstoreJavaKeyless() throws Exception {
        Bundle bundle = Bundle.from(new StringReader(keylessJson));
        sigstoreJava.verify(artifactDigest, bundle, sigstoreJavaOptions);
        return bundle;
    }

    /** The floor for the key-based case: one ECDSA verification over the digest, by the JDK. */
    @Benchmark
    public boolean jdkEcdsaFloor() throws Exception {
        Signature s = Signature.getInstance("NONEwithECDSA");
        s.initVerify(key);
        s.update(keyDigest);
        return s.verify(keySignature);
    }
}
