package dev.trustplane.verify;

import dev.trustplane.error.Outcome;
import dev.trustplane.sigstore.TrustedRoot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The checks of one candidate, accumulated stage by stage. */
final class CheckRun {
    private final Candidate candidate;
    final List<Check> checks = new ArrayList<>();
    String stage = "read";
    Evidence.Kind kind;
    String predicateType;
    String signer;
    TrustedRoot.Log rekorV2Log;
    /** The keyless certificate's OIDC issuer (null for a key). */
    String issuer;
    /** The earliest signing time a log entry or timestamp proves, or null. */
    Instant signedAt;
    boolean revoked;
    byte[] statement;

    CheckRun(Candidate candidate) {
        this.candidate = candidate;
        this.kind = candidate.kindHint();
        this.predicateType = candidate.predicateTypeHint();
    }

    void add(Check check) {
        checks.add(check);
    }

    void provenAt(Instant time) {
        if (signedAt == null || time.isBefore(signedAt)) {
            signedAt = time;
        }
    }

    boolean ok() {
        return checks.stream().noneMatch(c -> c.status() == Outcome.FAIL || c.status() == Outcome.ERROR);
    }

    Evidence result() {
        boolean verified = ok() && !checks.isEmpty();
        return new Evidence(kind, candidate.format(), candidate.location(), predicateType,
                verified || revoked ? signer : null, checks, verified || revoked ? statement : null,
                verified || revoked ? issuer : null, verified || revoked ? signedAt : null);
    }
}
