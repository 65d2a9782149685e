package dev.trustplane.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the audit knows about one running digest.
 *
 * @param images     the references workloads run it under
 * @param origin     the origin whose repository patterns cover it, or null
 * @param created    the image's build time (its config's {@code created}), null when unknown
 * @param newerSince when a newer image of the same tag or catalog entry was built, null when none is known
 * @param abandoned  why the image counts as abandoned (end-of-life distribution, too old with nothing newer), or null
 */
public record ImageAudit(String digest, String repository, List<String> images, String origin, Signing signing,
        Vulnerabilities vulnerabilities, String distribution, Instant created, Instant newerSince,
        String newerDigest, String abandoned, int workloads) {

    public ImageAudit {
        images = List.copyOf(images);
    }

    public enum SigningState { VERIFIED, UNVERIFIED, UNSIGNED, UNKNOWN }

    /**
     * @param signers  who verified (key hints, certificate subjects) with their origin in brackets
     * @param detail   for UNVERIFIED the stage that failed, for UNKNOWN why nothing could be checked
     * @param mismatch the origin the repository belongs to when no signer of that origin verified, else null
     */
    public record Signing(SigningState state, List<String> signers, String detail, String mismatch) {
        public Signing {
            signers = List.copyOf(signers);
        }
    }

    /** Counts per severity of affected findings; {@code known} false when the image could not be scanned. */
    public record Vulnerabilities(boolean known, int critical, int high, int medium, int low, int other,
            int criticalFixable, int highFixable, List<String> worst, String note) {
        public Vulnerabilities {
            worst = List.copyOf(worst);
        }

        public int total() {
            return critical + high + medium + low + other;
        }

        public static Vulnerabilities unknown(String why) {
            return new Vulnerabilities(false, 0, 0, 0, 0, 0, 0, 0, List.of(), why);
        }
    }

    /** Days between the build and {@code now}, or -1 when unknown. */
    public long ageDays(Instant now) {
        return created == null ? -1 : Duration.between(created, now).toDays();
    }

    /** Days since a newer image exists, or -1 when none is known. */
    public long behindDays(Instant now) {
        return newerSince == null ? -1 : Math.max(0, Duration.between(newerSince, now).toDays());
    }
}
