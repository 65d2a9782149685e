package dev.trustplane.vuln;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.PredicateTypes;
import dev.trustplane.verify.Evidence;
import dev.trustplane.verify.Trust;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.verify.Verifier;
import dev.trustplane.verify.VerifierLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenVEX documents attested for an image: the predicates of OpenVEX attestations that verify
 * against a trust, never unverified ones (those are counted, so the caller can say so).
 */
public final class AttestedVex {
    private static final ObjectMapper JSON = Json.mapper();

    /** VEX documents by where they were found, and how many attestations were ignored. */
    public record Loaded(Map<String, byte[]> documents, int rejected) {
        public Loaded {
            documents = Collections.unmodifiableMap(new LinkedHashMap<>(documents));
        }
    }

    private AttestedVex() {
    }

    /** The OpenVEX attestations of each of {@code images} (an index and its platform images) in {@code store}. */
    public static Loaded load(EvidenceStore store, List<Descriptor> images, Trust trust) {
        Verifier verifier = new Verifier(store, trust, VerifierLimits.DEFAULT);
        Map<String, byte[]> documents = new LinkedHashMap<>();
        int rejected = 0;
        for (Descriptor d : images) {
            VerificationReport report = verifier.attestations(store.name(), d.digest(), PredicateTypes.OPENVEX);
            for (Evidence e : report.evidence()) {
                if (!e.verified()) {
                    rejected++;
                    continue;
                }
                try {
                    documents.put("attestation " + e.location(), JSON.readTree(e.statement()).path("predicate")
                            .toString().getBytes(StandardCharsets.UTF_8));
                } catch (IOException ex) {
                    rejected++;
                }
            }
        }
        return new Loaded(documents, rejected);
    }
}
