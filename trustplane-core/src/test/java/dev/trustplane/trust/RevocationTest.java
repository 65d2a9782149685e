package dev.trustplane.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.TestImages;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.store.Store;
import dev.trustplane.verify.Check;
import dev.trustplane.verify.Evidence;
import dev.trustplane.verify.Revocations;
import dev.trustplane.verify.Trust;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.verify.Verifier;
import dev.trustplane.verify.VerifierLimits;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Revoked signers: the store's list and its version, and the revocation stage of every verification. */
class RevocationTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    RevocationStore revocations;
    EvidenceStore evidence;
    RawManifest image;
    SigningKey key;

    @BeforeEach
    void setUp() {
        revocations = new RevocationStore(Store.embedded(dir.resolve("state/trustplane.db")));
        OciLayout layout = OciLayout.openOrCreate(dir.resolve("layout"));
        image = TestImages.write(layout, "v1", 1, 100, 1);
        evidence = EvidenceStore.open(Location.parse("oci:" + dir.resolve("layout") + ":v1"), null);
        key = Keys.generate();
        new Signer(evidence, key, CLOCK).sign(image.descriptor(), Map.of(), Signer.Format.ALL);
    }

    VerificationReport verify(Revocations list) {
        return new Verifier(evidence, Trust.keys(List.of(key.publicKey()), true).withRevocations(list),
                VerifierLimits.DEFAULT).signatures("img", image.digest());
    }

    @Test
    void shouldFailTheRevocationStageNamingTheRevocationAndKeepTheSigner() {
        assertThat(verify(revocations.current()).anyVerified()).isTrue();

        revocations.revokeKey(key.publicKey(), Keys.publicPem(key.publicKey()), null, "key leaked", "alice");
        VerificationReport report = verify(revocations.current());

        assertThat(report.anyVerified()).isFalse();
        assertThat(report.evidence()).isNotEmpty().allMatch(Evidence::revoked);
        Evidence e = report.evidence().get(0);
        assertThat(e.signer()).isEqualTo(Keys.hint(key.publicKey()));
        assertThat(e.failure().orElseThrow().detail()).isEqualTo("signed by key " + Keys.hint(key.publicKey())
                + " was revoked for every signature (revocation 1, recorded " + revocations.list(false).get(0)
                .revocation().revokedAt() + ": key leaked); no transparency log or timestamp proves when it was"
                + " signed. Re-sign the image with a trusted signer");
    }

    @Test
    void shouldApplyASinceRevocationToSignaturesWithoutAProvenTime() {
        // Kept off the log (ignoreTlog): nothing proves the signature predates the revocation.
        revocations.revokeKey(key.publicKey(), null, Instant.parse("2030-01-01T00:00:00Z"), "rotated", null);

        assertThat(verify(revocations.current()).anyVerified()).isFalse();
    }

    @Test
    void shouldMoveTheVersionWithEveryChangeAndLiftARevocation() {
        Revocations before = revocations.current();
        var r = revocations.revokeIdentity("ci@example.com", "https://issuer.example", null, "left the team", null);
        Revocations during = revocations.current();
        assertThat(revocations.unrevoke(r.id(), "mistake")).isTrue();
        Revocations after = revocations.current();

        assertThat(List.of(before.version(), during.version(), after.version())).doesNotHaveDuplicates();
        assertThat(during.entries()).singleElement().extracting(Revocations.Revocation::signer)
                .isEqualTo("ci@example.com from https://issuer.example");
        assertThat(after.entries()).isEmpty();
        assertThat(revocations.list(true)).singleElement().satisfies(l -> {
            assertThat(l.active()).isFalse();
            assertThat(l.unrevokeReason()).isEqualTo("mistake");
        });
        assertThat(revocations.unrevoke(r.id(), "again")).isFalse();
        assertThat(verify(after).anyVerified()).isTrue();
    }

    @Test
    void shouldRefuseADuplicateOrAReasonlessRevocation() {
        revocations.revokeKey(key.publicKey(), null, null, "leaked", null);

        assertThatThrownBy(() -> revocations.revokeKey(key.publicKey(), null, null, "again", null))
                .hasMessage("key " + Keys.hint(key.publicKey()) + " is already revoked (revocation 1); run"
                        + " `trustplane trust unrevoke 1` first to change it");
        assertThatThrownBy(() -> revocations.revokeIdentity("a", "b", null, " ", null))
                .hasMessageStartingWith("A revocation needs a reason (--reason TEXT)");
    }

    @Test
    void shouldSeeARevocationWrittenThroughAnotherConnectionAtTheNextRead() {
        Revocations warm = revocations.current();
        RevocationStore elsewhere = new RevocationStore(Store.embedded(dir.resolve("state/trustplane.db")));
        elsewhere.revokeKey(key.publicKey(), null, null, "leaked", null);

        assertThat(revocations.current().version()).isGreaterThan(warm.version());
        assertThat(revocations.current().entries()).hasSize(1);
    }

    @Test
    void shouldJudgeReadEvidenceAgainUnderANewListAsAFreshVerificationWould() {
        VerificationReport before = verify(revocations.current());
        var r = revocations.revokeKey(key.publicKey(), null, null, "leaked", null);
        Revocations revoked = revocations.current();

        VerificationReport again = before.under(revoked);
        VerificationReport fresh = verify(revoked);

        assertThat(before.complete()).isTrue();
        assertThat(again.anyVerified()).isFalse();
        assertThat(again.evidence()).extracting(e -> e.failure().orElseThrow().detail())
                .isEqualTo(fresh.evidence().stream().map(e -> e.failure().orElseThrow().detail()).toList());
        revocations.unrevoke(r.id(), "back");
        VerificationReport lifted = again.under(revocations.current());
        assertThat(lifted.anyVerified()).isTrue();
        assertThat(lifted.evidence()).allSatisfy(e -> {
            assertThat(e.verified()).isTrue();
            assertThat(e.checks()).extracting(Check::stage).doesNotContain("revocation");
        });
    }
}
