package dev.trustplane.vuln;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code db import --nvd|--kev|--epss} use case: opens the source (a file, plain or {@code .gz};
 * for NVD also a directory of the yearly feed files; or an http(s) URL) through {@link FeedSource}
 * (bounded, never extracted) and imports it into {@link IntelDb}.
 */
public final class IntelImport {
    private IntelImport() {
    }

    public static IntelDb.FeedInfo run(Path dbDir, IntelDb.Feed feed, String location, Instant takenAt) {
        List<String> locations = new ArrayList<>();
        Path path = location.startsWith("http://") || location.startsWith("https://") ? null : Path.of(location);
        if (path != null && Files.isDirectory(path)) {
            if (feed != IntelDb.Feed.NVD) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, location + " is a directory; give the " + feed
                        + " file itself");
            }
            try (var files = Files.list(path)) {
                files.filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".json.gz")).sorted()
                        .forEach(p -> locations.add(p.toString()));
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Cannot list " + location + ": " + e, e);
            }
            if (locations.isEmpty()) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Directory " + location + " holds no NVD feed"
                        + " files (*.json, *.json.gz)");
            }
        } else {
            locations.add(location);
        }
        return run(dbDir, feed, locations, takenAt);
    }

    /**
     * Imports the documents at {@code locations} (files or URLs, all of {@code feed}) together;
     * {@code takenAt} null lets each document's own date stand.
     */
    public static IntelDb.FeedInfo run(Path dbDir, IntelDb.Feed feed, List<String> locations, Instant takenAt) {
        List<FeedSource.Opened> opened = new ArrayList<>();
        try {
            List<IntelDb.Source> sources = new ArrayList<>();
            for (String l : locations) {
                FeedSource.Opened o = FeedSource.open(l, takenAt);
                opened.add(o);
                // A file's modification time is not when the feed was taken: the feed's own date wins
                // unless --taken-at was given.
                sources.add(new IntelDb.Source(o.stream(), o.name(), takenAt));
            }
            return IntelDb.importFeed(dbDir, feed, sources, Instant.now());
        } finally {
            for (FeedSource.Opened o : opened) {
                try {
                    o.close();
                } catch (IOException e) {
                    // read already; nothing to keep
                }
            }
        }
    }
}
