package dev.trustplane.verify;

import dev.trustplane.oci.Digest;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.PredicateTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Finds and verifies the signatures or attestations of one image digest against a {@link Trust}.
 * Pure: it reads the store and returns data; it never throws for bad evidence, only reports it.
 */
public final class Verifier {
    private final EvidenceStore store;
    private final Trust trust;
    private final VerifierLimits limits;

    public Verifier(EvidenceStore store, Trust trust, VerifierLimits limits) {
        this.store = Objects.requireNonNull(store, "store");
        this.trust = Objects.requireNonNull(trust, "trust");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Every signature of {@code image} (cosign {@code .sig}, cosign referrers, sign/v1 bundles). */
    public VerificationReport signatures(String imageName, Digest image) {
        return run(imageName, image, Evidence.Kind.SIGNATURE, null);
    }

    /**
     * The signatures of {@code image} until one verifies: the tag scheme and the referrers are
     * read in parallel and whichever place holds a verifying signature first ends the search (the
     * report then lists what was checked so far). When none verifies, every place was read and
     * checked, as with {@link #signatures}. For admission, where one verified signature per
     * attestor is the question.
     */
    public VerificationReport firstVerifiedSignature(String imageName, Digest image) {
        EvidenceChecks checks = new EvidenceChecks(trust, image, null).named(imageName);
        List<Evidence> evidence = new ArrayList<>();
        Discovery found = new Discovery(store, limits).runUntil(image, part -> {
            boolean verified = false;
            for (Candidate c : part.found) {
                Evidence e = checks.check(c);
                if (e.kind() == Evidence.Kind.SIGNATURE) {
                    evidence.add(e);
                    verified |= e.verified();
                }
            }
            return verified;
        });
        boolean anyVerified = evidence.stream().anyMatch(Evidence::verified);
        return new VerificationReport(imageName, image, Evidence.Kind.SIGNATURE, evidence,
                anyVerified ? List.of() : found.problems, found.complete);
    }

    /**
     * Every attestation of {@code image}; with {@code predicateType} (a URI or a cosign short name)
     * an attestation of another type fails its "type" stage.
     */
    public VerificationReport attestations(String imageName, Digest image, String predicateType) {
        return run(imageName, image, Evidence.Kind.ATTESTATION, predicateType == null ? null
                : PredicateTypes.resolve(predicateType));
    }

    private VerificationReport run(String imageName, Digest image, Evidence.Kind kind, String wantedType) {
        Discovery found = new Discovery(store, limits).run(image, kind == Evidence.Kind.SIGNATURE,
                kind == Evidence.Kind.ATTESTATION);
        EvidenceChecks checks = new EvidenceChecks(trust, image, wantedType).named(imageName);
        List<Evidence> evidence = found.found.stream().map(checks::check).filter(e -> e.kind() == kind).toList();
        return new VerificationReport(imageName, image, kind, evidence, found.problems);
    }
}
