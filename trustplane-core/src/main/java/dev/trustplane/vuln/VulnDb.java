package dev.trustplane.vuln;

import dev.trustplane.debian.DebianVersion;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The local vulnerability database: the Debian security tracker, stored compactly (a string table
 * and fixed records, ADR 005) so a scan opens it without reparsing JSON. An import replaces the
 * file atomically: a failed or truncated import leaves the previous database in place.
 */
public final class VulnDb {
    static final String FILE = "debian-tracker.db";
    private static final int MAGIC = 0x54505644; // "TPVD"
    private static final int VERSION = 2;
    static final int SKIPPED_KEPT = SkipLog.KEPT;
    private static final int MAX_TEXT = 8_000;

    /**
     * What was imported, when, and how much; {@code skipped} records of an unexpected shape were left
     * out, the first {@value #SKIPPED_KEPT} named in {@code skippedExamples}.
     */
    public record FeedInfo(String feed, String file, Instant takenAt, Instant importedAt, int records, int cves,
            int sources, List<String> releases, int skipped, List<String> skippedExamples) {
        public FeedInfo {
            releases = List.copyOf(releases);
            skippedExamples = List.copyOf(skippedExamples);
        }

        public Duration age(Instant now) {
            return Duration.between(takenAt, now);
        }
    }

    private final FeedInfo info;
    private final Map<String, Map<String, List<TrackerEntry>>> byRelease;

    private VulnDb(FeedInfo info, Map<String, Map<String, List<TrackerEntry>>> byRelease) {
        this.info = info;
        this.byRelease = byRelease;
    }

    public FeedInfo info() {
        return info;
    }

    /** Tracker records of a source package in a release (codename), or none. */
    public List<TrackerEntry> entries(String release, String source) {
        return byRelease.getOrDefault(release, Map.of()).getOrDefault(source, List.of());
    }

    /** A vulnerability that moving a source package between two versions fixes. */
    public record Fix(String cve, Severity severity, String urgency, String fixedVersion, String description) {
    }

    /**
     * The CVEs of {@code source} in {@code release} that a move from version {@code from} to
     * {@code to} fixes: resolved records whose fixed version lies in (from, to]. Ordered by
     * severity (highest first), then CVE. Versions that do not parse give no fixes.
     */
    public List<Fix> fixedBetween(String release, String source, String from, String to) {
        DebianVersion old;
        DebianVersion now;
        try {
            old = DebianVersion.parse(from);
            now = DebianVersion.parse(to);
        } catch (RuntimeException e) {
            return List.of();
        }
        List<Fix> fixes = new ArrayList<>();
        for (TrackerEntry e : entries(release, source)) {
            if (e.status() != TrackerEntry.Status.RESOLVED || e.fixedVersion() == null || "0".equals(e.fixedVersion())) {
                continue;
            }
            try {
                DebianVersion fixed = DebianVersion.parse(e.fixedVersion());
                if (fixed.compareTo(old) > 0 && fixed.compareTo(now) <= 0) {
                    fixes.add(new Fix(e.cve(), Severity.ofUrgency(e.urgency()), e.urgency(), e.fixedVersion(),
                            e.description()));
                }
            } catch (RuntimeException ignored) {
                // a tracker version that does not parse cannot be ordered; it fixes nothing here
            }
        }
        fixes.sort(Comparator.comparing(Fix::severity).reversed().thenComparing(Fix::cve));
        return fixes;
    }

    public boolean knowsRelease(String release) {
        return byRelease.containsKey(release);
    }

    /**
     * Reads a tracker export and replaces the database in {@code dir}. {@code takenAt} is when the
     * feed was taken (the file's time when unknown), the age that scans warn about.
     */
    public static FeedInfo importTracker(Path dir, InputStream in, String file, Instant takenAt, Instant now) {
        List<TrackerEntry> entries = new ArrayList<>();
        SkipLog skipped = new SkipLog();
        TrackerFeed.read(in, file, entries::add, s -> skipped.accept(s.toString()));
        if (entries.isEmpty()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Vulnerability feed " + file
                    + " holds no records" + skipped.summary("of the tracker's shape") + "; it is not a Debian"
                    + " security tracker export"
                    + " (https://security-tracker.debian.org/tracker/data/json). Nothing was imported and the"
                    + " previous database is unchanged");
        }
        Set<String> cves = new HashSet<>();
        Set<String> sources = new HashSet<>();
        Set<String> releases = new TreeSet<>();
        for (TrackerEntry e : entries) {
            cves.add(e.cve());
            sources.add(e.source());
            releases.add(e.release());
        }
        FeedInfo info = new FeedInfo("debian-tracker", file, takenAt, now, entries.size(), cves.size(),
                sources.size(), new ArrayList<>(releases), skipped.count(), skipped.examples());
        write(dir, info, entries);
        return info;
    }

    private static void write(Path dir, FeedInfo info, List<TrackerEntry> entries) {
        Path target = dir.resolve(FILE);
        try {
            Files.createDirectories(dir);
            Map<String, Integer> index = new HashMap<>();
            List<String> strings = new ArrayList<>();
            for (TrackerEntry e : entries) {
                for (String s : new String[] {e.source(), e.cve(), e.release(), e.fixedVersion(), e.urgency(),
                        e.nodsaReason(), e.scope(), clip(e.description())}) {
                    if (s != null && !index.containsKey(s)) {
                        index.put(s, strings.size());
                        strings.add(s);
                    }
                }
            }
            AtomicFiles.write(target, stream -> {
                DataOutputStream out = new DataOutputStream(stream);
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeUTF(info.feed());
                out.writeUTF(clip(info.file()));
                out.writeLong(info.takenAt().toEpochMilli());
                out.writeLong(info.importedAt().toEpochMilli());
                out.writeInt(info.cves());
                out.writeInt(info.sources());
                out.writeInt(info.releases().size());
                for (String r : info.releases()) {
                    out.writeUTF(r);
                }
                out.writeInt(info.skipped());
                out.writeInt(info.skippedExamples().size());
                for (String x : info.skippedExamples()) {
                    out.writeUTF(clip(x));
                }
                out.writeInt(strings.size());
                for (String s : strings) {
                    out.writeUTF(s);
                }
                out.writeInt(entries.size());
                for (TrackerEntry e : entries) {
                    out.writeInt(index.get(e.source()));
                    out.writeInt(index.get(e.cve()));
                    out.writeInt(index.get(e.release()));
                    out.writeByte(e.status().ordinal());
                    out.writeInt(e.fixedVersion() == null ? -1 : index.get(e.fixedVersion()));
                    out.writeInt(index.get(e.urgency()));
                    out.writeBoolean(e.nodsa());
                    out.writeInt(index.get(e.nodsaReason()));
                    out.writeInt(index.get(e.scope()));
                    out.writeInt(index.get(clip(e.description())));
                }
                out.writeInt(MAGIC);
                out.flush();
            });
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot write the vulnerability database " + target + ": "
                    + e, e);
        }
    }

    private static String clip(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
    }

    /** The tracker database in {@code dir}, or empty when none was imported. */
    public static Optional<VulnDb> openIfPresent(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE)) ? Optional.of(open(dir)) : Optional.empty();
    }

    public static VulnDb open(Path dir) {
        Path file = dir.resolve(FILE);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            int magic = in.readInt();
            int version = magic == MAGIC ? in.readInt() : -1;
            if (version != VERSION) {
                throw new TrustplaneException(ErrorKind.UNSUPPORTED, "Vulnerability database " + file + " has "
                        + (version < 0 ? "an unknown format" : "format " + version + "; this Trustplane reads format "
                        + VERSION) + "; import the feed again with `trustplane db import FILE`");
            }
            String feed = in.readUTF();
            String source = in.readUTF();
            Instant taken = Instant.ofEpochMilli(in.readLong());
            Instant imported = Instant.ofEpochMilli(in.readLong());
            int cves = in.readInt();
            int sources = in.readInt();
            List<String> releases = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                releases.add(in.readUTF());
            }
            int skipped = in.readInt();
            List<String> examples = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                examples.add(in.readUTF());
            }
            String[] strings = new String[in.readInt()];
            for (int i = 0; i < strings.length; i++) {
                strings[i] = in.readUTF();
            }
            int count = in.readInt();
            TrackerEntry.Status[] statuses = TrackerEntry.Status.values();
            Map<String, Map<String, List<TrackerEntry>>> byRelease = new HashMap<>();
            for (int i = 0; i < count; i++) {
                String src = strings[in.readInt()];
                String cve = strings[in.readInt()];
                String release = strings[in.readInt()];
                TrackerEntry.Status status = statuses[in.readByte()];
                int fixed = in.readInt();
                TrackerEntry e = new TrackerEntry(src, cve, release, status, fixed < 0 ? null : strings[fixed],
                        strings[in.readInt()], in.readBoolean(), strings[in.readInt()], strings[in.readInt()],
                        strings[in.readInt()]);
                byRelease.computeIfAbsent(release, r -> new HashMap<>())
                        .computeIfAbsent(src, s -> new ArrayList<>(2)).add(e);
            }
            if (in.readInt() != MAGIC) {
                throw new EOFException("no end marker");
            }
            return new VulnDb(new FeedInfo(feed, source, taken, imported, count, cves, sources, releases, skipped,
                    examples), byRelease);
        } catch (NoSuchFileException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "No vulnerability database in " + dir
                    + "; import the Debian security tracker first: `trustplane db import FILE`", e);
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            throw new TrustplaneException(ErrorKind.INTEGRITY, "Vulnerability database " + file + " is damaged ("
                    + e.getMessage() + "); import the feed again with `trustplane db import FILE`", e);
        }
    }
}
