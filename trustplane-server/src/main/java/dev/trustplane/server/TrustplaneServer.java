package dev.trustplane.server;

import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The long-running front end over the same core engine as the CLI. For now it serves the
 * liveness and readiness probes a Kubernetes deployment needs; the admission webhook, the REST
 * API and the schedulers are added on top of this server.
 */
public final class TrustplaneServer implements AutoCloseable {
    private final WebServer server;
    private final AtomicBoolean ready = new AtomicBoolean(false);

    private TrustplaneServer(String host, int port, String version) {
        this.server = WebServer.builder()
                .host(host)
                .port(port)
                .routing(r -> r
                        .get("/healthz", (req, res) -> res.send("ok\n"))
                        .get("/readyz", (req, res) -> {
                            if (ready.get()) {
                                res.send("ready\n");
                            } else {
                                res.status(Status.SERVICE_UNAVAILABLE_503).send("starting\n");
                            }
                        })
                        .get("/version", (req, res) -> res.send(version + "\n")))
                .build();
    }

    /** Starts on {@code host:port} (port 0 picks a free one) and marks the server ready. */
    public static TrustplaneServer start(String host, int port, String version) {
        TrustplaneServer s = new TrustplaneServer(host, port, version);
        s.server.start();
        s.ready.set(true);
        return s;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        ready.set(false);
        server.stop();
    }
}
