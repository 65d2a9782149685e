package dev.trustplane.verify;

import dev.trustplane.oci.Digest;
import java.util.List;

/**
 * Everything found for one image and what each verification stage said. {@code problems} lists
 * what could not be looked at (an unreachable referrers API, an oversized manifest): evidence that
 * might exist but was not checked.
 */
public record VerificationReport(String image, Digest digest, Evidence.Kind kind, List<Evidence> evidence,
        List<String> problems) {

    public VerificationReport {
        evidence = List.copyOf(evidence);
        problems = List.copyOf(problems);
    }

    public List<Evidence> verified() {
        return evidence.stream().filter(Evidence::verified).toList();
    }

    public boolean anyVerified() {
        return evidence.stream().anyMatch(Evidence::verified);
    }
}
