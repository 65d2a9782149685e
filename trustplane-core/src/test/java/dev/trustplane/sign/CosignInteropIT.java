package dev.trustplane.sign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.event.EventListener;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.TestImages;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.ImageCopier;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sigstore.CosignTags;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.PredicateTypes;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.testkit.Peers;
import dev.trustplane.testkit.ProcessRunner;
import dev.trustplane.testkit.RegistryPeer;
import dev.trustplane.verify.Evidence;
import dev.trustplane.verify.Trust;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.verify.Verifier;
import dev.trustplane.verify.VerifierLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with cosign 2.5 against the real registry: cosign verifies what Trustplane signs and
 * attests (tag scheme and bundle referrers), Trustplane verifies what cosign signs and attests
 * (tag scheme, OCI 1.1 referrers, new bundle format), and a wrong key is refused by both.
 */
class CosignInteropIT {
    static final String PROVENANCE = "{\"buildDefinition\":{\"buildType\":\"https://example.com/t\","
            + "\"externalParameters\":{}},\"runDetails\":{\"builder\":{\"id\":\"https://example.com/b\"}}}";

    @TempDir
    static Path work;
    static RegistryPeer registry;
    static RegistryClient client;
    static SigningKey ours;
    static Path ourKey;
    static Path ourPub;
    static Path cosignKey;
    static Path cosignPub;
    static Path emptyRoot;
    static int images;

    @BeforeAll
    static void start() throws Exception {
        registry = RegistryPeer.start(work);
        client = RegistryClient.builder().build();
        ours = Keys.generate();
        ourKey = Files.writeString(work.resolve("tp.key"), Keys.encrypt(ours, "tp-pass".toCharArray()));
        ourPub = Files.writeString(work.resolve("tp.pub"), Keys.publicPem(ours.publicKey()));
        cosign(List.of("generate-key-pair"), Map.of()).requireSuccess(List.of("cosign generate-key-pair"));
        cosignKey = work.resolve("cosign.key");
        cosignPub = work.resolve("cosign.pub");
        emptyRoot = Files.writeString(work.resolve("trusted_root.json"),
                "{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\"}");
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static ProcessRunner.Result cosign(List<String> args, Map<String, String> extraEnv) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Peers.require("cosign").toString());
        cmd.addAll(args);
        Map<String, String> env = new HashMap<>(Map.of("COSIGN_PASSWORD", "cosign-pass", "HOME",
                work.toString(), "TUF_ROOT", work.resolve("tuf").toString()));
        env.putAll(extraEnv);
        return ProcessRunner.run(cmd, env, 180, work);
    }

    /** A fresh image in the registry, by digest. */
    static ImageReference pushImage() {
        int n = ++images;
        Path dir = work.resolve("img" + n);
        RawManifest image = TestImages.write(OciLayout.openOrCreate(dir), "v1", 1, 300, 100 + n);
        String ref = registry.host() + "/interop/cosign" + n + ":v1";
        new ImageCopier(client, EventListener.NONE, 2).copy(Location.parse("oci:" + dir + ":v1"), Location.parse(ref));
        return ImageReference.parse(ref).pinned(image.digest());
    }

    static EvidenceStore store(ImageReference ref) {
        return EvidenceStore.open(new Location.Registry(ref), client);
    }

    static Verifier verifier(ImageReference ref, Path pub) {
        PublicKey key = Keys.readPublic(read(pub), pub.toString());
        return new Verifier(store(ref), Trust.keys(List.of(key), true), VerifierLimits.DEFAULT);
    }

    /** {@code store}, noting the digest of every blob read from it. */
    static EvidenceStore counting(EvidenceStore store, List<Digest> blobsRead) {
        return new EvidenceStore() {
            @Override
            public String name() {
                return store.name();
            }

            @Override
            public Optional<RawManifest> tagged(String tag) {
                return store.tagged(tag);
            }

            @Override
            public void putBlobs(List<byte[]> blobs) {
                store.putBlobs(blobs);
            }

            @Override
            public void putTagged(String tag, RawManifest manifest) {
                store.putTagged(tag, manifest);
            }

            @Override
            public void putReferrer(RawManifest manifest) {
                store.putReferrer(manifest);
            }

            @Override
            public <T> T exclusive(String tag, Supplier<T> action) {
                return store.exclusive(tag, action);
            }

            @Override
            public List<Descriptor> referrers(Digest subject) {
                return store.referrers(subject);
            }

            @Override
            public RawManifest manifest(Descriptor descriptor) {
                return store.manifest(descriptor);
            }

            @Override
            public byte[] blob(Descriptor descriptor, long maxBytes) {
                blobsRead.add(descriptor.digest());
                return store.blob(descriptor, maxBytes);
            }
        };
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldBeVerifiedByCosignWhenTrustplaneSignsAndAttests() {
        ImageReference ref = pushImage();
        Signer signer = new Signer(store(ref), ours, Clock.systemUTC());
        var image = client.head(ref).orElseThrow();
        signer.sign(image, Map.of("env", "prod"), Signer.Format.ALL);
        signer.attest(image, PredicateTypes.SLSA_V1, PROVENANCE.getBytes(StandardCharsets.UTF_8), Signer.Format.ALL);

        ProcessRunner.Result verify = cosign(List.of("verify", "--key", ourPub.toString(), "--insecure-ignore-tlog",
                "--allow-insecure-registry", "-a", "env=prod", ref.toString()), Map.of());
        ProcessRunner.Result attestation = cosign(List.of("verify-attestation", "--key", ourPub.toString(),
                "--insecure-ignore-tlog", "--allow-insecure-registry", "--type", "slsaprovenance1", ref.toString()),
                Map.of());
        ProcessRunner.Result bundle = cosign(List.of("verify-attestation", "--new-bundle-format", "--trusted-root",
                emptyRoot.toString(), "--key", ourPub.toString(), "--insecure-ignore-tlog", "--allow-insecure-registry",
                "--type", "slsaprovenance1", ref.toString()), Map.of());
        ProcessRunner.Result wrongKey = cosign(List.of("verify", "--key", cosignPub.toString(),
                "--insecure-ignore-tlog", "--allow-insecure-registry", ref.toString()), Map.of());

        assertThat(verify.exitCode()).as(verify.stderr()).isZero();
        assertThat(verify.stdout()).contains(ref.digest().toString()).contains("\"env\":\"prod\"");
        assertThat(attestation.exitCode()).as(attestation.stderr()).isZero();
        assertThat(bundle.exitCode()).as(bundle.stderr()).isZero();
        assertThat(wrongKey.exitCode()).isNotZero();
    }

    /**
     * Eight signers append to one {@code .sig} manifest and one referrers fallback index at the
     * same time, in the real registry, which has no compare-and-swap: none may lose another's
     * signature, and cosign must read the manifest they built together.
     */
    @Test
    void shouldKeepEverySignatureWhenSignersRaceOnTheRegistry() throws Exception {
        ImageReference ref = pushImage();
        var image = client.head(ref).orElseThrow();
        List<SigningKey> keys = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            keys.add(Keys.generate());
        }
        var pool = Executors.newFixedThreadPool(keys.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (SigningKey k : keys) {
                running.add(pool.submit(() -> new Signer(store(ref), k, Clock.systemUTC()).sign(image, Map.of(),
                        Signer.Format.ALL)));
            }
            for (var f : running) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        Path lastPub = Files.writeString(work.resolve("race.pub"), Keys.publicPem(keys.get(7).publicKey()));

        VerificationReport report = new Verifier(store(ref), Trust.keys(keys.stream().map(SigningKey::publicKey)
                .toList(), true), VerifierLimits.DEFAULT).signatures(ref.toString(), ref.digest());
        ProcessRunner.Result cosignVerify = cosign(List.of("verify", "--key", lastPub.toString(),
                "--insecure-ignore-tlog", "--allow-insecure-registry", ref.toString()), Map.of());

        assertThat(report.evidence()).filteredOn(Evidence::verified)
                .filteredOn(e -> e.format() == Evidence.Format.COSIGN_TAG).extracting(Evidence::signer)
                .containsExactlyInAnyOrderElementsOf(keys.stream().map(SigningKey::hint).toList());
        assertThat(report.evidence()).filteredOn(Evidence::verified)
                .filteredOn(e -> e.format() == Evidence.Format.BUNDLE_REFERRER).hasSize(keys.size());
        assertThat(cosignVerify.exitCode()).as(cosignVerify.stderr()).isZero();
    }

    @Test
    void shouldVerifyWhatCosignSignsAndAttestsInEveryFormat() throws Exception {
        ImageReference ref = pushImage();
        Path predicate = Files.writeString(work.resolve("p.json"), PROVENANCE);
        String r = ref.toString();
        List<List<String>> commands = List.of(
                List.of("sign", "--yes", "--key", cosignKey.toString(), "--tlog-upload=false",
                        "--allow-insecure-registry", r),
                List.of("sign", "--yes", "--key", cosignKey.toString(), "--tlog-upload=false",
                        "--allow-insecure-registry", "--registry-referrers-mode=oci-1-1", r),
                List.of("attest", "--yes", "--key", cosignKey.toString(), "--tlog-upload=false",
                        "--allow-insecure-registry", "--type", "slsaprovenance1", "--predicate", predicate.toString(), r),
                List.of("attest", "--yes", "--key", cosignKey.toString(), "--tlog-upload=false",
                        "--allow-insecure-registry", "--new-bundle-format", "--type", "slsaprovenance1",
                        "--predicate", predicate.toString(), r));
        for (List<String> c : commands) {
            cosign(c, Map.of("COSIGN_EXPERIMENTAL", "1")).requireSuccess(c);
        }

        List<Digest> blobsRead = Collections.synchronizedList(new ArrayList<>());
        EvidenceStore counting = counting(store(ref), blobsRead);
        VerificationReport signatures = new Verifier(counting, Trust.keys(List.of(Keys.readPublic(read(cosignPub),
                "cosign.pub")), true), VerifierLimits.DEFAULT).signatures(r, ref.digest());
        var sigLayer = CosignTags.layers(store(ref), ref.digest().referrersTag() + ".sig").orElseThrow().get(0);
        VerificationReport attestations = verifier(ref, cosignPub).attestations(r, ref.digest(), "slsaprovenance1");
        VerificationReport wrongKey = verifier(ref, ourPub).signatures(r, ref.digest());

        assertThat(signatures.evidence()).allMatch(Evidence::verified).extracting(Evidence::format)
                .containsExactlyInAnyOrder(Evidence.Format.COSIGN_TAG, Evidence.Format.COSIGN_REFERRER);
        assertThat(blobsRead).as("cosign's payload is predicted, not fetched: %s", new String(store(ref).blob(sigLayer,
                4096), StandardCharsets.UTF_8)).doesNotContain(sigLayer.digest());
        assertThat(attestations.evidence()).allMatch(Evidence::verified).extracting(Evidence::format)
                .containsExactlyInAnyOrder(Evidence.Format.COSIGN_TAG, Evidence.Format.BUNDLE_REFERRER);
        assertThat(new String(attestations.evidence().get(0).statement(), StandardCharsets.UTF_8))
                .contains("https://example.com/b");
        assertThat(wrongKey.anyVerified()).isFalse();
        assertThat(wrongKey.evidence()).allSatisfy(e -> assertThat(e.failure().orElseThrow().stage())
                .isEqualTo("signature"));
    }

    @Test
    void shouldReadKeysInBothDirections() {
        ImageReference ref = pushImage();
        String r = ref.toString();
        List<String> withOurKey = List.of("sign", "--yes", "--key", ourKey.toString(), "--tlog-upload=false",
                "--allow-insecure-registry", r);
        cosign(withOurKey, Map.of("COSIGN_PASSWORD", "tp-pass")).requireSuccess(withOurKey);
        SigningKey theirs = Keys.readPrivate(read(cosignKey), "cosign.key", p -> "cosign-pass".toCharArray());
        new Signer(store(ref), theirs, Clock.systemUTC()).sign(client.head(ref).orElseThrow(), Map.of(),
                Set.of(Signer.Format.TAG));

        VerificationReport byOurs = verifier(ref, ourPub).signatures(r, ref.digest());
        ProcessRunner.Result byCosign = cosign(List.of("verify", "--key", cosignPub.toString(),
                "--insecure-ignore-tlog", "--allow-insecure-registry", r), Map.of());

        assertThat(byOurs.verified()).hasSize(1);
        assertThat(byCosign.exitCode()).as(byCosign.stderr()).isZero();
    }

    @Test
    void shouldListBundleReferrersWithOrasDiscover() {
        ImageReference ref = pushImage();
        new Signer(store(ref), ours, Clock.systemUTC()).attest(client.head(ref).orElseThrow(), PredicateTypes.SLSA_V1,
                PROVENANCE.getBytes(StandardCharsets.UTF_8), Set.of(Signer.Format.BUNDLE));

        String tree = ProcessRunner.runOk(List.of(Peers.require("oras").toString(), "discover", "--plain-http",
                "--format", "tree", ref.toString())).stdout();

        assertThat(tree).contains("application/vnd.dev.sigstore.bundle.v0.3+json");
    }
}
