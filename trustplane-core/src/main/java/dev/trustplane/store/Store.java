package dev.trustplane.store;

import dev.trustplane.config.Directories;
import dev.trustplane.config.Env;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Trustplane's state: an embedded SQLite file by default, PostgreSQL in cluster mode (a JDBC
 * URL). Opening applies the schema migrations ({@code migrations/V<n>__<name>.sql}, portable SQL)
 * that the database does not have yet, each in one transaction, recorded in
 * {@code trustplane_schema}; on PostgreSQL an advisory lock keeps replicas that start together
 * from applying one twice. A database newer than this build (an unknown version) is refused.
 */
public final class Store {
    /** The migrations in order; a new one is appended, never edited. */
    static final List<String> MIGRATIONS = List.of("V1__admission_ledger.sql", "V2__revocations_and_findings.sql",
            "V3__catalog.sql", "V4__feedback.sql", "V5__audits.sql", "V6__audit_image_cache.sql",
            "V7__shared_verifications.sql");
    private static final long MIGRATION_LOCK = 0x7472757374L;

    /** Connections kept open for reuse, at most this many: opening one costs a file open or a TCP login each time. */
    private static final int MAX_IDLE = 8;
    private static final long VALIDATE_AFTER_NANOS = 5_000_000_000L;

    private final String url;
    private final Properties properties;
    private final boolean postgres;
    private final Deque<Idle> idle = new ConcurrentLinkedDeque<>();

    private record Idle(Connection connection, long since) {
    }

    private Store(String url, Properties properties) {
        this.url = url;
        this.properties = properties;
        this.postgres = url.startsWith("jdbc:postgresql:");
    }

    /** The store the environment names: TRUSTPLANE_STORE_URL, else the SQLite file in the data directory. */
    public static Store fromEnvironment(Map<String, String> env) {
        return Env.TRUSTPLANE_STORE_URL.read(env)
                .map(u -> open(u, Env.TRUSTPLANE_STORE_USER.read(env).orElse(null),
                        Env.TRUSTPLANE_STORE_PASSWORD.read(env).orElse(null)))
                .orElseGet(() -> embedded(dataDirectory(env).resolve("trustplane.db")));
    }

    /**
     * The store the environment names when it exists already: TRUSTPLANE_STORE_URL, or the
     * embedded file when a command before created it. For commands that read state (revocations)
     * but should not create a database as a side effect.
     */
    public static Optional<Store> existing(Map<String, String> env) {
        if (Env.TRUSTPLANE_STORE_URL.read(env).isPresent()) {
            return Optional.of(fromEnvironment(env));
        }
        Path file = dataDirectory(env).resolve("trustplane.db");
        return Files.isRegularFile(file) ? Optional.of(embedded(file)) : Optional.empty();
    }

    /** $TRUSTPLANE_DATA, else $XDG_DATA_HOME/trustplane, else ~/.local/share/trustplane. */
    public static Path dataDirectory(Map<String, String> env) {
        return Directories.data(env);
    }

    /** The embedded store in {@code file} (created with its directory when missing). */
    public static Store embedded(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Could not create the directory of the store " + file + ": "
                    + e.getMessage() + "; set TRUSTPLANE_DATA to a writable directory");
        }
        Properties p = new Properties();
        p.setProperty("journal_mode", "WAL");
        p.setProperty("busy_timeout", "10000");
        p.setProperty("synchronous", "NORMAL");
        Store store = new Store("jdbc:sqlite:" + file.toAbsolutePath(), p);
        store.migrate();
        return store;
    }

    /** A store at a JDBC URL: {@code jdbc:postgresql://…} or {@code jdbc:sqlite:FILE}. */
    public static Store open(String url, String user, String password) {
        if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:sqlite:")) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Store URL " + url.replaceAll("//[^@/]*@", "//***@")
                    + " is neither jdbc:postgresql://HOST:PORT/DB nor jdbc:sqlite:FILE");
        }
        if (url.startsWith("jdbc:sqlite:")) {
            return embedded(Path.of(url.substring("jdbc:sqlite:".length())));
        }
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", "10");
        p.setProperty("tcpKeepAlive", "true");
        Store store = new Store(url, p);
        store.migrate();
        return store;
    }

    public boolean postgres() {
        return postgres;
    }

    /** Where the store is, without credentials. */
    public String location() {
        return url.replaceAll("//[^@/]*@", "//***@");
    }

    /**
     * A connection; the caller closes it. Closing returns it to a small set of idle connections
     * (rolled back if a transaction was left open, auto-commit restored) that the next call reuses;
     * a PostgreSQL connection idle for more than 5 s is checked before it is handed out again, and
     * one that fails any of this is closed for good.
     */
    public Connection connect() {
        try {
            for (Idle i = idle.pollFirst(); i != null; i = idle.pollFirst()) {
                if (postgres && System.nanoTime() - i.since() > VALIDATE_AFTER_NANOS && !valid(i.connection())) {
                    closeQuietly(i.connection());
                    continue;
                }
                return pooled(i.connection());
            }
            return pooled(DriverManager.getConnection(url, properties));
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    private static boolean valid(Connection c) {
        try {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private Connection pooled(Connection real) {
        AtomicBoolean closed = new AtomicBoolean();
        return (Connection) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close" -> {
                            if (closed.compareAndSet(false, true)) {
                                release(real);
                            }
                            return null;
                        }
                        case "isClosed" -> {
                            if (closed.get()) {
                                return true;
                            }
                        }
                        case "equals" -> {
                            return proxy == args[0];
                        }
                        case "hashCode" -> {
                            return System.identityHashCode(proxy);
                        }
                        default -> {
                        }
                    }
                    if (closed.get()) {
                        throw new SQLException("The store's connection was closed already");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private void release(Connection c) {
        try {
            if (!c.isClosed()) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
                if (idle.size() < MAX_IDLE) {
                    idle.offerFirst(new Idle(c, System.nanoTime()));
                    return;
                }
            }
        } catch (SQLException e) {
            // a connection that cannot be reset is not reused
        }
        closeQuietly(c);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing for good: nothing left to do
        }
    }

    TrustplaneException unreachable(SQLException e) {
        return new TrustplaneException(postgres ? ErrorKind.UNREACHABLE : ErrorKind.IO, "The store " + location()
                + " could not be used: " + e.getMessage() + (postgres ? "; check TRUSTPLANE_STORE_URL and that"
                + " PostgreSQL runs" : "; check the file and its directory are writable"));
    }

    /** The schema version the database has. */
    public int schemaVersion() {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            return version(s);
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    private void migrate() {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                if (postgres) {
                    s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
                }
                s.execute("CREATE TABLE IF NOT EXISTS trustplane_schema (version INTEGER PRIMARY KEY,"
                        + " description VARCHAR(200) NOT NULL, applied_at_ms BIGINT NOT NULL)");
                c.commit();
            }
            for (int i = 0; i < MIGRATIONS.size(); i++) {
                int version = i + 1;
                try (Statement s = c.createStatement()) {
                    if (postgres) {
                        s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
                    }
                    int have = version(s);
                    if (i == 0 && have > MIGRATIONS.size()) {
                        c.rollback();
                        throw new TrustplaneException(ErrorKind.UNSUPPORTED, "The store " + location() + " has schema"
                                + " version " + have + ", newer than this Trustplane knows (" + MIGRATIONS.size()
                                + "); upgrade Trustplane");
                    }
                    if (have >= version) {
                        c.commit();
                        continue;
                    }
                    for (String statement : script(MIGRATIONS.get(i))) {
                        s.execute(statement);
                    }
                    s.execute("INSERT INTO trustplane_schema (version, description, applied_at_ms) VALUES (" + version
                            + ", '" + MIGRATIONS.get(i).replace("'", "") + "', " + System.currentTimeMillis() + ")");
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    private static int version(Statement s) throws SQLException {
        try (ResultSet r = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM trustplane_schema")) {
            r.next();
            return r.getInt(1);
        }
    }

    private static List<String> script(String name) {
        try (InputStream in = Store.class.getResourceAsStream("migrations/" + name)) {
            if (in == null) {
                throw new IllegalStateException("migration " + name + " is missing from the build");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Arrays.stream(text.replaceAll("(?m)^--.*$", "").split(";"))
                    .map(String::strip).filter(x -> !x.isEmpty()).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
