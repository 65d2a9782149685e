package dev.trustplane.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.oci.Digest;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Notary Project signatures notation wrote for its own end-to-end tests (resources/verify/notation, see its README). */
class NotaryVerifierTest {
    static final Digest IMAGE = Digest.parse("sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9");
    static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

    static Path dir() throws Exception {
        return Path.of(NotaryVerifierTest.class.getResource("/verify/notation").toURI());
    }

    static List<X509Certificate> trust(String file) throws Exception {
        return Keys.readCertificates(Files.readString(dir().resolve(file)), file);
    }

    /** The artifact notation signed for e2e-with-timestamped-signature (its own v1). */
    static final Digest TIMESTAMPED = Digest.parse("sha256:53b0191218aed9a3c1f7c661736ac40cfc8eb928642348fd843ba3f0483c0c20");

    static VerificationReport verify(String layout, String trustStore, Instant now) throws Exception {
        EvidenceStore store = EvidenceStore.open(Location.parse("oci:" + dir().resolve(layout)), RegistryClient.builder().build());
        return new NotaryVerifier(store, trust(trustStore), VerifierLimits.DEFAULT, Clock.fixed(now, ZoneOffset.UTC))
                .signatures(layout, layout.contains("timestamped") ? TIMESTAMPED : IMAGE);
    }

    static String failure(VerificationReport r) {
        Check c = r.evidence().get(0).failure().orElseThrow();
        return c.stage() + ": " + c.detail();
    }

    @Test
    void shouldVerifyWhatNotationSignedWithTheTrustStore() throws Exception {
        VerificationReport valid = verify("e2e-valid-signature", "e2e.crt", NOW);
        VerificationReport multiple = verify("e2e-valid-multiple-signatures", "e2e.crt", NOW);

        assertThat(valid.problems()).isEmpty();
        assertThat(valid.evidence()).singleElement().satisfies(e -> {
            assertThat(e.verified()).as(e.checks().toString()).isTrue();
            assertThat(e.format()).isEqualTo(Evidence.Format.NOTARY_REFERRER);
            assertThat(e.signer()).contains("CN=e2e");
            assertThat(e.signedAt()).isEqualTo(Instant.parse("2023-06-27T05:30:33Z"));
            assertThat(e.checks()).extracting(Check::stage).containsExactly("envelope", "signature", "certificate",
                    "payload");
        });
        assertThat(multiple.anyVerified()).isTrue();
        assertThat(multiple.evidence()).hasSizeGreaterThan(1);
    }

    @Test
    void shouldRefuseWhatNotationsTestsExpectToFail() throws Exception {
        assertThat(failure(verify("e2e-expired-signature", "e2e.crt", NOW)))
                .isEqualTo("expiry: the signature expired at 2023-06-27T05:21:21Z");
        assertThat(verify("e2e-invalid-signature", "e2e.crt", NOW).anyVerified()).isFalse();
        assertThat(failure(verify("e2e-invalid-signature", "e2e.crt", NOW)))
                .startsWith("envelope: the envelope is application/vnd.oci.image.layer.v1.tar");
        assertThat(failure(verify("e2e-with-expired-cert", "expired_e2e.crt", NOW))).startsWith("certificate: ")
                .contains("is not valid now");
        assertThat(failure(verify("e2e-valid-signature", "new_e2e.crt", NOW)))
                .startsWith("certificate: the certificate chain").contains("does not lead to");
        // signed by a one-day certificate and timestamped so that it outlives it: Trustplane does not read
        // Notary timestamps, so nothing extends the certificate's validity — refused, not accepted
        assertThat(failure(verify("e2e-with-timestamped-signature", "e2e.crt", NOW))).startsWith("certificate: ")
                .contains("CN=testcert7").contains("is not valid now");
        // a signature of v1 is not one of another digest
        EvidenceStore store = EvidenceStore.open(Location.parse("oci:" + dir().resolve("e2e-valid-signature")),
                RegistryClient.builder().build());
        assertThat(new NotaryVerifier(store, trust("e2e.crt"), VerifierLimits.DEFAULT, Clock.fixed(NOW, ZoneOffset.UTC))
                .signatures("x", Digest.sha256("other")).evidence()).isEmpty();
    }
}
