package dev.trustplane.verify;

import dev.trustplane.oci.Digest;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Everything found for one image and what each verification stage said. {@code problems} lists
 * what could not be looked at (an unreachable referrers API, an oversized manifest): evidence that
 * might exist but was not checked. {@code everyPlaceRead} answers {@link #complete()}.
 */
public record VerificationReport(String image, Digest digest, Evidence.Kind kind, List<Evidence> evidence,
        List<String> problems, BooleanSupplier everyPlaceRead) {

    public VerificationReport {
        evidence = List.copyOf(evidence);
        problems = List.copyOf(problems);
    }

    /** A report of every place read (complete unless something could not be looked at). */
    public VerificationReport(String image, Digest digest, Evidence.Kind kind, List<Evidence> evidence,
            List<String> problems) {
        this(image, digest, kind, evidence, problems, () -> true);
    }

    /**
     * Whether every place that could hold evidence was read. Asked when it matters (a revocation
     * later): a search that stopped at a verified {@code .sig} signature is complete once the
     * referrers listing it started alongside came back empty.
     */
    public boolean complete() {
        return problems.isEmpty() && everyPlaceRead.getAsBoolean();
    }

    /** The same report with {@code list} as the revocations in force (see {@link Revocations#reapply}). */
    public VerificationReport under(Revocations list) {
        return new VerificationReport(image, digest, kind, evidence.stream().map(list::reapply).toList(), problems,
                everyPlaceRead);
    }

    public List<Evidence> verified() {
        return evidence.stream().filter(Evidence::verified).toList();
    }

    public boolean anyVerified() {
        return evidence.stream().anyMatch(Evidence::verified);
    }
}
