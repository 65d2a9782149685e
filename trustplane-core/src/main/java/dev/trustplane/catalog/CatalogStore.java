package dev.trustplane.catalog;

import dev.trustplane.debian.BinaryPackage;
import dev.trustplane.debian.DebianVersion;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The catalog's state in the store (migration V3, ADR 012): the watcher's view of each suite,
 * when each package version first appeared, every publication and the fixes it shipped.
 */
public final class CatalogStore {
    private final Store store;

    public CatalogStore(Store store) {
        this.store = store;
    }

    /** The last poll of a suite: validators for the next conditional GET and the InRelease verified. */
    public record SuiteState(String archive, String suite, String etag, String lastModified, String inReleaseSha256,
            Instant releaseDate, Instant polledAt, Instant changedAt) {
    }

    /** When a package version appeared: the InRelease Date that first carried it; baseline when already there at the first poll. */
    public record Appearance(Instant at, boolean baseline, String version) {
    }

    /** One published image (a variant of a catalog entry). */
    public record Publication(String id, String image, String variant, String release, String digest,
            String platforms, String repository, List<String> tags, String lockSha256, String lockfile,
            String previousDigest, Instant publishedAt) {
        public Publication {
            tags = List.copyOf(tags);
        }
    }

    /** One (image, CVE) a publication fixed, with both times of the patch timeline. */
    public record Fix(String publicationId, String image, String variant, String digest, String previousDigest,
            String cve, String severity, String source, String fixedVersion, String installedVersion,
            Instant appearedAt, boolean appearedBaseline, Instant publishedAt) {
    }

    /** A request to rebuild a catalog image now (from a drift finding about it), until handled. */
    public record RebuildRequest(String id, String image, String reason, String causeKey, Instant requestedAt) {
    }

    /**
     * Requests a rebuild of {@code image} for the cause {@code causeKey} (e.g. a finding's key),
     * once per cause: a cause already requested (pending or handled) is not requested again.
     * Returns whether a request was added.
     */
    public boolean requestRebuild(String image, String reason, String causeKey, Instant now) {
        try (Connection c = store.connect()) {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT 1 FROM catalog_rebuild_requests WHERE image = ? AND cause_key = ?")) {
                s.setString(1, image);
                s.setString(2, causeKey);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO catalog_rebuild_requests (id, image, reason,"
                    + " cause_key, requested_at_ms) VALUES (?, ?, ?, ?, ?)")) {
                s.setString(1, UUID.randomUUID().toString());
                s.setString(2, image);
                s.setString(3, reason);
                s.setString(4, causeKey);
                s.setLong(5, now.toEpochMilli());
                s.executeUpdate();
            }
            return true;
        } catch (SQLException e) {
            throw failure("request a rebuild of " + image, e);
        }
    }

    /** Rebuild requests not handled yet, oldest first. */
    public List<RebuildRequest> pendingRebuilds() {
        List<RebuildRequest> out = new ArrayList<>();
        try (Connection c = store.connect(); PreparedStatement s = c.prepareStatement("SELECT id, image, reason,"
                + " cause_key, requested_at_ms FROM catalog_rebuild_requests WHERE handled_at_ms IS NULL"
                + " ORDER BY requested_at_ms, id"); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(new RebuildRequest(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                        instant(r, 5)));
            }
        } catch (SQLException e) {
            throw failure("read the rebuild requests", e);
        }
        return out;
    }

    /** Marks a rebuild request handled, with what came of it. */
    public void handled(String id, String outcome, Instant now) {
        try (Connection c = store.connect(); PreparedStatement s = c.prepareStatement(
                "UPDATE catalog_rebuild_requests SET handled_at_ms = ?, outcome = ? WHERE id = ?")) {
            s.setLong(1, now.toEpochMilli());
            s.setString(2, outcome);
            s.setString(3, id);
            s.executeUpdate();
        } catch (SQLException e) {
            throw failure("mark a rebuild request handled", e);
        }
    }

    /**
     * The catalog image that {@code repository} ({@code host/path}) holds (see {@link Owners#owner});
     * to ask for many images, take {@link #owners()} once instead.
     */
    public Optional<String> owner(String repository, String digest, String tag) {
        return new Owners(publications("WHERE repository = ? ORDER BY published_at_ms DESC, id", repository))
                .owner(repository, digest, tag);
    }

    /** Every publication, read once, to answer ownership for many images (a feedback tick, an audit). */
    public Owners owners() {
        return new Owners(publications());
    }

    /** Publications held in memory: which catalog image a repository holds, and each image's latest. */
    public static final class Owners {
        private final Map<String, List<Publication>> byRepository = new HashMap<>();
        private final Map<String, Publication> latest = new HashMap<>();

        /** {@code publications} newest first. */
        Owners(List<Publication> publications) {
            for (Publication p : publications) {
                byRepository.computeIfAbsent(p.repository(), r -> new ArrayList<>()).add(p);
                latest.putIfAbsent(p.image() + "\u0000" + p.variant(), p);
            }
        }

        /**
         * The one that published {@code digest} in {@code repository}, else the one whose tags include
         * {@code tag}, else the newest one published there; empty when the catalog never published there.
         */
        public Optional<String> owner(String repository, String digest, String tag) {
            List<Publication> there = byRepository.getOrDefault(repository, List.of());
            for (Publication p : there) {
                if (p.digest().equals(digest) || p.platforms().contains("\"" + digest + "\"")) {
                    return Optional.of(p.image());
                }
            }
            for (Publication p : there) {
                if (tag != null && p.tags().contains(tag)) {
                    return Optional.of(p.image());
                }
            }
            return there.stream().findFirst().map(Publication::image);
        }

        /** The latest publication of an image's variant. */
        public Optional<Publication> latest(String image, String variant) {
            return Optional.ofNullable(latest.get(image + "\u0000" + variant));
        }
    }

    public Optional<SuiteState> suite(String archive, String suite) {
        try (Connection c = store.connect(); PreparedStatement s = c.prepareStatement("SELECT etag, last_modified,"
                + " inrelease_sha256, release_date_ms, polled_at_ms, changed_at_ms FROM catalog_suites"
                + " WHERE archive = ? AND suite = ?")) {
            s.setString(1, archive);
            s.setString(2, suite);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new SuiteState(archive, suite, r.getString(1), r.getString(2), r.getString(3),
                        instant(r, 4), instant(r, 5), instant(r, 6)));
            }
        } catch (SQLException e) {
            throw failure("read the watcher's state", e);
        }
    }

    /**
     * Records a poll: the suite's new state and, when its InRelease changed, every package version
     * not seen before with {@code firstSeen} (the release's Date). One transaction: a failed poll
     * records nothing. Returns how many versions were new.
     */
    public int recordPoll(SuiteState state, List<BinaryPackage> packages, Instant firstSeen, Instant now,
            boolean baseline) {
        try (Connection c = store.connect()) {
            c.setAutoCommit(false);
            try {
                // Write first: on SQLite a transaction that reads before it writes can deadlock with another
                // writer (SQLITE_BUSY at once); one that writes first waits for the lock instead.
                try (PreparedStatement d = c.prepareStatement(
                        "DELETE FROM catalog_suites WHERE archive = ? AND suite = ?")) {
                    d.setString(1, state.archive());
                    d.setString(2, state.suite());
                    d.executeUpdate();
                }
                int added = packages.isEmpty() ? 0 : insertVersions(c, state, packages, firstSeen, now, baseline);
                try (PreparedStatement s = c.prepareStatement("INSERT INTO catalog_suites (archive, suite, etag,"
                        + " last_modified, inrelease_sha256, release_date_ms, polled_at_ms, changed_at_ms)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    s.setString(1, state.archive());
                    s.setString(2, state.suite());
                    s.setString(3, state.etag());
                    s.setString(4, state.lastModified());
                    s.setString(5, state.inReleaseSha256());
                    setInstant(s, 6, state.releaseDate());
                    setInstant(s, 7, state.polledAt());
                    setInstant(s, 8, state.changedAt());
                    s.executeUpdate();
                }
                c.commit();
                return added;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("record the archive poll of " + state.suite(), e);
        }
    }

    private static int insertVersions(Connection c, SuiteState state, List<BinaryPackage> packages, Instant firstSeen,
            Instant now, boolean baseline) throws SQLException {
        Set<String> known = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT architecture, package, version FROM"
                + " catalog_package_versions WHERE archive = ? AND suite = ?")) {
            s.setString(1, state.archive());
            s.setString(2, state.suite());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    known.add(r.getString(1) + "\u0000" + r.getString(2) + "\u0000" + r.getString(3));
                }
            }
        }
        int added = 0;
        try (PreparedStatement s = c.prepareStatement("INSERT INTO catalog_package_versions (archive, suite,"
                + " architecture, package, version, source, source_version, first_seen_ms, noticed_at_ms, baseline)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (BinaryPackage p : packages) {
                String version = p.version().toString();
                if (!known.add(p.architecture() + "\u0000" + p.name() + "\u0000" + version)) {
                    continue;
                }
                s.setString(1, state.archive());
                s.setString(2, state.suite());
                s.setString(3, p.architecture());
                s.setString(4, p.name());
                s.setString(5, version);
                s.setString(6, p.source());
                s.setString(7, p.sourceVersion());
                s.setLong(8, firstSeen.toEpochMilli());
                s.setLong(9, now.toEpochMilli());
                s.setInt(10, baseline ? 1 : 0);
                s.addBatch();
                if (++added % 2_000 == 0) {
                    s.executeBatch();
                }
            }
            s.executeBatch();
        }
        return added;
    }

    /**
     * When a fix for {@code source} first appeared: the earliest first sighting of a source version
     * in [{@code fixed}, {@code upTo}] in any watched suite, or empty when the watcher never saw one.
     */
    public Optional<Appearance> appeared(String source, String fixed, String upTo) {
        DebianVersion low;
        DebianVersion high;
        try {
            low = DebianVersion.parse(fixed);
            high = DebianVersion.parse(upTo);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        Appearance best = null;
        try (Connection c = store.connect(); PreparedStatement s = c.prepareStatement("SELECT source_version,"
                + " MIN(first_seen_ms), MIN(baseline) FROM catalog_package_versions WHERE source = ?"
                + " GROUP BY source_version")) {
            s.setString(1, source);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    DebianVersion v;
                    try {
                        v = DebianVersion.parse(r.getString(1));
                    } catch (RuntimeException e) {
                        continue;
                    }
                    if (v.compareTo(low) >= 0 && v.compareTo(high) <= 0) {
                        Instant at = Instant.ofEpochMilli(r.getLong(2));
                        if (best == null || at.isBefore(best.at())) {
                            best = new Appearance(at, r.getInt(3) == 1, r.getString(1));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw failure("read when " + source + " " + fixed + " appeared", e);
        }
        return Optional.ofNullable(best);
    }

    /** Records a publication and the fixes it shipped, in one transaction. */
    public void recordPublication(Publication p, List<Fix> fixes) {
        try (Connection c = store.connect()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO catalog_publications (id, image, variant,"
                        + " release, digest, platforms, repository, tags, lock_sha256, lockfile, previous_digest,"
                        + " published_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    s.setString(1, p.id());
                    s.setString(2, p.image());
                    s.setString(3, p.variant());
                    s.setString(4, p.release());
                    s.setString(5, p.digest());
                    s.setString(6, p.platforms());
                    s.setString(7, p.repository());
                    s.setString(8, String.join(" ", p.tags()));
                    s.setString(9, p.lockSha256());
                    s.setString(10, p.lockfile());
                    s.setString(11, p.previousDigest());
                    s.setLong(12, p.publishedAt().toEpochMilli());
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement("INSERT INTO catalog_fixes (publication_id, image,"
                        + " variant, digest, previous_digest, cve, severity, source, fixed_version, installed_version,"
                        + " appeared_at_ms, appeared_baseline, published_at_ms)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (Fix f : fixes) {
                        s.setString(1, f.publicationId());
                        s.setString(2, f.image());
                        s.setString(3, f.variant());
                        s.setString(4, f.digest());
                        s.setString(5, f.previousDigest());
                        s.setString(6, f.cve());
                        s.setString(7, f.severity());
                        s.setString(8, f.source());
                        s.setString(9, f.fixedVersion());
                        s.setString(10, f.installedVersion());
                        setInstant(s, 11, f.appearedAt());
                        s.setInt(12, f.appearedBaseline() ? 1 : 0);
                        s.setLong(13, f.publishedAt().toEpochMilli());
                        s.addBatch();
                    }
                    s.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("record the publication of " + p.image(), e);
        }
    }

    /** The latest publication of an image's variant, if any. */
    public Optional<Publication> latest(String image, String variant) {
        List<Publication> all = publications("WHERE image = ? AND variant = ? ORDER BY published_at_ms DESC, id",
                image, variant);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    /** Every publication, newest first. */
    public List<Publication> publications() {
        return publications("ORDER BY published_at_ms DESC, image, variant");
    }

    private List<Publication> publications(String where, String... args) {
        List<Publication> out = new ArrayList<>();
        try (Connection c = store.connect(); PreparedStatement s = c.prepareStatement("SELECT id, image, variant,"
                + " release, digest, platforms, repository, tags, lock_sha256, lockfile, previous_digest,"
                + " published_at_ms FROM catalog_publications " + where)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Publication(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                            r.getString(5), r.getString(6), r.getString(7), List.of(r.getString(8).split(" ")),
                            r.getString(9), r.getString(10), r.getString(11), instant(r, 12)));
                }
            }
        } catch (SQLException e) {
            throw failure("read the catalog's publications", e);
        }
        return out;
    }

    /** Every fix recorded, oldest publication first. */
    public List<Fix> fixes() {
        List<Fix> out = new ArrayList<>();
        try (Connection c = store.connect(); PreparedStatement s = c.prepareStatement("SELECT publication_id, image,"
                + " variant, digest, previous_digest, cve, severity, source, fixed_version, installed_version,"
                + " appeared_at_ms, appeared_baseline, published_at_ms FROM catalog_fixes"
                + " ORDER BY published_at_ms, image, variant, cve")) {
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Fix(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                            r.getString(6), r.getString(7), r.getString(8), r.getString(9), r.getString(10),
                            instant(r, 11), r.getInt(12) == 1, instant(r, 13)));
                }
            }
        } catch (SQLException e) {
            throw failure("read the patch timeline", e);
        }
        return out;
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static void setInstant(PreparedStatement s, int index, Instant value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, value.toEpochMilli());
        }
    }

    private TrustplaneException failure(String what, SQLException e) {
        return new TrustplaneException(ErrorKind.IO, "Cannot " + what + " in the store " + store.location() + ": "
                + e.getMessage(), e);
    }
}
