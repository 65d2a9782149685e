package dev.trustplane.trust;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.store.Store;
import dev.trustplane.verify.Revocations;
import dev.trustplane.verify.Revocations.Revocation;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Revoked signers in the store. {@link #current} is what every verification asks for: it reads
 * the list's version (one indexed row) and reloads the list only when it moved, so a revocation
 * written by any process — {@code trust revoke}, another replica — is in force for the next
 * verification, never after a cache's TTL. When the store cannot be read, {@link #current}
 * throws: a verification that cannot know what is revoked does not pass (fail closed).
 */
public final class RevocationStore implements AutoCloseable {
    private final Store store;
    private Connection connection;
    private Revocations cached = Revocations.NONE;
    private long cachedVersion = -1;
    private long readStartedNanos;
    private long shared;

    /**
     * One revocation as listed: the entry, the key's PEM when it is a key, who recorded it, and
     * when and why it was lifted (null while in force).
     */
    public record Listed(Revocation revocation, String publicKeyPem, String revokedBy, Instant unrevokedAt,
            String unrevokeReason) {

        public boolean active() {
            return unrevokedAt == null;
        }
    }

    public RevocationStore(Store store) {
        this.store = store;
    }

    /**
     * The revocations of the store the environment names when it exists already, else none: for
     * commands that only read them ({@code verify}, {@code policy test}, {@code policy simulate}),
     * which never create a store.
     */
    public static RevocationStore existing(Map<String, String> env) {
        return new RevocationStore(Store.existing(env).orElse(null));
    }

    /** The store this list lives in. */
    public Store store() {
        return store;
    }

    /**
     * The signers revoked now, with the list's version: read from the store after this call began.
     * Callers that queue while one read runs share the next read's answer when it started after
     * they arrived (a revocation committed before a call began is always seen), so N concurrent
     * verifications cost a read or two, not N, and none sees a list older than its own start.
     */
    public Revocations current() {
        if (store == null) {
            return Revocations.NONE;
        }
        long arrival = System.nanoTime();
        synchronized (this) {
            if (cachedVersion >= 0 && readStartedNanos - arrival > 0) {
                shared++;
                return cached;
            }
            long started = System.nanoTime();
            try {
                Connection c = connection();
                long version;
                try (PreparedStatement s = c.prepareStatement("SELECT version FROM trust_state WHERE name = 'revocations'");
                        ResultSet r = s.executeQuery()) {
                    version = r.next() ? r.getLong(1) : 0;
                }
                if (version != cachedVersion) {
                    List<Revocation> active = new ArrayList<>();
                    for (Listed l : list(c, false)) {
                        active.add(l.revocation());
                    }
                    cached = new Revocations(version, active);
                    cachedVersion = version;
                }
                readStartedNanos = started;
                return cached;
            } catch (SQLException e) {
                closeQuietly();
                throw new TrustplaneException(ErrorKind.UNREACHABLE, "The revocation list in " + store.location()
                        + " could not be read (" + e.getMessage() + "); a signature is not trusted while Trustplane"
                        + " cannot tell whether its signer was revoked — check the store");
            }
        }
    }

    /** Calls of {@link #current} answered by a read another call started after they began. */
    public synchronized long sharedReads() {
        return shared;
    }

    /** Revokes a public key; {@code since} null revokes every signature it made. */
    public Revocation revokeKey(PublicKey key, String pem, Instant since, String reason, String by) {
        return insert(Keys.hint(key), pem, null, null, since, reason, by);
    }

    /** Revokes a keyless identity: certificates for {@code subject} issued through {@code issuer}. */
    public Revocation revokeIdentity(String subject, String issuer, Instant since, String reason, String by) {
        return insert(null, null, subject, issuer, since, reason, by);
    }

    /** Lifts revocation {@code id}; false when there is no such revocation in force. */
    public boolean unrevoke(long id, String reason) {
        try (Connection c = store.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("UPDATE trust_revocations SET unrevoked_at_ms = ?,"
                    + " unrevoke_reason = ? WHERE id = ? AND unrevoked_at_ms IS NULL")) {
                s.setLong(1, System.currentTimeMillis());
                s.setString(2, reason);
                s.setLong(3, id);
                if (s.executeUpdate() == 0) {
                    c.rollback();
                    return false;
                }
                bump(c);
                c.commit();
                return true;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** Every revocation, in force first; with {@code all}, also those lifted. */
    public List<Listed> list(boolean all) {
        try (Connection c = store.connect()) {
            return list(c, all);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private Revocation insert(String hint, String pem, String subject, String issuer, Instant since, String reason,
            String by) {
        if (reason == null || reason.isBlank()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "A revocation needs a reason (--reason TEXT): it"
                    + " is shown in every denial and finding it causes");
        }
        try (Connection c = store.connect()) {
            c.setAutoCommit(false);
            try {
                for (Listed l : list(c, false)) {
                    Revocation r = l.revocation();
                    boolean same = hint != null ? hint.equals(r.keyHint())
                            : subject.equals(r.subject()) && issuer.equals(r.issuer());
                    if (same) {
                        throw new TrustplaneException(ErrorKind.INVALID_INPUT, r.signer() + " is already revoked"
                                + " (revocation " + r.id() + "); run `trustplane trust unrevoke " + r.id()
                                + "` first to change it");
                    }
                }
                long id;
                try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(MAX(id), 0) + 1 FROM trust_revocations");
                        ResultSet r = s.executeQuery()) {
                    r.next();
                    id = r.getLong(1);
                }
                long now = System.currentTimeMillis();
                try (PreparedStatement s = c.prepareStatement("INSERT INTO trust_revocations (id, key_hint, public_key,"
                        + " subject, issuer, since_ms, reason, revoked_at_ms, revoked_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    s.setLong(1, id);
                    s.setString(2, hint);
                    s.setString(3, pem);
                    s.setString(4, subject);
                    s.setString(5, issuer);
                    if (since == null) {
                        s.setNull(6, Types.BIGINT);
                    } else {
                        s.setLong(6, since.toEpochMilli());
                    }
                    s.setString(7, reason);
                    s.setLong(8, now);
                    s.setString(9, by);
                    s.executeUpdate();
                }
                bump(c);
                c.commit();
                return new Revocation(id, hint, subject, issuer, since, reason, Instant.ofEpochMilli(now));
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private static void bump(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE trust_state SET version = version + 1 WHERE name = 'revocations'")) {
            s.executeUpdate();
        }
    }

    private static List<Listed> list(Connection c, boolean all) throws SQLException {
        List<Listed> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, key_hint, public_key, subject, issuer, since_ms,"
                + " reason, revoked_at_ms, revoked_by, unrevoked_at_ms, unrevoke_reason FROM trust_revocations"
                + (all ? "" : " WHERE unrevoked_at_ms IS NULL") + " ORDER BY id");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                long since = r.getLong(6);
                Instant sinceAt = r.wasNull() ? null : Instant.ofEpochMilli(since);
                long unrevoked = r.getLong(10);
                Instant unrevokedAt = r.wasNull() ? null : Instant.ofEpochMilli(unrevoked);
                out.add(new Listed(new Revocation(r.getLong(1), r.getString(2), r.getString(4), r.getString(5),
                        sinceAt, r.getString(7), Instant.ofEpochMilli(r.getLong(8))), r.getString(3), r.getString(9),
                        unrevokedAt, r.getString(11)));
            }
        }
        out.sort((a, b) -> Boolean.compare(!a.active(), !b.active()));
        return out;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = store.connect();
        }
        return connection;
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // reconnect on the next call
        }
        connection = null;
    }

    private TrustplaneException failed(SQLException e) {
        return new TrustplaneException(store.postgres() ? ErrorKind.UNREACHABLE : ErrorKind.IO, "The revocation list in "
                + store.location() + " could not be changed or read: " + e.getMessage());
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
