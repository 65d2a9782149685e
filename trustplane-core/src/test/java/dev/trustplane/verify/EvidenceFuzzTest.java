package dev.trustplane.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.trustplane.oci.Digest;
import dev.trustplane.sigstore.Bundle;
import dev.trustplane.sigstore.CosignTags;
import dev.trustplane.sigstore.Dsse;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.MalformedEvidenceException;
import dev.trustplane.sigstore.PredicateTypes;
import dev.trustplane.sigstore.SignatureAlgorithms;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.sigstore.Statement;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feeds random and mutated payloads, envelopes and bundles to the checks: they never throw and
 * never accept anything whose signed bytes changed.
 */
class EvidenceFuzzTest {
    static final int ROUNDS = 3000;
    final Random random = new Random(20261123);
    final SigningKey key = Keys.generate();
    final Digest image = Digest.sha256("image".getBytes(StandardCharsets.UTF_8));
    final EvidenceChecks checks = new EvidenceChecks(Trust.keys(List.of(key.publicKey()), true), image, null);

    private Dsse validEnvelope() {
        byte[] statement = Statement.about("repo", image, PredicateTypes.SLSA_V1, "{\"a\":1}".getBytes(
                StandardCharsets.UTF_8)).toJson();
        byte[] sig = SignatureAlgorithms.sign(key.privateKey(), Dsse.pae(Dsse.IN_TOTO, statement));
        return new Dsse(Dsse.IN_TOTO, statement, List.of(new Dsse.Sig("", sig)));
    }

    private Evidence run(Candidate.Content content) {
        Evidence[] out = new Evidence[1];
        assertThatCode(() -> out[0] = checks.check(new Candidate(Evidence.Kind.ATTESTATION,
                Evidence.Format.BUNDLE_REFERRER, "fuzz", null, content))).doesNotThrowAnyException();
        return out[0];
    }

    @Test
    void shouldAcceptTheUnmutatedEvidence() {
        Dsse dsse = validEnvelope();

        assertThat(run(new Candidate.Envelope(dsse.toJson(), Map.of())).verified()).isTrue();
        assertThat(run(new Candidate.BundleBytes(Bundle.keyBased(dsse, key.hint()))).verified()).isTrue();
    }

    @Test
    void shouldNeverAcceptRandomBytes() {
        for (int i = 0; i < ROUNDS; i++) {
            byte[] junk = randomBytes();
            String sig = Base64.getEncoder().encodeToString(randomBytes());
            assertThat(run(new Candidate.SimpleSig(junk, Map.of(CosignTags.SIGNATURE_ANNOTATION, sig))).verified())
                    .isFalse();
            assertThat(run(new Candidate.Envelope(junk, Map.of())).verified()).isFalse();
            assertThat(run(new Candidate.BundleBytes(junk)).verified()).isFalse();
        }
    }

    @Test
    void shouldAcceptMutatedEnvelopesOnlyWhenTheSignedBytesAreUnchanged() {
        Dsse original = validEnvelope();
        byte[] envelope = original.toJson();
        byte[] bundle = Bundle.keyBased(original, key.hint());
        int accepted = 0;
        for (int i = 0; i < ROUNDS; i++) {
            byte[] e = mutate(envelope);
            byte[] b = mutate(bundle);
            Evidence fromEnvelope = run(new Candidate.Envelope(e, Map.of()));
            Evidence fromBundle = run(new Candidate.BundleBytes(b));
            if (fromEnvelope.verified()) {
                accepted++;
                assertThat(sameSignedContent(parseEnvelope(e), original)).as(new String(e, StandardCharsets.UTF_8))
                        .isTrue();
            }
            if (fromBundle.verified()) {
                accepted++;
                assertThat(sameSignedContent(parseBundle(b), original)).as(new String(b, StandardCharsets.UTF_8))
                        .isTrue();
            }
        }
        assertThat(accepted).as("some mutations only touch unsigned bytes").isLessThan(2 * ROUNDS);
    }

    @Test
    void shouldRejectEnvelopeWhoseSignatureIsForAnotherPayload() {
        Dsse original = validEnvelope();
        for (int i = 0; i < 200; i++) {
            byte[] payload = original.payload().clone();
            int at = random.nextInt(payload.length);
            payload[at] ^= (byte) (1 + random.nextInt(255));
            Dsse forged = new Dsse(original.payloadType(), payload, original.signatures());

            assertThat(run(new Candidate.Envelope(forged.toJson(), Map.of())).verified()).isFalse();
            assertThat(run(new Candidate.BundleBytes(Bundle.keyBased(forged, key.hint()))).verified()).isFalse();
        }
    }

    private static Dsse parseEnvelope(byte[] json) {
        try {
            return Dsse.parse(json);
        } catch (MalformedEvidenceException e) {
            return null;
        }
    }

    private static Dsse parseBundle(byte[] json) {
        try {
            return Bundle.parse(json).envelope();
        } catch (MalformedEvidenceException e) {
            return null;
        }
    }

    private static boolean sameSignedContent(Dsse d, Dsse original) {
        return d != null && d.payloadType().equals(original.payloadType())
                && Arrays.equals(d.payload(), original.payload())
                && d.signatures().stream().anyMatch(s -> Arrays.equals(s.sig(), original.signatures().get(0).sig()));
    }

    private byte[] randomBytes() {
        byte[] b = new byte[random.nextInt(600)];
        random.nextBytes(b);
        if (random.nextBoolean()) {
            String[] shapes = {"{}", "[]", "null", "{\"payloadType\":1}", "{\"mediaType\":\"application/vnd.dev.sigstore"
                    + ".bundle.v0.3+json\",\"verificationMaterial\":{\"publicKey\":{\"hint\":\"x\"}},\"dsseEnvelope\":{}}",
                    "{\"critical\":{\"image\":{\"docker-manifest-digest\":\"" + image + "\"}}}"};
            return shapes[random.nextInt(shapes.length)].getBytes(StandardCharsets.UTF_8);
        }
        return b;
    }

    private byte[] mutate(byte[] in) {
        byte[] b = in.clone();
        int n = 1 + random.nextInt(4);
        for (int k = 0; k < n; k++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(4)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b[at] = (byte) "{}[]\",:AZaz09+/=".charAt(random.nextInt(16));
                case 2 -> b = Arrays.copyOf(b, Math.max(1, at));
                default -> {
                    int len = Math.min(b.length - at, 1 + random.nextInt(20));
                    byte[] grown = new byte[b.length + len];
                    System.arraycopy(b, 0, grown, 0, at + len);
                    System.arraycopy(b, at, grown, at + len, b.length - at);
                    b = grown;
                }
            }
        }
        return b;
    }
}
