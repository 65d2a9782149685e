package dev.trustplane.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.oci.Digest;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.TrustedRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The sigstore-conformance {@code bundle-verify} suite (src/test/resources/sigstore/conformance,
 * see its README): every case's bundle verified against its artifact as a blob — keyless against
 * the case's trusted root (the embedded public-good root when it has none) with the suite's
 * identity and issuer, or with its {@code key.pub} — and the verdict compared with the case's
 * name ({@code _fail}: must be refused). Prints the score and every miss; fails on a wrong
 * accept, and when fewer cases than the recorded floor get the right verdict.
 */
class SigstoreConformanceTest {
    static final Path SUITE = Path.of("src/test/resources/sigstore/conformance/bundle-verify");
    static final String IDENTITY = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/"
            + ".github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    static final String ISSUER = "https://token.actions.githubusercontent.com";
    /** Right verdicts out of 70: all of them. */
    static final int FLOOR = 70;

    record Outcome(String name, boolean mustPass, boolean verified, String why) {
        boolean right() {
            return mustPass == verified;
        }
    }

    static Outcome run(Path dir) throws IOException {
        String name = dir.getFileName().toString();
        boolean mustPass = !name.endsWith("_fail");
        try {
            byte[] artifact = Files.readAllBytes(Files.exists(dir.resolve("artifact")) ? dir.resolve("artifact")
                    : SUITE.resolve("a.txt"));
            byte[] bundle = Files.readAllBytes(dir.resolve("bundle.sigstore.json"));
            TrustedRoot root = Files.exists(dir.resolve("trusted_root.json"))
                    ? TrustedRoot.parse(Files.readAllBytes(dir.resolve("trusted_root.json")), name + "/trusted_root.json")
                    : TrustedRoot.publicGood();
            Trust trust;
            if (Files.exists(dir.resolve("key.pub"))) {
                PublicKey key = Keys.readPublic(Files.readAllBytes(dir.resolve("key.pub")), name + "/key.pub");
                trust = new Trust(List.of(key), List.of(), root, false, false);
            } else {
                String identity = text(dir.resolve("identity"), IDENTITY);
                String issuer = text(dir.resolve("issuer"), ISSUER);
                trust = Trust.keyless(List.of(new CertificateIdentity(identity, null, issuer, null, Map.of())), root,
                        false, false);
            }
            boolean dsse = new String(bundle, StandardCharsets.UTF_8).contains("\"dsseEnvelope\"");
            Evidence e = new EvidenceChecks(trust, Digest.sha256(artifact), null).check(new Candidate(
                    dsse ? Evidence.Kind.ATTESTATION : Evidence.Kind.SIGNATURE, Evidence.Format.BUNDLE_REFERRER,
                    name, null, new Candidate.BundleBytes(bundle)));
            return new Outcome(name, mustPass, e.verified(), e.failure().map(c -> c.stage() + ": " + c.detail())
                    .orElse("verified"));
        } catch (RuntimeException e) {
            return new Outcome(name, mustPass, false, "refused before verification: " + e.getMessage());
        }
    }

    private static String text(Path file, String fallback) throws IOException {
        return Files.exists(file) ? Files.readString(file).strip() : fallback;
    }

    @Test
    void shouldGiveTheSuitesVerdicts() throws IOException {
        List<Outcome> outcomes = new ArrayList<>();
        try (Stream<Path> cases = Files.list(SUITE)) {
            for (Path dir : cases.filter(Files::isDirectory).sorted().toList()) {
                outcomes.add(run(dir));
            }
        }
        long right = outcomes.stream().filter(Outcome::right).count();
        StringBuilder report = new StringBuilder("sigstore-conformance bundle-verify: " + right + "/" + outcomes.size()
                + " right\n");
        outcomes.stream().filter(o -> !o.right()).forEach(o -> report.append("  ").append(o.name()).append(": ")
                .append(o.mustPass() ? "refused — " + o.why() : "ACCEPTED").append('\n'));
        System.out.print(report);

        assertThat(outcomes).hasSize(70);
        assertThat(outcomes).as("wrong accepts\n" + report).filteredOn(o -> !o.mustPass() && o.verified()).isEmpty();
        assertThat(right).as(report.toString()).isGreaterThanOrEqualTo(FLOOR);
    }
}
