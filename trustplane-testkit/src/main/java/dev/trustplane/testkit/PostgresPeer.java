package dev.trustplane.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real PostgreSQL (Debian's, under /usr/lib/postgresql/N/bin) in a fresh data directory on a
 * random free loopback port, trust authentication for the superuser {@code trustplane}. As root,
 * initdb and pg_ctl run as the {@code postgres} user (initdb refuses root). Stopped by {@link #close()}.
 */
public final class PostgresPeer implements AutoCloseable {
    private final Path bin;
    private final Path dir;
    private final int port;

    private PostgresPeer(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    public static PostgresPeer start() {
        Path bin = binDir();
        try {
            Path dir = Files.createTempDirectory("trustplane-pg-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            int port = RegistryPeer.freePort();
            PostgresPeer peer = new PostgresPeer(bin, dir, port);
            if (root()) {
                ProcessRunner.runOk(List.of("chown", "postgres:postgres", dir.toString()));
            }
            peer.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust",
                    "-U", "trustplane", "--no-sync", "-E", "UTF8"));
            peer.run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                    dir.resolve("postgres.log").toString(), "-w", "-t", "30", "-o", "-p " + port + " -k " + dir
                    + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
            return peer;
        } catch (IOException e) {
            throw new AssertionError("cannot start PostgreSQL: " + e, e);
        }
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void run(List<String> command) {
        List<String> cmd = new ArrayList<>();
        if (root()) {
            cmd.addAll(List.of(Peers.require("runuser").toString(), "-u", "postgres", "--"));
        }
        cmd.addAll(command);
        ProcessRunner.Result r = ProcessRunner.run(cmd, Map.of(), 120, dir);
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (" + r.exitCode() + "): " + r.stdout()
                    + r.stderr());
        }
    }

    private static Path binDir() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.naturalOrder()).orElseThrow(() -> missing(null));
        } catch (IOException e) {
            throw missing(e);
        }
    }

    private static AssertionError missing(Exception cause) {
        return new AssertionError("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb). Run"
                + " scripts/install-peers (scripts/test runs it first); it installs the Debian package postgresql", cause);
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/postgres}; user {@code trustplane}, no password. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String user() {
        return "trustplane";
    }

    @Override
    public void close() {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w",
                    "stop"));
        } finally {
            ProcessRunner.run(List.of("rm", "-rf", dir.toString()), Map.of(), 60);
        }
    }
}
