package dev.trustplane.vuln;

import java.util.Objects;

/**
 * One record of the Debian security tracker: a CVE in a source package, as seen by one release.
 * {@code fixedVersion} is null when no fix is recorded and {@code "0"} when the release was never
 * affected.
 */
record TrackerEntry(
        String source,
        String cve,
        String release,
        Status status,
        String fixedVersion,
        String urgency,
        boolean nodsa,
        String nodsaReason,
        String scope,
        String description) {

    /** The tracker's {@code status} field. */
    public enum Status { RESOLVED, OPEN, UNDETERMINED }

    public TrackerEntry {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(cve, "cve");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(status, "status");
        urgency = urgency == null ? "not yet assigned" : urgency;
        nodsaReason = nodsaReason == null ? "" : nodsaReason;
        scope = scope == null ? "" : scope;
        description = description == null ? "" : description;
    }

    /** Where the verdict came from, for reports: {@code debian-tracker:SOURCE/CVE/RELEASE}. */
    public String recordId() {
        return "debian-tracker:" + source + "/" + cve + "/" + release;
    }
}
