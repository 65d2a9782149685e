package dev.trustplane.verify;

import dev.trustplane.oci.Digest;
import java.util.List;

/**
 * Everything found for one image and what each verification stage said. {@code problems} lists
 * what could not be looked at (an unreachable referrers API, an oversized manifest): evidence that
 * might exist but was not checked. {@code complete}: every place that could hold evidence was read
 * (false when a search stopped at the first verified signature while other places were unread).
 */
public record VerificationReport(String image, Digest digest, Evidence.Kind kind, List<Evidence> evidence,
        List<String> problems, boolean complete) {

    public VerificationReport {
        evidence = List.copyOf(evidence);
        problems = List.copyOf(problems);
        complete = complete && problems.isEmpty();
    }

    /** A report of every place read (complete unless something could not be looked at). */
    public VerificationReport(String image, Digest digest, Evidence.Kind kind, List<Evidence> evidence,
            List<String> problems) {
        this(image, digest, kind, evidence, problems, true);
    }

    /** The same report with {@code list} as the revocations in force (see {@link Revocations#reapply}). */
    public VerificationReport under(Revocations list) {
        return new VerificationReport(image, digest, kind, evidence.stream().map(list::reapply).toList(), problems,
                complete);
    }

    public List<Evidence> verified() {
        return evidence.stream().filter(Evidence::verified).toList();
    }

    public boolean anyVerified() {
        return evidence.stream().anyMatch(Evidence::verified);
    }
}
