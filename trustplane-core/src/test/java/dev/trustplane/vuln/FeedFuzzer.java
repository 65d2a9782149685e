package dev.trustplane.vuln;

import dev.trustplane.error.TrustplaneException;
import dev.trustplane.fuzz.Fixtures;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Vulnerability feeds as they are downloaded: the first byte picks the reader — the Debian
 * security tracker's JSON export or an OSV document. A feed either fails whole with a message
 * naming the file, or yields records (and skips odd ones, counted); nothing else escapes.
 */
public final class FeedFuzzer {
    private FeedFuzzer() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] feed = Arrays.copyOfRange(data, 1, data.length);
        try {
            if ((data[0] & 1) == 0) {
                List<TrackerEntry> entries = new ArrayList<>();
                int read = TrackerFeed.read(new ByteArrayInputStream(feed), "fuzz.json", entries::add, s -> {
                });
                if (read < 0) {
                    throw new IllegalStateException("a negative count of records");
                }
                for (TrackerEntry e : entries) {
                    if (e.cve() == null || e.cve().isBlank()) {
                        throw new IllegalStateException("an entry without its CVE: " + e);
                    }
                }
            } else {
                for (OsvRecord r : OsvFeed.read(new ByteArrayInputStream(feed), "fuzz.json", s -> {
                })) {
                    if (r.id() == null || r.id().isBlank()) {
                        throw new IllegalStateException("a record without its id: " + r);
                    }
                }
            }
        } catch (TrustplaneException refused) {
            // refused with a message
        }
    }

    public static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (byte[] f : List.of(Fixtures.resource("/vuln/real/tracker-vunnel-slice.json"),
                Fixtures.resource("/vuln/real/tracker-osv-slice.json"), Fixtures.resource("/vuln/tracker-semantics.json"))) {
            seeds.add(Fixtures.prefixed(0, f));
        }
        for (byte[] f : Fixtures.tree("/vuln/real/osv", 10, ".json")) {
            seeds.add(Fixtures.prefixed(1, f));
        }
        for (byte[] f : Fixtures.tree("/vuln/osv", 10, ".json")) {
            seeds.add(Fixtures.prefixed(1, f));
        }
        return seeds;
    }

}
