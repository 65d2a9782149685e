package dev.trustplane.vuln;

/**
 * What is known about one CVE beyond a distribution's verdict: NVD's CVSS (vector, base score,
 * version and who scored it), membership in CISA's Known Exploited Vulnerabilities catalog (with
 * the date it was added and whether ransomware campaigns are known to use it) and the FIRST EPSS
 * probability of exploitation in the next 30 days with its percentile. Absent parts are null / NaN.
 */
public record CveIntel(String cve, String cvssVector, double cvssScore, String cvssVersion, String cvssSource,
        String kevDateAdded, String kevRansomware, double epss, double epssPercentile) {

    /** Nothing known (the default of a finding the CVE database has no record for). */
    public static final CveIntel NONE = none(null);

    public static CveIntel none(String cve) {
        return new CveIntel(cve, null, Double.NaN, null, null, null, null, Double.NaN, Double.NaN);
    }

    public boolean hasCvss() {
        return !Double.isNaN(cvssScore);
    }

    public boolean kev() {
        return kevDateAdded != null;
    }

    public boolean hasEpss() {
        return !Double.isNaN(epss);
    }

    /** Severity from the CVSS base score (CVSS v3 ranges; v2 scores are mapped the same way). */
    public Severity cvssSeverity() {
        if (!hasCvss()) {
            return Severity.UNKNOWN;
        }
        return cvssScore >= 9 ? Severity.CRITICAL : cvssScore >= 7 ? Severity.HIGH : cvssScore >= 4 ? Severity.MEDIUM
                : cvssScore > 0 ? Severity.LOW : Severity.NEGLIGIBLE;
    }

    CveIntel withCvss(String vector, double score, String version, String source) {
        return new CveIntel(cve, vector, score, version, source, kevDateAdded, kevRansomware, epss, epssPercentile);
    }

    CveIntel withKev(String dateAdded, String ransomware) {
        return new CveIntel(cve, cvssVector, cvssScore, cvssVersion, cvssSource, dateAdded, ransomware, epss,
                epssPercentile);
    }

    CveIntel withEpss(double probability, double percentile) {
        return new CveIntel(cve, cvssVector, cvssScore, cvssVersion, cvssSource, kevDateAdded, kevRansomware,
                probability, percentile);
    }
}
