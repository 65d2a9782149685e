package dev.trustplane.vuln;

import dev.trustplane.sbom.SbomReader;
import dev.trustplane.sbom.ScannedPackage;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Benchmark for bench/vuln-db (not a test): generates a synthetic full-size tracker export
 * (~40k CVEs over ~5k source packages, 5 releases each, like the real file), then measures
 * import, open, one scan of a 150-package SBOM and re-scans of 10,000 SBOMs, and heap use.
 */
public final class VulnBench {
    private static final String[] RELEASES = {"bullseye", "bookworm", "trixie", "forky", "sid"};
    private static final String[] URGENCY = {"low", "medium", "high", "unimportant", "not yet assigned"};

    private VulnBench() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "target/vuln-bench");
        Files.createDirectories(work);
        Path feed = work.resolve("tracker.json");
        int sources = 5_000;
        int cves = 40_000;
        long t0 = System.nanoTime();
        generate(feed, sources, cves, new Random(7));
        System.out.printf("generated %s: %d source packages, %d CVEs, %.1f MB in %.1f s%n", feed, sources, cves,
                Files.size(feed) / 1e6, (System.nanoTime() - t0) / 1e9);

        Path dbDir = work.resolve("db");
        t0 = System.nanoTime();
        VulnDb.FeedInfo info;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(feed), 1 << 16)) {
            info = VulnDb.importTracker(dbDir, in, feed.toString(), Instant.now(), Instant.now());
        }
        double importS = (System.nanoTime() - t0) / 1e9;
        System.out.printf("import: %.2f s (%d records), db file %.1f MB (target <= 10 s)%n", importS, info.records(),
                Files.size(dbDir.resolve(VulnDb.FILE)) / 1e6);

        System.gc();
        t0 = System.nanoTime();
        VulnDb db = VulnDb.open(dbDir);
        double openS = (System.nanoTime() - t0) / 1e9;
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heap = rt.totalMemory() - rt.freeMemory();
        System.out.printf("open: %.3f s (target <= 1 s), heap after open %d MB (target <= 600 MB)%n", openS,
                heap >> 20);

        // Issue 22: NVD (real-size yearly 2.0 files, gzip), the real KEV catalog, EPSS at real size
        Path nvdDir = Files.createDirectories(work.resolve("nvd"));
        t0 = System.nanoTime();
        long nvdBytes = generateNvd(nvdDir, NVD_CVES, new Random(13));
        Path epss = work.resolve("epss_scores-current.csv.gz");
        generateEpss(epss, EPSS_ROWS, new Random(17));
        Path kev = work.resolve("known_exploited_vulnerabilities.json.gz");
        try (InputStream in = VulnBench.class.getResourceAsStream("/vuln/real/known_exploited_vulnerabilities.json.gz")) {
            Files.copy(in, kev);
        }
        System.out.printf("generated NVD: %d CVEs in %d yearly files, %.0f MB of JSON (gzip on disk); EPSS: %d rows;"
                + " KEV: the real catalog, in %.1f s%n", NVD_CVES, NVD_YEARS, nvdBytes / 1e6, EPSS_ROWS,
                (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        IntelDb.FeedInfo nvdInfo = IntelImport.run(dbDir, IntelDb.Feed.NVD, nvdDir.toString(), null);
        double nvdS = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        IntelImport.run(dbDir, IntelDb.Feed.KEV, kev.toString(), null);
        double kevS = (System.nanoTime() - t1) / 1e9;
        t1 = System.nanoTime();
        IntelImport.run(dbDir, IntelDb.Feed.EPSS, epss.toString(), null);
        double epssS = (System.nanoTime() - t1) / 1e9;
        System.out.printf("import NVD %.2f s (%d scored), KEV %.2f s, EPSS %.2f s; with the tracker %.2f s"
                + " (target <= 30 s); cve-intel.db %.1f MB%n", nvdS, nvdInfo.records(), kevS, epssS,
                importS + nvdS + kevS + epssS, Files.size(dbDir.resolve(IntelDb.FILE)) / 1e6);
        System.gc();
        t0 = System.nanoTime();
        VulnDb trackerDb = VulnDb.open(dbDir);
        IntelDb intel = IntelDb.open(dbDir);
        double openAll = (System.nanoTime() - t0) / 1e9;
        System.gc();
        System.out.printf("open tracker + CVE database: %.3f s (target <= 0.3 s), %d CVEs; heap %d MB%n", openAll,
                intel.size(), (rt.totalMemory() - rt.freeMemory()) >> 20);

        Random random = new Random(11);
        List<SbomReader.Result> sboms = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            sboms.add(sbom(random, sources));
        }
        Scanner scanner = new Scanner(db);
        Scanner.Options options = new Scanner.Options(false, false, Duration.ofDays(7));
        for (int i = 0; i < 2_000; i++) {   // warm-up: JIT
            scanner.scan("warm", sboms.get(i), options, Instant.now());
        }
        int runs = 1_000;
        t0 = System.nanoTime();
        long findings = 0;
        for (int i = 0; i < runs; i++) {
            findings += scanner.scan("one", sboms.get(i), options, Instant.now()).findings().size();
        }
        double oneMs = (System.nanoTime() - t0) / 1e6 / runs;
        System.out.printf("one scan of a 150-package SBOM: %.3f ms mean over %d (target <= 5 ms), %.0f findings"
                + " on average%n", oneMs, runs, findings / (double) runs);
        t0 = System.nanoTime();
        long total = sboms.parallelStream().mapToLong(s -> scanner.scan("fleet", s, options, Instant.now())
                .findings().size()).sum();
        System.out.printf("re-scan of %d SBOMs on %d cores: %.2f s (target <= 10 s), %d findings%n", sboms.size(),
                Runtime.getRuntime().availableProcessors(), (System.nanoTime() - t0) / 1e9, total);

        Scanner merged = new Scanner(trackerDb).withIntel(intel);
        for (int i = 0; i < 2_000; i++) {
            merged.scan("warm", sboms.get(i), options, Instant.now());
        }
        t0 = System.nanoTime();
        long nvdSeverities = 0;
        long kevHits = 0;
        for (int i = 0; i < runs; i++) {
            for (Finding f : merged.scan("one", sboms.get(i), options, Instant.now()).findings()) {
                nvdSeverities += "nvd".equals(f.severitySource()) ? 1 : 0;
                kevHits += f.intel().kev() ? 1 : 0;
            }
        }
        double mergedMs = (System.nanoTime() - t0) / 1e6 / runs;
        System.out.printf("one scan of a 150-package SBOM with NVD, KEV and EPSS merged: %.3f ms mean over %d"
                + " (target <= 2 ms); %.1f NVD severities per scan%n", mergedMs, runs, nvdSeverities / (double) runs);
    }

    private static final int NVD_CVES = 250_000;
    private static final int NVD_YEARS = 24;
    private static final int EPSS_ROWS = 280_000;

    /**
     * NVD 2.0 yearly files as NVD writes them (gzip): each record with an English and a Spanish
     * description, a v3.1 Primary and Secondary metric and a v2 one, weaknesses, 3 configuration
     * matches and 8 references (~4 KB of JSON, like real records). The ids overlap the tracker's.
     */
    static long generateNvd(Path dir, int cves, Random random) throws IOException {
        long bytes = 0;
        int perYear = cves / NVD_YEARS;
        int id = 0;
        for (int y = 0; y < NVD_YEARS; y++) {
            Path file = dir.resolve("nvdcve-2.0-" + (2002 + y) + ".json.gz");
            try (var gz = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16) {
                {
                    def.setLevel(1);
                }
            }; BufferedWriter w = new BufferedWriter(new OutputStreamWriter(gz, StandardCharsets.UTF_8),
                    1 << 16)) {
                StringBuilder sb = new StringBuilder(8192);
                w.write("{\"resultsPerPage\": " + perYear + ", \"startIndex\": 0, \"totalResults\": " + perYear
                        + ", \"format\": \"NVD_CVE\", \"version\": \"2.0\", \"timestamp\":"
                        + " \"2026-12-01T03:00:00.000\", \"vulnerabilities\": [");
                for (int i = 0; i < perYear; i++, id++) {
                    sb.setLength(0);
                    String cve = "CVE-20" + (10 + random.nextInt(16)) + "-" + (10000 + id);
                    double score = Math.round(random.nextDouble() * 100) / 10.0;
                    sb.append(i == 0 ? "" : ",").append("{\"cve\": {\"id\": \"").append(cve)
                            .append("\", \"sourceIdentifier\": \"cve@mitre.org\", \"published\":"
                                    + " \"2024-03-29T17:15:21.150\", \"lastModified\": \"2026-06-17T07:43:17.830\","
                                    + " \"vulnStatus\": \"Modified\", \"cveTags\": [], \"descriptions\": [{\"lang\":"
                                    + " \"en\", \"value\": \"")
                            .append("A synthetic flaw in component ").append(id % 5000)
                            .append(" lets a remote attacker corrupt memory through a crafted request, which may"
                                    + " lead to code execution or a denial of service in applications that parse"
                                    + " untrusted input with the affected library versions.\"}, {\"lang\": \"es\","
                                    + " \"value\": \"Una falla sintética permite a un atacante remoto corromper la"
                                    + " memoria mediante una solicitud manipulada.\"}], \"metrics\": {\"cvssMetricV31\":"
                                    + " [{\"source\": \"nvd@nist.gov\", \"type\": \"Primary\", \"cvssData\":"
                                    + " {\"version\": \"3.1\", \"vectorString\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\","
                                    + " \"baseScore\": ").append(score)
                            .append(", \"baseSeverity\": \"HIGH\", \"attackVector\": \"NETWORK\"}, \"exploitabilityScore\":"
                                    + " 3.9, \"impactScore\": 5.9}, {\"source\": \"cna@example.org\", \"type\":"
                                    + " \"Secondary\", \"cvssData\": {\"version\": \"3.1\", \"vectorString\":"
                                    + " \"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H\", \"baseScore\": 8.1}}],"
                                    + " \"cvssMetricV2\": [{\"source\": \"nvd@nist.gov\", \"type\": \"Primary\","
                                    + " \"cvssData\": {\"version\": \"2.0\", \"vectorString\": \"AV:N/AC:L/Au:N/C:P/I:P/A:P\","
                                    + " \"baseScore\": 7.5}}]}, \"weaknesses\": [{\"source\": \"nvd@nist.gov\", \"type\":"
                                    + " \"Primary\", \"description\": [{\"lang\": \"en\", \"value\": \"CWE-787\"}]}],"
                                    + " \"configurations\": [{\"nodes\": [{\"operator\": \"OR\", \"negate\": false,"
                                    + " \"cpeMatch\": [");
                    for (int c = 0; c < 3; c++) {
                        sb.append(c == 0 ? "" : ",").append("{\"vulnerable\": true, \"criteria\":"
                                + " \"cpe:2.3:a:vendor").append(id % 700).append(":product").append(id % 5000)
                                .append(":*:*:*:*:*:*:*:*\", \"versionEndExcluding\": \"").append(c + 1)
                                .append(".").append(id % 30).append(".0\", \"matchCriteriaId\":"
                                        + " \"73F1DAD7-F362-4C5B-B980-2E5313C369DA\"}");
                    }
                    sb.append("]}]}], \"references\": [");
                    for (int r = 0; r < 8; r++) {
                        sb.append(r == 0 ? "" : ",").append("{\"url\": \"https://example.org/advisories/")
                                .append(cve).append("/").append(r).append("\", \"source\": \"cve@mitre.org\","
                                        + " \"tags\": [\"Third Party Advisory\", \"Patch\"]}");
                    }
                    sb.append("]}}");
                    bytes += sb.length();
                    w.write(sb.toString());
                }
                w.write("]}\n");
            }
        }
        return bytes;
    }

    /** FIRST's EPSS CSV (gzip) with its model line; ids overlap the tracker's and NVD's. */
    static void generateEpss(Path file, int rows, Random random) throws IOException {
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(
                Files.newOutputStream(file), 1 << 16), StandardCharsets.UTF_8), 1 << 16)) {
            w.write("#model_version:v2025.03.14,score_date:2026-12-01T00:00:00+0000\ncve,epss,percentile\n");
            for (int i = 0; i < rows; i++) {
                w.write("CVE-20" + (10 + random.nextInt(16)) + "-" + (10000 + i) + ","
                        + String.format(Locale.ROOT, "%.5f,%.5f", random.nextDouble() * 0.2,
                        random.nextDouble()) + "\n");
            }
        }
    }

    private static SbomReader.Result sbom(Random random, int sources) {
        List<ScannedPackage> packages = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            int s = random.nextInt(sources);
            packages.add(new ScannedPackage("bin" + s, version(random), "amd64", "src" + s, null, "bookworm"));
        }
        return new SbomReader.Result("synthetic", packages);
    }

    private static String version(Random random) {
        return random.nextInt(4) + "." + random.nextInt(20) + "-" + (1 + random.nextInt(3))
                + (random.nextBoolean() ? "+deb12u" + random.nextInt(5) : "");
    }

    static void generate(Path file, int sources, int cves, Random random) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("{");
            int cve = 0;
            for (int s = 0; s < sources; s++) {
                w.write(s == 0 ? "\n" : ",\n");
                w.write("\"src" + s + "\": {");
                int n = s == sources - 1 ? cves - cve : Math.max(1, Math.min(cves - cve - (sources - s - 1),
                        (int) Math.round(random.nextGaussian() * 4 + 8)));
                for (int c = 0; c < n; c++, cve++) {
                    w.write(c == 0 ? "" : ",");
                    w.write("\"CVE-20" + (10 + random.nextInt(16)) + "-" + (10000 + cve) + "\": {\"description\": "
                            + "\"Synthetic vulnerability " + cve + " in src" + s + " allows remote attackers to cause"
                            + " a denial of service via crafted input.\", \"scope\": \"remote\", \"releases\": {");
                    for (int r = 0; r < RELEASES.length; r++) {
                        w.write(r == 0 ? "" : ",");
                        int kind = random.nextInt(10);
                        String status = kind < 6 ? "resolved" : kind < 9 ? "open" : "undetermined";
                        w.write("\"" + RELEASES[r] + "\": {\"status\": \"" + status + "\", \"repositories\": {\""
                                + RELEASES[r] + "\": \"" + version(random) + "\"}");
                        if (status.equals("resolved")) {
                            w.write(", \"fixed_version\": \"" + (kind == 0 ? "0" : version(random)) + "\"");
                        }
                        if (kind == 7) {
                            w.write(", \"nodsa\": \"Minor issue\", \"nodsa_reason\": \"postponed\"");
                        }
                        w.write(", \"urgency\": \"" + URGENCY[random.nextInt(URGENCY.length)] + "\"}");
                    }
                    w.write("}}");
                }
                w.write("}");
            }
            w.write("\n}\n");
        }
    }

}
