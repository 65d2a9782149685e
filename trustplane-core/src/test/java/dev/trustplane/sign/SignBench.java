package dev.trustplane.sign;

import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sigstore.Bundle;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.sigstore.TrustedRoot;
import dev.trustplane.verify.Candidate;
import dev.trustplane.verify.CertificateIdentity;
import dev.trustplane.verify.Evidence;
import dev.trustplane.verify.EvidenceChecks;
import dev.trustplane.verify.Trust;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.verify.Verifier;
import dev.trustplane.verify.VerifierLimits;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH benchmarks of bench/sign: verifying one image's key-based signature with its blobs cached,
 * checking a keyless bundle (certificate chain, SCT, SET, inclusion proof, checkpoint, identity),
 * and signing + pushing to a real local registry (-Dbench.registry=HOST:PORT). Sample time: the
 * report's p0.50 is the median.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SignBench {
    private Verifier keyVerifier;
    private Digest keyImage;
    private EvidenceChecks keylessChecks;
    private Candidate keylessBundle;
    private Signer registrySigner;
    private long counter;

    @Setup
    public void setUp() throws Exception {
        SigningKey key = Keys.generate();
        MemoryEvidenceStore memory = new MemoryEvidenceStore();
        keyImage = Digest.sha256("bench image".getBytes(StandardCharsets.UTF_8));
        new Signer(memory, key, Clock.systemUTC()).sign(Descriptor.of(MediaTypes.OCI_MANIFEST, keyImage, 500),
                Map.of(), Set.of(Signer.Format.TAG));
        keyVerifier = new Verifier(memory, Trust.keys(List.of(key.publicKey()), true), VerifierLimits.DEFAULT);

        Path fixture = Path.of(System.getProperty("bench.fixture", "src/test/resources/sign/keyless"));
        EvidenceStore layout = EvidenceStore.open(Location.parse("oci:" + fixture.resolve("layout") + ":app"), null);
        Digest image = OciLayout.open(fixture.resolve("layout")).resolveTag("app").orElseThrow().digest();
        Descriptor referrer = layout.referrers(image).stream()
                .filter(d -> Bundle.MEDIA_TYPE_V03.equals(d.artifactType())).findFirst().orElseThrow();
        Descriptor layer = ((ImageManifest) layout.manifest(referrer).parse()).layers().get(0);
        keylessBundle = new Candidate(Evidence.Kind.SIGNATURE, Evidence.Format.BUNDLE_REFERRER, "bench", null,
                new Candidate.BundleBytes(layout.blob(layer, 1 << 20)));
        TrustedRoot root = TrustedRoot.parse(Files.readAllBytes(fixture.resolve("trusted_root.json")), "root");
        keylessChecks = new EvidenceChecks(Trust.keyless(List.of(new CertificateIdentity("ci@example.com", null,
                "https://fake.oidcissuer.com", null, Map.of())), root, false, false), image, null);
        if (!keylessChecks.check(keylessBundle).verified() || !keyVerifier.signatures("b", keyImage).anyVerified()) {
            throw new IllegalStateException("the benchmark's evidence does not verify");
        }

        String host = System.getProperty("bench.registry");
        if (host != null) {
            RegistryClient client = RegistryClient.builder().build();
            ImageReference repo = ImageReference.parse(host + "/bench/signed:v1");
            byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
            Descriptor configDescriptor = Descriptor.of(MediaTypes.OCI_CONFIG, config);
            client.pushBlob(repo, configDescriptor, () -> new ByteArrayInputStream(config));
            client.putManifest(repo, new ImageManifest(MediaTypes.OCI_MANIFEST, null, configDescriptor, List.of(),
                    null, null, null).toRaw());
            registrySigner = new Signer(EvidenceStore.open(new Location.Registry(repo), client), key,
                    Clock.systemUTC());
        }
    }

    @Benchmark
    public VerificationReport verifyKeyBasedSignatureCached() {
        return keyVerifier.signatures("bench", keyImage);
    }

    @Benchmark
    public Evidence verifyKeylessBundle() {
        return keylessChecks.check(keylessBundle);
    }

    /** Both formats: the .sig tag and the bundle referrer (through the fallback index here). */
    @Benchmark
    public List<Signer.Stored> signAndPushToRegistry() {
        return signAndPush(Signer.Format.ALL);
    }

    /** The .sig tag only: what `cosign sign --key` writes. */
    @Benchmark
    public List<Signer.Stored> signAndPushTagOnly() {
        return signAndPush(Set.of(Signer.Format.TAG));
    }

    private List<Signer.Stored> signAndPush(Set<Signer.Format> formats) {
        if (registrySigner == null) {
            throw new IllegalStateException("set -Dbench.registry=HOST:PORT (bench/sign starts one)");
        }
        // a fresh subject each time: re-signing one digest would grow its .sig manifest up to the layer limit
        Digest subject = Digest.sha256(("bench " + counter++).getBytes(StandardCharsets.UTF_8));
        return registrySigner.sign(Descriptor.of(MediaTypes.OCI_MANIFEST, subject, 500), Map.of(), formats);
    }
}
