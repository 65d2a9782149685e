package dev.trustplane.vuln;

/** What a tracker record means for one installed package. */
public enum Verdict {
    /** Affected; a newer version in the release fixes it. */
    FIXED_IN_NEWER("fixed in a newer version"),
    /** Affected (or not yet triaged) and no fix is available. */
    AFFECTED_NO_FIX("affected, no fix yet"),
    /** Affected; Debian decided not to fix it with a security update (no-DSA, end of life). */
    WONT_FIX("affected, will not be fixed"),
    /** Debian rates it as having no security impact in this release. */
    UNIMPORTANT("unimportant in Debian"),
    /** The installed version is fixed, or the release was never affected. */
    NOT_AFFECTED("not affected");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean affected() {
        return this != NOT_AFFECTED;
    }
}
