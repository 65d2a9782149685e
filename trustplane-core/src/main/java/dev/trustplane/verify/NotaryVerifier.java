package dev.trustplane.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.Outcome;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.OciLimits;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.sigstore.EvidenceStore;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Notary Project (notation) evidence of an image, as Kyverno's {@code type: Notary} verifies it:
 * signatures are referrers of artifact type {@code application/vnd.cncf.notary.signature} whose
 * one layer is a JWS envelope ({@link NotaryEnvelope}), checked against a trust store of
 * certificates; an "attestation" of type T is a referrer of artifact type T that is itself
 * signed so, its first layer (JSON) being the predicate conditions read. COSE envelopes are
 * reported as not supported. Every read is bounded and verified against its digest.
 */
public final class NotaryVerifier {
    public static final String SIGNATURE_TYPE = "application/vnd.cncf.notary.signature";
    static final int MAX_ENVELOPE_BYTES = 256 * 1024;
    static final int MAX_REFERRERS = 64;
    private static final ObjectMapper JSON = Json.mapper();

    private final EvidenceStore store;
    private final List<X509Certificate> trustStore;
    private final VerifierLimits limits;
    private final Clock clock;

    public NotaryVerifier(EvidenceStore store, List<X509Certificate> trustStore, VerifierLimits limits, Clock clock) {
        this.store = store;
        this.trustStore = List.copyOf(trustStore);
        this.limits = limits;
        this.clock = clock;
    }

    /** The Notary signatures of {@code digest}, each verified. */
    public VerificationReport signatures(String image, Digest digest) {
        List<Evidence> evidence = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Descriptor d : referrers(digest, SIGNATURE_TYPE, problems)) {
            evidence.add(signature(d, digest, null, null));
        }
        return new VerificationReport(image, digest, Evidence.Kind.SIGNATURE, evidence, problems);
    }

    /**
     * The referrers of {@code digest} of artifact type {@code type}, each verified by a Notary
     * signature of its own; a verified one carries {@code {"predicateType": type, "predicate": its
     * first layer}} as its statement.
     */
    public VerificationReport attestations(String image, Digest digest, String type) {
        List<Evidence> evidence = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Descriptor d : referrers(digest, type, problems)) {
            List<Descriptor> signatures = referrers(d.digest(), SIGNATURE_TYPE, problems);
            Evidence best = null;
            for (Descriptor s : signatures) {
                Evidence e = signature(s, d.digest(), type, d);
                if (best == null || e.verified()) {
                    best = e;
                }
                if (e.verified()) {
                    break;
                }
            }
            evidence.add(best != null ? best : new Evidence(Evidence.Kind.ATTESTATION, Evidence.Format.NOTARY_REFERRER,
                    "referrer " + d.digest(), type, null, List.of(new Check("signature", Outcome.FAIL,
                    "the " + type + " referrer carries no Notary signature")), null));
        }
        return new VerificationReport(image, digest, Evidence.Kind.ATTESTATION, evidence, problems);
    }

    private List<Descriptor> referrers(Digest subject, String artifactType, List<String> problems) {
        try {
            List<Descriptor> all = store.referrers(subject).stream().limit(4L * MAX_REFERRERS)
                    .filter(d -> artifactType.equals(artifactType(d))).toList();
            if (all.size() > MAX_REFERRERS) {
                problems.add(subject + " has " + all.size() + " referrers of type " + artifactType + "; the first "
                        + MAX_REFERRERS + " were read");
                return all.subList(0, MAX_REFERRERS);
            }
            return all;
        } catch (TrustplaneException e) {
            problems.add("the referrers of " + subject + " could not be listed: " + e.getMessage());
            return List.of();
        }
    }

    /**
     * A referrer's artifact type: the descriptor's, else (a layout index entry, an old fallback tag)
     * the manifest's own {@code artifactType}, or its config media type as the OCI spec defines it.
     */
    private String artifactType(Descriptor d) {
        if (d.artifactType() != null) {
            return d.artifactType();
        }
        try {
            if (store.manifest(d).parse(OciLimits.DEFAULT, d.digest().toString()) instanceof ImageManifest m) {
                return m.artifactType() != null ? m.artifactType() : m.config() == null ? null : m.config().mediaType();
            }
        } catch (TrustplaneException e) {
            return null;
        }
        return null;
    }

    /** One signature manifest, verified for {@code target}; for an attestation, {@code artifact} is the referrer. */
    private Evidence signature(Descriptor d, Digest target, String type, Descriptor artifact) {
        Evidence.Kind kind = type == null ? Evidence.Kind.SIGNATURE : Evidence.Kind.ATTESTATION;
        String where = "referrer " + d.digest() + " layer 0";
        List<Check> checks = new ArrayList<>();
        byte[] envelope;
        try {
            RawManifest m = store.manifest(d);
            if (!(m.parse(OciLimits.DEFAULT, where) instanceof ImageManifest manifest) || manifest.layers().size() != 1) {
                checks.add(new Check("envelope", Outcome.FAIL, "a Notary signature manifest holds exactly one layer"));
                return new Evidence(kind, Evidence.Format.NOTARY_REFERRER, where, type, null, checks, null);
            }
            Descriptor layer = manifest.layers().get(0);
            if (!layer.mediaType().equals("application/jose+json")) {
                checks.add(new Check("envelope", Outcome.FAIL, "the envelope is " + layer.mediaType()
                        + "; Trustplane verifies JWS (application/jose+json) Notary signatures"
                        + (layer.mediaType().equals("application/cose") ? " (COSE is not supported)" : "")));
                return new Evidence(kind, Evidence.Format.NOTARY_REFERRER, where, type, null, checks, null);
            }
            envelope = store.blob(layer, MAX_ENVELOPE_BYTES);
        } catch (TrustplaneException e) {
            checks.add(new Check("envelope", Outcome.ERROR, "the signature could not be read: " + e.getMessage()));
            return new Evidence(kind, Evidence.Format.NOTARY_REFERRER, where, type, null, checks, null);
        }
        NotaryEnvelope.Result r = NotaryEnvelope.verify(envelope, target, trustStore, clock.instant());
        byte[] statement = null;
        if (r.signer() != null && artifact != null) {
            try {
                statement = statement(artifact, type);
            } catch (TrustplaneException | IOException e) {
                List<Check> more = new ArrayList<>(r.checks());
                more.add(new Check("predicate", Outcome.FAIL, "the " + type + " content cannot be read as JSON: "
                        + e.getMessage()));
                return new Evidence(kind, Evidence.Format.NOTARY_REFERRER, where, type, r.signer(), more, null);
            }
        }
        return new Evidence(kind, Evidence.Format.NOTARY_REFERRER, where, type, r.signer(), r.checks(), statement, null,
                r.signedAt());
    }

    private byte[] statement(Descriptor artifact, String type) throws IOException {
        RawManifest m = store.manifest(artifact);
        if (!(m.parse(OciLimits.DEFAULT, artifact.digest().toString()) instanceof ImageManifest manifest)
                || manifest.layers().isEmpty()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "it has no layer");
        }
        JsonNode content = JSON.readTree(store.blob(manifest.layers().get(0), limits.maxPayloadBytes()));
        ObjectNode s = JSON.createObjectNode();
        s.put("predicateType", type);
        s.set("predicate", content);
        return JSON.writeValueAsBytes(s);
    }
}
