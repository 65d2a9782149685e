package dev.trustplane.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A registry on loopback that answers {@code /v2/} at once and every other request as a hostile
 * or broken registry would: {@link Mode#TRICKLE} sends a manifest's headers and then one byte of
 * its body every {@code byteEvery} milliseconds; {@link Mode#SILENT} accepts the connection and
 * never answers. No real registry can be made to do this on demand.
 */
public final class StallingRegistry implements AutoCloseable {
    /** How requests other than {@code /v2/} are (not) answered. */
    public enum Mode { TRICKLE, SILENT }

    private static final String MANIFEST = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
            + "0".repeat(64) + "\",\"size\":2},\"layers\":[]}";

    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stalling-registry");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> open = new ArrayList<>();
    private final Mode mode;
    private final long byteEvery;

    private StallingRegistry(Mode mode, long byteEvery) throws IOException {
        this.mode = mode;
        this.byteEvery = byteEvery;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.submit(this::accept);
    }

    public static StallingRegistry start(Mode mode, long byteEveryMillis) {
        try {
            return new StallingRegistry(mode, byteEveryMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                synchronized (open) {
                    open.add(s);
                }
                pool.submit(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            while (true) {
                String request = in.readLine();
                if (request == null) {
                    return;
                }
                String line;
                while ((line = in.readLine()) != null && !line.isEmpty()) {
                    // headers are not needed
                }
                String path = request.split(" ")[1];
                if (path.equals("/v2/")) {
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    continue;
                }
                if (mode == Mode.SILENT) {
                    Thread.sleep(Long.MAX_VALUE);
                }
                byte[] body = MANIFEST.getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                for (byte b : body) {
                    Thread.sleep(byteEvery);
                    out.write(b);
                    out.flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client gave up or the registry was closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        synchronized (open) {
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
        pool.shutdownNow();
    }
}
