package dev.trustplane.fuzz;

import dev.trustplane.policy.AdmissionReviewFuzzer;
import dev.trustplane.builder.ImageSpecFuzzer;
import dev.trustplane.debian.Deb822Fuzzer;
import dev.trustplane.debian.DebFuzzer;
import dev.trustplane.debian.InReleaseFuzzer;
import dev.trustplane.oci.ImageReferenceFuzzer;
import dev.trustplane.oci.ManifestFuzzer;
import dev.trustplane.policy.PolicyFuzzer;
import dev.trustplane.sbom.LayerFuzzer;
import dev.trustplane.sbom.SbomFuzzer;
import dev.trustplane.sigstore.TrustMaterialFuzzer;
import dev.trustplane.verify.BundleFuzzer;
import dev.trustplane.verify.NotaryFuzzer;
import dev.trustplane.vuln.FeedFuzzer;
import dev.trustplane.vuln.VexFuzzer;
import java.util.List;

/** Every fuzz target, in the order {@code bench/fuzz} and {@link FuzzIT} run them. */
public final class FuzzTargets {
    public static final List<FuzzTarget> ALL = List.of(
            new FuzzTarget("image-reference", ImageReferenceFuzzer.class, 512,
                    List.of("@sha256:", "localhost:5000/", "docker.io/library/", ":latest"), ImageReferenceFuzzer::seeds),
            new FuzzTarget("manifest", ManifestFuzzer.class, 16 * 1024,
                    List.of("\"mediaType\"", "\"manifests\"", "\"layers\"", "\"subject\"", "\"platform\""),
                    ManifestFuzzer::seeds),
            new FuzzTarget("layer", LayerFuzzer.class, 64 * 1024, List.of("var/lib/dpkg/status", "ustar", ".wh."),
                    LayerFuzzer::seeds),
            new FuzzTarget("deb", DebFuzzer.class, 64 * 1024, List.of("!<arch>\n", "debian-binary", "control.tar",
                    "data.tar"), DebFuzzer::seeds),
            new FuzzTarget("deb822", Deb822Fuzzer.class, 64 * 1024, List.of("Package: ", "Version: ", "Depends: ",
                    "SHA256:", "Valid-Until: "), Deb822Fuzzer::seeds),
            new FuzzTarget("inrelease", InReleaseFuzzer.class, 128 * 1024, List.of("-----BEGIN PGP SIGNATURE-----",
                    "-----BEGIN PGP SIGNED MESSAGE-----", "Hash: SHA512"), InReleaseFuzzer::seeds),
            new FuzzTarget("sbom", SbomFuzzer.class, 64 * 1024, List.of("\"bomFormat\"", "\"spdxVersion\"",
                    "\"purl\"", "pkg:deb/debian/"), SbomFuzzer::seeds),
            new FuzzTarget("feed", FeedFuzzer.class, 64 * 1024, List.of("\"releases\"", "\"fixed_version\"",
                    "\"affected\"", "\"ranges\"", "\"aliases\""), FeedFuzzer::seeds),
            new FuzzTarget("vex", VexFuzzer.class, 16 * 1024, List.of("\"statements\"", "\"not_affected\"",
                    "\"products\""), VexFuzzer::seeds),
            new FuzzTarget("bundle", BundleFuzzer.class, 16 * 1024, List.of("\"dsseEnvelope\"", "\"tlogEntries\"",
                    "\"inclusionProof\"", "\"rawBytes\""), BundleFuzzer::seeds),
            new FuzzTarget("notary", NotaryFuzzer.class, 16 * 1024, List.of("\"protected\"", "\"x5c\"",
                    "io.cncf.notary.signingScheme", "\"crit\""), NotaryFuzzer::seeds),
            new FuzzTarget("trust-material", TrustMaterialFuzzer.class, 16 * 1024, List.of("-----BEGIN PUBLIC KEY-----",
                    "\"certificateAuthorities\"", "\"tlogs\""), TrustMaterialFuzzer::seeds),
            new FuzzTarget("policy", PolicyFuzzer.class, 32 * 1024, List.of("verifyImages", "attestors", "{{",
                    "imageReferences", "&a", "*a", "<<: "), PolicyFuzzer::seeds,
                    // subjectRegExp/issuerRegExp are regular expressions by design (written by the policy's
                    // author, compiled at load); an invalid one is a load problem, which the target checks
                    List.of("--disabled_hooks=com.code_intelligence.jazzer.sanitizers.RegexInjection")),
            new FuzzTarget("admission-review", AdmissionReviewFuzzer.class, 32 * 1024, List.of("\"containers\"",
                    "\"operation\"", "\"oldObject\"", "\"image\""), AdmissionReviewFuzzer::seeds),
            new FuzzTarget("image-spec", ImageSpecFuzzer.class, 16 * 1024, List.of("files:", "source: ", "packages:",
                    "../"), ImageSpecFuzzer::seeds));

    private FuzzTargets() {
    }

    /** The target of that name; the error lists them. */
    public static FuzzTarget named(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no fuzz target " + name + "; the targets are "
                        + ALL.stream().map(FuzzTarget::name).toList()));
    }
}
