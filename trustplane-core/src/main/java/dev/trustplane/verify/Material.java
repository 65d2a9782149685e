package dev.trustplane.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.io.Json;
import dev.trustplane.sigstore.Bundle;
import dev.trustplane.sigstore.CosignTags;
import dev.trustplane.sigstore.Dsse;
import dev.trustplane.sigstore.MalformedEvidenceException;
import dev.trustplane.sigstore.Pem;
import dev.trustplane.sigstore.TlogEntry;
import dev.trustplane.sigstore.TrustedRoot;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a candidate is signed (a certificate, or one of the trusted keys) and what vouches for its
 * time — log entries and RFC 3161 timestamps — read from a Sigstore bundle or from cosign's
 * signature annotations, before any of it is checked.
 */
record Material(X509Certificate certificate, List<TlogEntry> entries, List<byte[]> timestamps,
        boolean proofRequired, List<X509Certificate> chain) {
    private static final ObjectMapper JSON = Json.mapper();
    private static final int MAX_TIMESTAMPS = 8;

    /** The most chain certificates read from beside a signature. */
    private static final int MAX_CHAIN = 8;

    Material(X509Certificate certificate, List<TlogEntry> entries, List<byte[]> timestamps) {
        this(certificate, entries, timestamps, false, List.of());
    }

    Material {
        chain = chain == null ? List.of() : List.copyOf(chain);
    }

    /** A bundle's certificate (its chain must not carry a root), log entries and timestamps. */
    static Material of(Bundle bundle) throws MalformedEvidenceException {
        List<TlogEntry> entries = new ArrayList<>();
        for (var e : bundle.tlogEntries()) {
            entries.add(TlogEntry.fromBundle(e));
        }
        X509Certificate cert = null;
        List<X509Certificate> chain = new ArrayList<>();
        if (bundle.certificates().size() > MAX_CHAIN + 1) {
            throw new MalformedEvidenceException("the bundle's certificate chain has more than " + MAX_CHAIN
                    + " certificates above the signing certificate");
        }
        for (int i = 0; i < bundle.certificates().size(); i++) {
            X509Certificate c = TrustedRoot.certificate(bundle.certificates().get(i), "the bundle",
                    i == 0 ? "certificate" : "certificate chain entry " + i);
            if (selfSigned(c)) {
                throw new MalformedEvidenceException("the bundle's certificate chain contains a root certificate ("
                        + c.getSubjectX500Principal().getName() + ", self-signed); a bundle must not carry its root:"
                        + " roots come from the trusted root only");
            }
            if (cert == null) {
                cert = c;
            } else {
                chain.add(c);
            }
        }
        List<byte[]> timestamps = new ArrayList<>();
        if (bundle.timestamps() != null) {
            for (var t : bundle.timestamps().path("rfc3161Timestamps")) {
                if (timestamps.size() == MAX_TIMESTAMPS) {
                    throw new MalformedEvidenceException("the bundle has more than " + MAX_TIMESTAMPS + " timestamps");
                }
                timestamps.add(Dsse.base64(t.path("signedTimestamp").asText(""), "RFC 3161 timestamp"));
            }
        }
        return new Material(cert, entries, timestamps, bundle.requiresInclusionProof(), chain);
    }

    /** cosign's annotations beside a signature: certificate, Rekor bundle (SET) and RFC 3161 timestamp. */
    static Material of(Map<String, String> annotations) throws MalformedEvidenceException {
        String pem = annotations.get(CosignTags.CERTIFICATE_ANNOTATION);
        X509Certificate cert = null;
        if (pem != null && !pem.isEmpty()) {
            List<Pem.Block> blocks;
            try {
                blocks = Pem.decode(pem, "the certificate annotation");
            } catch (RuntimeException e) {
                throw new MalformedEvidenceException("the certificate annotation is not PEM");
            }
            if (blocks.isEmpty()) {
                throw new MalformedEvidenceException("the certificate annotation holds no certificate");
            }
            cert = TrustedRoot.certificate(blocks.get(0).der(), "the signature", "certificate annotation");
        }
        List<X509Certificate> chain = new ArrayList<>();
        String chainPem = annotations.get(CosignTags.CHAIN_ANNOTATION);
        if (cert != null && chainPem != null && !chainPem.isEmpty()) {
            List<Pem.Block> blocks;
            try {
                blocks = Pem.decode(chainPem, "the chain annotation");
            } catch (RuntimeException e) {
                throw new MalformedEvidenceException("the certificate chain annotation is not PEM");
            }
            for (Pem.Block b : blocks.subList(0, Math.min(blocks.size(), MAX_CHAIN))) {
                chain.add(TrustedRoot.certificate(b.der(), "the signature", "certificate chain annotation"));
            }
        }
        List<TlogEntry> entries = new ArrayList<>();
        String set = annotations.get(CosignTags.BUNDLE_ANNOTATION);
        if (set != null && !set.isEmpty()) {
            entries.add(TlogEntry.fromCosignAnnotation(set));
        }
        List<byte[]> timestamps = new ArrayList<>();
        String ts = annotations.get(CosignTags.TIMESTAMP_ANNOTATION);
        if (ts != null && !ts.isEmpty()) {
            try {
                timestamps.add(Dsse.base64(JSON.readTree(ts)
                        .path("SignedRFC3161Timestamp").asText(""), "RFC 3161 timestamp"));
            } catch (IOException e) {
                throw new MalformedEvidenceException("the RFC 3161 timestamp annotation is not JSON");
            }
        }
        return new Material(cert, entries, timestamps, false, chain);
    }

    /** A certificate that names itself as issuer and verifies with its own key: a root. */
    private static boolean selfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
            return false;
        }
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
