package dev.trustplane.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local Fulcio and Rekor on a random loopback port: the handlers of the npm package
 * {@code @sigstore/mock} (installed by scripts/install-peers into .peers/sigstore-mock) served by
 * a small Node script, with a matching {@code trusted_root.json} and the PEM files cosign reads.
 * Certificates live 10 minutes; the identity lands in a URI SAN.
 */
public final class SigstorePeer implements AutoCloseable {
    public static final String ISSUER = "https://fake.oidcissuer.com";
    private final Process process;
    private final Path dir;
    private final int port;

    private SigstorePeer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    public static SigstorePeer start(Path workDir) {
        return start(workDir, 0);
    }

    /** With {@code rekorClockOffsetSeconds}, Rekor dates entries that far from now. */
    public static SigstorePeer start(Path workDir, long rekorClockOffsetSeconds) {
        Path modules = Peers.peersDir().resolve("sigstore-mock/node_modules");
        if (!Files.isDirectory(modules.resolve("@sigstore/mock"))) {
            throw new AssertionError("The npm package @sigstore/mock is not installed in " + modules
                    + ". Run scripts/install-peers (scripts/test runs it first)");
        }
        Path node = Peers.require("node");
        try {
            Files.createDirectories(workDir);
            Path script = workDir.resolve("sigstore-mock.js");
            try (InputStream in = SigstorePeer.class.getResourceAsStream("sigstore-mock.js")) {
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            ProcessBuilder pb = new ProcessBuilder(node.toString(), script.toString(), workDir.toString(),
                    Long.toString(rekorClockOffsetSeconds)).redirectError(workDir.resolve("sigstore-mock.err").toFile());
            pb.environment().put("NODE_PATH", modules.toString());
            Process p = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(30, TimeUnit.SECONDS);
            Matcher m = line == null ? null : Pattern.compile("\"port\":(\\d+)").matcher(line);
            if (m == null || !m.find()) {
                p.destroyForcibly();
                throw new AssertionError("the Sigstore mock did not start: " + Files.readString(
                        workDir.resolve("sigstore-mock.err")));
            }
            return new SigstorePeer(p, workDir, Integer.parseInt(m.group(1)));
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot start the Sigstore mock: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Fulcio and Rekor share this base URL. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Path trustedRoot() {
        return dir.resolve("trusted_root.json");
    }

    /** The environment cosign needs to verify offline against this instance. */
    public Map<String, String> cosignEnv() {
        return Map.of("SIGSTORE_ROOT_FILE", dir.resolve("fulcio-root.pem").toString(),
                "SIGSTORE_REKOR_PUBLIC_KEY", dir.resolve("rekor.pub").toString(),
                "SIGSTORE_CT_LOG_PUBLIC_KEY_FILE", dir.resolve("ctlog.pub").toString());
    }

    /**
     * An OIDC identity token for {@code subject} from {@link #ISSUER}. Its HMAC signature is never
     * checked (the mock Fulcio trusts any token), but it is well formed, as cosign requires.
     */
    public static String identityToken(String subject) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + subject + "\",\"email\":\""
                + subject + "\",\"email_verified\":true,\"aud\":\"sigstore\",\"exp\":4102444800,\"iat\":1700000000}")
                .getBytes(StandardCharsets.UTF_8));
        return header + "." + claims + "." + b64.encodeToString(new byte[32]);
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
