package dev.trustplane.catalog;

import dev.trustplane.builder.ImageBuilder;
import dev.trustplane.debian.TestArchive;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.store.Store;
import dev.trustplane.testkit.RegistryPeer;
import dev.trustplane.vuln.VulnDb;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The catalog bench (issue 18 targets): a catalog of IMAGES specs against a Debian archive made
 * at test time on loopback and the real CNCF registry. Measures the watcher's poll with nothing
 * changed (floor: one plain GET of an InRelease, same run), {@code catalog plan} with nothing
 * changed (floor: loading the archive snapshot once, same run), a landing of a fixed package that
 * affects AFFECTED images rebuilt, signed and published (per image), and the time-to-patch of that
 * landing at the default poll interval. Run by bench/catalog.
 */
public final class CatalogLoad {
    private CatalogLoad() {
    }

    public static void main(String[] args) throws Exception {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int affected = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path work = Files.createTempDirectory("catalog-bench");
        Instant start = Instant.now();
        TestArchive.SigningKey archiveKey = TestArchive.SigningKey.generate(start.minusSeconds(7200), 0);
        TestArchive archive = new TestArchive(work.resolve("archive"), archiveKey);
        archive.add("bookworm", TestArchive.deb("base-files", "12.4", "all").dir("./etc/", 0755)
                .file("./etc/debian_version", 0644, "12.4\n"));
        archive.add("bookworm", TestArchive.deb("libssl3", "3.0.11-1~deb12u1", "amd64").field("Source", "openssl")
                .dir("./usr/lib/", 0755).file("./usr/lib/libssl.so.3", 0644, "old\n".repeat(20_000)));
        for (int i = 0; i < images; i++) {
            archive.add("bookworm", TestArchive.deb("app" + i, "1.0-1", "amd64").dir("./usr/bin/", 0755)
                    .file("./usr/bin/app" + i, 0755, ("#!/bin/sh\necho " + i + "\n").repeat(2_000)));
        }
        archive.add("bookworm-security", TestArchive.deb("tzdata", "2024a-0+deb12u1", "all")
                .dir("./usr/share/zoneinfo/", 0755).file("./usr/share/zoneinfo/UTC", 0644, "TZif\n"));
        archive.publish(start.minus(Duration.ofDays(1)), start.plus(Duration.ofDays(7)));
        URI url = archive.start();
        Path keyring = Files.write(work.resolve("archive.gpg"), archiveKey.publicKeyRing());
        Path dir = Files.createDirectories(work.resolve("images"));
        for (int i = 0; i < images; i++) {
            Files.writeString(dir.resolve("app" + i + "-bookworm.yaml"), "name: app" + i + "\nrelease: bookworm\n"
                    + "keyring: " + keyring + "\npackages: [base-files, app" + i + (i < affected ? ", libssl3" : "")
                    + "]\narchitectures: [amd64]\narchives:\n  - url: " + url + "\n    suites: [bookworm,"
                    + " bookworm-security]\nvariants: {dev: {enabled: false}}\n");
        }
        Path vulnDir = work.resolve("vulndb");
        VulnDb.importTracker(vulnDir, new ByteArrayInputStream(("{\"openssl\": {\"CVE-2026-0001\": {\"description\":"
                + " \"bench\", \"releases\": {\"bookworm\": {\"status\": \"resolved\", \"fixed_version\":"
                + " \"3.0.11-1~deb12u2\", \"urgency\": \"high\"}}}}}").getBytes(StandardCharsets.UTF_8)),
                "bench.json", start, start);
        SigningKey key = Keys.generate();
        try (RegistryPeer registry = RegistryPeer.start(work)) {
            Store store = Store.embedded(work.resolve("trustplane.db"));
            CatalogStore catalogStore = new CatalogStore(store);
            Path cache = work.resolve("cache");
            ImageBuilder builder = new ImageBuilder(cache, EventListener.NONE, Clock.systemUTC(), 2);
            RegistryClient client = RegistryClient.builder().insecure(Set.of(registry.host())).build();
            ArchiveWatcher watcher = new ArchiveWatcher(catalogStore, cache, Clock.systemUTC(), EventListener.NONE);
            CatalogUpdater.Options options = new CatalogUpdater.Options(registry.host() + "/bench",
                    s -> new Signer(s, key, Clock.systemUTC()), Signer.Format.ALL, "bench");
            CatalogUpdater updater = new CatalogUpdater(builder, cache, () -> client, 8, catalogStore,
                    VulnDb.open(vulnDir), Clock.systemUTC(), EventListener.NONE);

            watcher.poll(Catalog.load(dir));
            long t = System.nanoTime();
            List<CatalogUpdater.Outcome> first = updater.update(Catalog.load(dir),
                    new CatalogPlanner(builder, VulnDb.open(vulnDir)).plan(Catalog.load(dir)), options);
            double firstSeconds = (System.nanoTime() - t) / 1e9;
            long ok = first.stream().filter(o -> o.result() == CatalogUpdater.Outcome.Result.PUBLISHED).count();
            System.out.printf(Locale.ROOT, "initial publication: %d/%d images built, signed, attested and pushed in"
                    + " %.1f s (%.2f s per image, cold)%n", ok, images, firstSeconds, firstSeconds / images);

            HttpClient http = HttpClient.newHttpClient();
            URI inRelease = URI.create(url + "/dists/bookworm/InRelease");
            List<Double> polls = new ArrayList<>();
            List<Double> floors = new ArrayList<>();
            List<Double> plans = new ArrayList<>();
            List<Double> snapshots = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                t = System.nanoTime();
                http.send(HttpRequest.newBuilder(inRelease).build(), HttpResponse.BodyHandlers.ofByteArray());
                http.send(HttpRequest.newBuilder(URI.create(url + "/dists/bookworm-security/InRelease")).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                floors.add((System.nanoTime() - t) / 1e6);
                t = System.nanoTime();
                ArchiveWatcher.Poll p = watcher.poll(Catalog.load(dir));
                polls.add((System.nanoTime() - t) / 1e6);
                if (p.changed()) {
                    throw new IllegalStateException("nothing changed, yet the poll says it did");
                }
                t = System.nanoTime();
                builder.snapshot(Catalog.load(dir).images().get(0).spec());
                snapshots.add((System.nanoTime() - t) / 1e6);
                t = System.nanoTime();
                List<ImagePlan> plan = new CatalogPlanner(builder, VulnDb.open(vulnDir)).plan(Catalog.load(dir));
                plans.add((System.nanoTime() - t) / 1e6);
                if (plan.stream().anyMatch(ImagePlan::rebuild)) {
                    throw new IllegalStateException("nothing changed, yet the plan rebuilds");
                }
            }
            System.out.printf(Locale.ROOT, "poll, nothing changed (2 suites): median %.1f ms (target <= 200 ms); floor"
                    + " (2 plain GETs of InRelease) %.1f ms; ratio %.2f%n", median(polls), median(floors),
                    median(polls) / median(floors));
            System.out.printf(Locale.ROOT, "plan, nothing changed (%d specs): median %.0f ms (target <= 1000 ms);"
                    + " floor (one archive snapshot) %.0f ms; ratio %.2f%n", images, median(plans), median(snapshots),
                    median(plans) / median(snapshots));

            // a fixed openssl lands
            Instant landed = Instant.now();
            archive.add("bookworm-security", TestArchive.deb("libssl3", "3.0.11-1~deb12u2", "amd64")
                    .field("Source", "openssl").dir("./usr/lib/", 0755)
                    .file("./usr/lib/libssl.so.3", 0644, "fixed\n".repeat(20_000)));
            archive.publish(landed, landed.plus(Duration.ofDays(7)));
            long t0 = System.nanoTime();
            ArchiveWatcher.Poll noticed = watcher.poll(Catalog.load(dir));
            double pollMs = (System.nanoTime() - t0) / 1e6;
            long t1 = System.nanoTime();
            List<ImagePlan> plan = new CatalogPlanner(builder, VulnDb.open(vulnDir)).plan(Catalog.load(dir));
            double planMs = (System.nanoTime() - t1) / 1e6;
            long t2 = System.nanoTime();
            List<CatalogUpdater.Outcome> rebuilt = updater.update(Catalog.load(dir), plan, options);
            double updateSeconds = (System.nanoTime() - t2) / 1e9;
            double detectToPublished = (System.nanoTime() - t0) / 1e9;
            long published = rebuilt.stream().filter(o -> o.result() == CatalogUpdater.Outcome.Result.PUBLISHED)
                    .count();
            if (!noticed.changed() || published != affected) {
                throw new IllegalStateException("the landing was not handled: " + published + " published");
            }
            double perImage = updateSeconds / published;
            System.out.printf(Locale.ROOT, "landing: poll %.0f ms, plan %.0f ms, %d affected images rebuilt, signed,"
                    + " attested and published in %.1f s = %.2f s per image (target <= 0.5 s, warm cache)%n", pollMs,
                    planMs, published, updateSeconds, perImage);
            Duration interval = Duration.ofMinutes(5);
            System.out.printf(Locale.ROOT, "time-to-patch at the default poll interval (%d min): new InRelease to"
                    + " signed image in the registry <= %.1f min worst case (interval + %.1f s), %.1f min on average"
                    + " (target <= 15 min)%n", interval.toMinutes(), interval.toSeconds() / 60.0 + detectToPublished
                    / 60.0, detectToPublished, interval.toSeconds() / 120.0 + detectToPublished / 60.0);
            System.out.printf(Locale.ROOT, "implied capacity on these %d cores: %.0f image rebuilds a month (at %.2f s"
                    + " each)%n", Runtime.getRuntime().availableProcessors(), 30 * 86_400 / perImage, perImage);
            PatchTimeline timeline = PatchTimeline.of(catalogStore.fixes(), PatchTimeline.DEFAULT_SLA);
            System.out.printf(Locale.ROOT, "timeline: %d (image, CVE) fixes recorded, worst time-to-patch %s%n",
                    timeline.rows().size(), PatchTimeline.human(timeline.summary().get(0).worst()));
        } finally {
            archive.close();
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.get(sorted.size() / 2);
    }
}
