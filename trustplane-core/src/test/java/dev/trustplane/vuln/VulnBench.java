package dev.trustplane.vuln;

import dev.trustplane.sbom.SbomReader;
import dev.trustplane.sbom.ScannedPackage;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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
