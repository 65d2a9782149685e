package dev.trustplane.testkit;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real CNCF distribution registry (Debian package docker-registry) on a random free loopback
 * port, optionally with htpasswd Basic authentication. Stopped by {@link #close()}.
 */
public final class RegistryPeer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private RegistryPeer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static RegistryPeer start(Path workDir) {
        return start(workDir, null, null);
    }

    /** Starts a registry; with a user and password, it requires Basic authentication. */
    public static RegistryPeer start(Path workDir, String user, String password) {
        Path binary = Peers.require("docker-registry");
        try {
            Path dir = Files.createDirectories(workDir.resolve("registry-" + System.nanoTime()));
            int port = freePort();
            StringBuilder config = new StringBuilder()
                    .append("version: 0.1\n")
                    .append("log:\n  level: ").append(System.getProperty("trustplane.registry.log", "error")).append("\n  accesslog:\n    disabled: true\n")
                    .append("storage:\n  filesystem:\n    rootdirectory: ").append(dir.resolve("data")).append('\n')
                    .append("  delete:\n    enabled: true\n")
                    .append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
            if (user != null) {
                Path htpasswd = dir.resolve("htpasswd");
                String line = ProcessRunner.runOk(List.of(Peers.require("htpasswd").toString(), "-Bbn", user, password))
                        .stdout().trim();
                Files.writeString(htpasswd, line + "\n");
                config.append("auth:\n  htpasswd:\n    realm: trustplane-test\n    path: ").append(htpasswd)
                        .append('\n');
            }
            Path configFile = dir.resolve("config.yml");
            Files.writeString(configFile, config);
            Process process = new ProcessBuilder(binary.toString(), "serve", configFile.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
            RegistryPeer peer = new RegistryPeer(process, port, dir);
            peer.awaitReady();
            return peer;
        } catch (IOException e) {
            throw new AssertionError("cannot start docker-registry: " + e, e);
        }
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("docker-registry exited at start: " + Files.readString(dir.resolve("registry.log")));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://" + host() + "/v2/").toURL().openConnection();
                c.setConnectTimeout(200);
                int code = c.getResponseCode();
                c.disconnect();
                if (code == 200 || code == 401) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        throw new AssertionError("docker-registry did not answer on " + host() + " within 15 s");
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
