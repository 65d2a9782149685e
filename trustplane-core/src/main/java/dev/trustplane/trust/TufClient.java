package dev.trustplane.trust;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.AtomicFiles;
import dev.trustplane.sigstore.TrustedRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A TUF 1.0 client (specification §5, "Detailed client workflow") for one target — Sigstore's
 * {@code trusted_root.json} — from a {@link TufMirror}: the root rotated version by version (each
 * new root signed by the old root's threshold and its own), then timestamp, snapshot and targets,
 * each signed by its role's threshold, unexpired, at the version the one above names, with the
 * hashes and length it names, and never older than what this machine trusted before (rollback);
 * then the target, checked against its length and every hash. Verified metadata is kept in
 * {@code stateDir} (each file replaced atomically once verified), so the next update starts from
 * it; nothing unverified is ever written there.
 */
public final class TufClient {
    public static final String TARGET = "trusted_root.json";
    /** The metadata size bounds python-tuf and go-tuf use by default. */
    static final long MAX_ROOT = 512_000;
    static final long MAX_TIMESTAMP = 16_384;
    static final long MAX_SNAPSHOT = 2_000_000;
    static final long MAX_TARGETS = 5_000_000;
    static final long MAX_TARGET = TrustedRoot.MAX_BYTES;
    /** The most root versions one update walks (python-tuf's max_root_rotations). */
    static final int MAX_ROOT_ROTATIONS = 256;

    private final TufMirror mirror;
    private final Path stateDir;
    private final Instant now;

    /** What an update established. */
    public record Result(Path trustedRoot, long rootVersion, int rotations, long timestampVersion,
            long snapshotVersion, long targetsVersion, Instant expires, String sha256) {
    }

    public TufClient(TufMirror mirror, Path stateDir, Instant now) {
        this.mirror = mirror;
        this.stateDir = stateDir;
        this.now = now;
    }

    /** The verified trusted root in {@code stateDir}, if an update ever succeeded there. */
    public static Optional<Path> trustedRoot(Path stateDir) {
        Path p = stateDir.resolve(TARGET);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /**
     * Updates from the mirror. {@code bootstrapRoot} (a root.json obtained out of band) starts the
     * chain of trust afresh; null continues from the root kept in {@code stateDir}.
     */
    public Result update(byte[] bootstrapRoot, String bootstrapName) {
        TufMetadata root;
        if (bootstrapRoot != null) {
            root = TufMetadata.parse(bootstrapRoot, "root", bootstrapName);
            root.requireSignedBy(root, "root", "root");
        } else {
            root = stored("root.json", "root").orElseThrow(() -> new TrustplaneException(ErrorKind.INVALID_INPUT,
                    "No TUF root is trusted on this machine yet: pass --root root.json (the repository's initial root,"
                            + " obtained out of band)"));
        }
        if (bootstrapRoot != null) {
            reset();
            persist("root.json", bootstrapRoot);
        }
        long startVersion = root.version();
        for (int i = 0; i < MAX_ROOT_ROTATIONS; i++) {
            long next = root.version() + 1;
            String name = next + ".root.json";
            Optional<byte[]> bytes = mirror.fetch(name, MAX_ROOT);
            if (bytes.isEmpty()) {
                break;
            }
            TufMetadata candidate = TufMetadata.parse(bytes.get(), "root", name);
            candidate.requireSignedBy(root, "root", "root v" + root.version());
            candidate.requireSignedBy(candidate, "root", "root v" + next + " (its own)");
            if (candidate.version() != next) {
                throw TufMetadata.invalid(name, "has version " + candidate.version() + ", not " + next);
            }
            boolean rotated = !candidate.role("timestamp").equals(root.role("timestamp"))
                    || !candidate.role("snapshot").equals(root.role("snapshot"));
            root = candidate;
            persist("root.json", bytes.get());
            if (rotated) {
                delete("timestamp.json");
                delete("snapshot.json");
            }
        }
        root.requireUnexpired(now);

        Optional<TufMetadata> oldTimestamp = stored("timestamp.json", "timestamp");
        byte[] tsBytes = mirror.fetch("timestamp.json", MAX_TIMESTAMP).orElseThrow(() -> missing("timestamp.json"));
        TufMetadata timestamp = TufMetadata.parse(tsBytes, "timestamp", "timestamp.json");
        timestamp.requireSignedBy(root, "timestamp", "timestamp");
        JsonNode snapshotMeta = meta(timestamp, "snapshot.json");
        if (oldTimestamp.isPresent()) {
            rollback(timestamp, oldTimestamp.get());
            long before = meta(oldTimestamp.get(), "snapshot.json").path("version").asLong();
            if (snapshotMeta.path("version").asLong() < before) {
                throw rolledBack("timestamp.json names snapshot version " + snapshotMeta.path("version").asLong()
                        + ", older than the " + before + " trusted before");
            }
        }
        timestamp.requireUnexpired(now);
        persist("timestamp.json", tsBytes);

        Fetched snap = fetchRole(root, "snapshot", snapshotMeta, MAX_SNAPSHOT, "timestamp.json");
        TufMetadata snapshot = snap.metadata();
        Optional<TufMetadata> oldSnapshot = stored("snapshot.json", "snapshot");
        if (oldSnapshot.isPresent()) {
            rollback(snapshot, oldSnapshot.get());
            for (Map.Entry<String, JsonNode> e : fields(oldSnapshot.get().signed().path("meta"))) {
                JsonNode listed = snapshot.signed().path("meta").get(e.getKey());
                if (listed == null || listed.path("version").asLong() < e.getValue().path("version").asLong()) {
                    throw rolledBack(snapshot.file() + " drops or rolls back " + e.getKey());
                }
            }
        }
        snapshot.requireUnexpired(now);
        persist("snapshot.json", snap.bytes());

        Fetched tgt = fetchRole(root, "targets", meta(snapshot, "targets.json"), MAX_TARGETS, "the snapshot");
        TufMetadata targets = tgt.metadata();
        byte[] targetsBytes = tgt.bytes();
        targets.requireUnexpired(now);
        persist("targets.json", targetsBytes);

        byte[] target = target(root, targets);
        TrustedRoot.parse(target, TARGET + " from " + mirror);
        persist(TARGET, target);
        return new Result(stateDir.resolve(TARGET), root.version(), (int) (root.version() - startVersion),
                timestamp.version(), snapshot.version(), targets.version(), minExpiry(root, timestamp, snapshot,
                targets), TufMetadata.sha256Hex(target));
    }

    private record Fetched(TufMetadata metadata, byte[] bytes) {
    }

    /**
     * The {@code role}'s metadata at the version {@code meta} names (hash-prefixed by version under
     * consistent snapshots), checked against {@code meta}'s length and hashes, signed by the role's
     * threshold, and of exactly that version.
     */
    private Fetched fetchRole(TufMetadata root, String role, JsonNode meta, long max, String namedBy) {
        long version = meta.path("version").asLong();
        String name = root.consistentSnapshot() ? version + "." + role + ".json" : role + ".json";
        byte[] bytes = fetchChecked(name, meta, max);
        TufMetadata m = TufMetadata.parse(bytes, role, name);
        m.requireSignedBy(root, role, role);
        if (m.version() != version) {
            throw TufMetadata.invalid(name, "has version " + m.version() + ", but " + namedBy + " names " + version);
        }
        return new Fetched(m, bytes);
    }

    private byte[] target(TufMetadata root, TufMetadata targets) {
        JsonNode info = targets.signed().path("targets").get(TARGET);
        if (info == null) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "The TUF repository at " + mirror + " lists no " + TARGET
                    + " in its top-level targets" + (targets.signed().has("delegations")
                    ? " (delegated targets are not read by this client)" : ""));
        }
        long length = info.path("length").asLong(-1);
        if (length < 0 || length > MAX_TARGET) {
            throw TufMetadata.invalid(TARGET, "has length " + length + " in targets.json (at most " + MAX_TARGET + ")");
        }
        JsonNode hashes = info.path("hashes");
        if (!hashes.has("sha256") && !hashes.has("sha512")) {
            throw TufMetadata.invalid(TARGET, "has no sha256 or sha512 hash in targets.json");
        }
        byte[] data = null;
        String name = null;
        for (String algorithm : new String[] {"sha256", "sha512"}) {
            if (data != null || !hashes.has(algorithm)) {
                continue;
            }
            name = "targets/" + (root.consistentSnapshot() ? hashes.get(algorithm).asText() + "." : "") + TARGET;
            // one byte more than named, so a longer file is reported as a length mismatch
            data = mirror.fetch(name, length + 1).orElse(null);
        }
        if (data == null) {
            throw missing(name);
        }
        check(TARGET, data, info);
        return data;
    }

    /** Fetches {@code name}, at most the length {@code meta} names (or {@code max}), and checks its hashes. */
    private byte[] fetchChecked(String name, JsonNode meta, long max) {
        long length = meta.has("length") ? meta.get("length").asLong() + 1 : max;
        byte[] bytes = mirror.fetch(name, Math.min(length, max)).orElseThrow(() -> missing(name));
        check(name, bytes, meta);
        return bytes;
    }

    private static void check(String name, byte[] bytes, JsonNode meta) {
        if (meta.has("length") && meta.get("length").asLong() != bytes.length) {
            throw TufMetadata.invalid(name, "has " + bytes.length + " bytes, not the " + meta.get("length").asLong()
                    + " the metadata above it names");
        }
        for (Map.Entry<String, JsonNode> h : fields(meta.path("hashes"))) {
            String jca = switch (h.getKey()) {
                case "sha256" -> "SHA-256";
                case "sha384" -> "SHA-384";
                case "sha512" -> "SHA-512";
                default -> null;
            };
            if (jca != null && !TufMetadata.hex(jca, bytes).equalsIgnoreCase(h.getValue().asText(""))) {
                throw TufMetadata.invalid(name, "does not match its " + h.getKey() + " in the metadata above it");
            }
        }
    }

    private static JsonNode meta(TufMetadata m, String name) {
        JsonNode meta = m.signed().path("meta").get(name);
        if (meta == null || !meta.path("version").canConvertToLong() || meta.path("version").asLong() < 1) {
            throw TufMetadata.invalid(m.file(), "names no version of " + name);
        }
        return meta;
    }

    private static void rollback(TufMetadata fresh, TufMetadata trusted) {
        if (fresh.version() < trusted.version()) {
            throw rolledBack(fresh.file() + " is version " + fresh.version() + ", older than the version "
                    + trusted.version() + " trusted before");
        }
    }

    private static TrustplaneException rolledBack(String why) {
        return new TrustplaneException(ErrorKind.INTEGRITY, "TUF rollback: " + why + "; the mirror serves old"
                + " metadata, the trusted root was not changed");
    }

    private TrustplaneException missing(String name) {
        return new TrustplaneException(ErrorKind.NOT_FOUND, "The TUF mirror " + mirror + " has no " + name
                + "; it is not a complete TUF repository");
    }

    private static Iterable<Map.Entry<String, JsonNode>> fields(JsonNode node) {
        return node::fields;
    }

    private static Instant minExpiry(TufMetadata... ms) {
        Instant min = Instant.MAX;
        for (TufMetadata m : ms) {
            min = m.expires().isBefore(min) ? m.expires() : min;
        }
        return min;
    }

    private Optional<TufMetadata> stored(String file, String type) {
        Path p = stateDir.resolve(file);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        try {
            return Optional.of(TufMetadata.parse(Files.readAllBytes(p), type, p.toString()));
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private void persist(String file, byte[] bytes) {
        try {
            Files.createDirectories(stateDir);
            AtomicFiles.write(stateDir.resolve(file), bytes);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot write " + stateDir.resolve(file) + ": " + e.getMessage(),
                    e);
        }
    }

    private void delete(String file) {
        try {
            Files.deleteIfExists(stateDir.resolve(file));
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot delete " + stateDir.resolve(file) + ": "
                    + e.getMessage(), e);
        }
    }

    private void reset() {
        for (String f : new String[] {"root.json", "timestamp.json", "snapshot.json", "targets.json"}) {
            delete(f);
        }
    }
}
