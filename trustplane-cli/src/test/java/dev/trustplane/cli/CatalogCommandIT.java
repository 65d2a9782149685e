package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.testkit.RegistryPeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code catalog plan} against the real Debian archive (deb.debian.org): a spec without a lock is
 * new; once locked it is up to date; a lock pinning an older libssl3 is a change that names the
 * move and the CVE the database says it fixes.
 */
class CatalogCommandIT {
    private static final Path CACHE = Path.of("target/it-cache").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private CliRun run(String... args) {
        return CliRun.run(Map.of("TRUSTPLANE_CACHE", CACHE.toString(), "TRUSTPLANE_DATA", dir.resolve("data")
                .toString()), "", args);
    }

    @Test
    void shouldExplainWhatTheRealArchiveWouldChange() throws Exception {
        Path catalog = Files.createDirectories(dir.resolve("images"));
        Files.writeString(catalog.resolve("base-bookworm.yaml"), """
                name: base
                release: bookworm
                packages: [base-files, netbase, tzdata, ca-certificates, libc6, libssl3]
                architectures: [amd64]
                variants: {dev: {enabled: false}}
                """);
        CliRun fresh = run("catalog", "plan", catalog.toString(), "-o", "json");
        assertThat(fresh.code()).as(fresh.err()).isZero();
        assertThat(JSON.readTree(fresh.out()).at("/images/0/status").asText()).isEqualTo("new");

        CliRun lock = run("lock", catalog.resolve("base-bookworm.yaml").toString());
        assertThat(lock.code()).as(lock.err()).isZero();
        CliRun same = run("catalog", "plan", catalog.toString());
        assertThat(same.code()).as(same.err()).isZero();
        assertThat(same.out()).contains("base-bookworm            up to date").contains("0 to rebuild, 1 up to date");

        // pin an older libssl3 in the lock, as if it had been locked before the last openssl update
        Path lockFile = catalog.resolve("base-bookworm.lock.json");
        ObjectNode lockJson = (ObjectNode) JSON.readTree(lockFile.toFile());
        String current = null;
        for (JsonNode p : lockJson.at("/packages/amd64/runtime")) {
            if (p.path("name").asText().equals("libssl3")) {
                current = p.path("version").asText();
                ((ObjectNode) p).put("version", "3.0.0-1").put("sourceVersion", "3.0.0-1")
                        .put("sha256", "0".repeat(64));
            }
        }
        assertThat(current).isNotNull();
        Files.write(lockFile, JSON.writeValueAsBytes(lockJson));
        Path feed = Files.writeString(dir.resolve("tracker.json"), """
                {"openssl": {"CVE-2099-1000": {"description": "Test record: fixed in 3.0.1-1.",
                  "releases": {"bookworm": {"status": "resolved", "fixed_version": "3.0.1-1", "urgency": "high"}}}}}
                """);
        // a private vulnerability database: the shared cache's stays as other tests left it
        Path privateCache = dir.resolve("private-cache");
        CliRun imported = CliRun.run(Map.of("TRUSTPLANE_CACHE", privateCache.toString()), "", "db", "import",
                feed.toString());
        assertThat(imported.code()).as(imported.err()).isZero();

        CliRun changed = run("catalog", "plan", catalog.toString(), "-o", "json", "--vuln-db",
                privateCache.resolve("vulndb").toString());
        assertThat(changed.code()).as(changed.err()).isZero();
        JsonNode image = JSON.readTree(changed.out()).at("/images/0");
        assertThat(image.path("status").asText()).isEqualTo("changed");
        assertThat(image.at("/changes/0/package").asText()).isEqualTo("libssl3");
        assertThat(image.at("/changes/0/from").asText()).isEqualTo("3.0.0-1");
        assertThat(image.at("/changes/0/to").asText()).isEqualTo(current);
        assertThat(image.at("/fixes/0/cve").asText()).isEqualTo("CVE-2099-1000");
        assertThat(image.path("why").asText()).startsWith("fixes CVE-2099-1000 (high) in libssl3");

        // publish it: the watcher's baseline first, then update (signed), the timeline and the advisories
        CliRun watch = run("catalog", "watch", catalog.toString());
        assertThat(watch.code()).as(watch.err()).isZero();
        assertThat(watch.out()).contains("bookworm-security").contains("(first poll: the baseline)");
        CliRun keys = CliRun.run(Map.of("TRUSTPLANE_PASSWORD", "pw"), "", "keygen", "--output-key-prefix",
                dir.resolve("cat").toString());
        assertThat(keys.code()).as(keys.err()).isZero();
        try (RegistryPeer registry = RegistryPeer.start(dir)) {
            CliRun update = CliRun.run(Map.of("TRUSTPLANE_CACHE", CACHE.toString(), "TRUSTPLANE_DATA",
                    dir.resolve("data").toString(), "TRUSTPLANE_PASSWORD", "pw"), "", "catalog", "update",
                    catalog.toString(), "-o", registry.host() + "/hardened", "--sign", "--key",
                    dir.resolve("cat.key").toString(), "--vuln-db", privateCache.resolve("vulndb").toString(),
                    "--format", "json", "--image", "base-bookworm", "--result-file", dir.resolve("result.json").toString());
            assertThat(update.code()).as(update.err()).isZero();
            // what a rebuild Job leaves as its termination message (serve --rebuild-jobs reads it back)
            JsonNode result = JSON.readTree(Files.readString(dir.resolve("result.json")));
            assertThat(result.at("/images/0/image").asText()).isEqualTo("base-bookworm");
            assertThat(result.at("/images/0/result").asText()).isEqualTo("published");
            assertThat(result.at("/images/0/variants/0/digest").asText()).startsWith("sha256:");
            CliRun unknown = CliRun.run(Map.of("TRUSTPLANE_CACHE", CACHE.toString(), "TRUSTPLANE_DATA",
                    dir.resolve("data").toString()), "", "catalog", "update", catalog.toString(), "-o", registry.host()
                    + "/hardened", "--vuln-db", privateCache.resolve("vulndb").toString(), "--image", "nope");
            assertThat(unknown.code()).isEqualTo(2);
            assertThat(unknown.err()).contains("--image nope is not in the catalog");
            JsonNode published = JSON.readTree(update.out()).at("/images/0");
            assertThat(published.path("result").asText()).isEqualTo("published");
            assertThat(published.at("/variants/0/tags").toString()).contains("\"12\"", "\"latest\"", "\"12-");
            assertThat(published.at("/fixes/0/cve").asText()).isEqualTo("CVE-2099-1000");
            CliRun verify = run("verify-attestation", "--key", dir.resolve("cat.pub").toString(),
                    "--insecure-ignore-tlog", "--type", "vuln", registry.host() + "/hardened/base:12");
            assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        }
        assertThat(JSON.readTree(Files.readString(lockFile)).toString()).doesNotContain("3.0.0-1");
        CliRun timeline = run("catalog", "timeline", "-o", "json");
        assertThat(timeline.code()).as(timeline.err()).isZero();
        JsonNode fix = JSON.readTree(timeline.out()).at("/fixes/0");
        assertThat(fix.path("cve").asText()).isEqualTo("CVE-2099-1000");
        assertThat(fix.path("appearedAtBaseline").asBoolean()).isTrue();
        assertThat(run("catalog", "timeline").out()).contains("CVE-2099-1000").contains("≥");
        assertThat(catalog.resolve("advisories/osv/x_TRUSTPLANE-base-bookworm-CVE-2099-1000.json")).exists();
    }
}
