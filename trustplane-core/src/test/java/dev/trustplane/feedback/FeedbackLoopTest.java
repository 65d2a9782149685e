package dev.trustplane.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.trustplane.catalog.CatalogStore;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.fleet.Finding;
import dev.trustplane.fleet.FindingKind;
import dev.trustplane.fleet.FindingStore;
import dev.trustplane.store.Store;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Findings and denials become rebuild requests and tickets, delivered to a GitHub-compatible, a
 * Jira-compatible and a generic webhook API served in process; each fake checks what it is sent.
 * A sink that is down loses nothing: the delivery waits in the store with its error and goes out
 * when the sink is back.
 */
class FeedbackLoopTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    @TempDir
    Path dir;
    private HttpServer server;
    private URI base;
    private final AtomicBoolean down = new AtomicBoolean(true);
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger issues = new AtomicInteger();
    private Store store;
    private Instant now = Instant.parse("2026-12-06T10:00:00Z");

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        store = Store.embedded(dir.resolve("tp.db"));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        String method = x.getRequestMethod();
        String path = x.getRequestURI().getPath();
        byte[] in = x.getRequestBody().readAllBytes();
        if (down.get()) {
            answer(x, 503, "{\"message\":\"down for maintenance\"}");
            return;
        }
        calls.add(method + " " + path);
        JsonNode body = in.length == 0 ? JSON.createObjectNode() : JSON.readTree(in);
        String auth = x.getRequestHeaders().getFirst("Authorization");
        if (path.startsWith("/repos/")) {
            check(auth, "Bearer gh-token", "GitHub auth");
            check(x.getRequestHeaders().getFirst("X-GitHub-Api-Version"), "2022-11-28", "GitHub API version");
            if (method.equals("POST") && path.equals("/repos/team/app/issues")) {
                check(body.path("labels").get(0).asText(), "trustplane", "GitHub labels");
                check(String.valueOf(body.path("title").asText().startsWith("[trustplane] ")), "true", "GitHub title");
                answer(x, 201, "{\"number\": " + issues.incrementAndGet() + "}");
            } else if (method.equals("PATCH")) {
                check(body.path("state").asText(), "closed", "GitHub close");
                answer(x, 200, "{}");
            } else {
                check(String.valueOf(body.path("body").isTextual()), "true", "GitHub comment body");
                answer(x, 201, "{}");
            }
        } else if (path.startsWith("/rest/api/2/")) {
            check(auth, "Bearer jira-pat", "Jira auth");
            if (method.equals("POST") && path.equals("/rest/api/2/issue")) {
                check(body.at("/fields/project/key").asText(), "SEC", "Jira project");
                check(body.at("/fields/issuetype/name").asText(), "Bug", "Jira issue type");
                check(String.valueOf(body.at("/fields/summary").isTextual()), "true", "Jira summary");
                answer(x, 201, "{\"key\": \"SEC-" + issues.incrementAndGet() + "\"}");
            } else if (method.equals("GET") && path.endsWith("/transitions")) {
                answer(x, 200, "{\"transitions\": [{\"id\": \"11\", \"name\": \"Start\", \"to\": {\"name\": \"In"
                        + " Progress\", \"statusCategory\": {\"key\": \"indeterminate\"}}}, {\"id\": \"31\", \"name\":"
                        + " \"Finish\", \"to\": {\"name\": \"Done\", \"statusCategory\": {\"key\": \"done\"}}}]}");
            } else if (path.endsWith("/transitions")) {
                check(body.at("/transition/id").asText(), "31", "Jira transition");
                answer(x, 204, "");
            } else {
                check(String.valueOf(body.path("body").isTextual()), "true", "Jira comment");
                answer(x, 201, "{}");
            }
        } else {
            check(String.valueOf(body.path("action").asText().matches("create|comment|close")), "true", "webhook");
            check(String.valueOf(body.at("/ticket/key").isTextual()), "true", "webhook ticket");
            answer(x, 200, "");
        }
    }

    private void check(String actual, String expected, String what) {
        if (!expected.equals(actual)) {
            problems.add(what + ": " + actual);
        }
    }

    private static void answer(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        }
        x.close();
    }

    private FeedbackLoop loop() {
        Map<String, String> env = Map.of("TRUSTPLANE_GITHUB_TOKEN", "gh-token", "TRUSTPLANE_GITHUB_API", base.toString(),
                "TRUSTPLANE_JIRA_TOKEN", "jira-pat");
        return new FeedbackLoop(store, Sinks.parse(List.of("github:team/app", "jira:SEC@" + base, "webhook:" + base
                + "/hook"), env), Clock.fixed(now, ZoneOffset.UTC), EventListener.NONE);
    }

    private static Finding finding(FindingKind kind, String namespace, String name, String image) {
        return new Finding(kind, namespace, "Deployment", name, "app", image, DIGEST, null, null, List.of(),
                kind + " in " + name, Finding.Status.OPEN, null, null, null, null, null);
    }

    private void findings(Finding... seen) {
        new FindingStore(store).record(now, List.of(seen), f -> true);
    }

    @Test
    void shouldOpenCountAndCloseTicketsAndRequestRebuildsOfCatalogImages() throws Exception {
        new CatalogStore(store).recordPublication(new CatalogStore.Publication("p1", "base-bookworm", "runtime",
                "bookworm", DIGEST, "{}", "reg.example/catalog/base", List.of("12"), "0", "{}", null, now), List.of());
        try (Connection c = store.connect(); PreparedStatement s = c.prepareStatement("INSERT INTO admission_tickets"
                + " (ticket_key, image, policy, rule_name, status, first_seen_ms, last_seen_ms, occurrences, digest,"
                + " last_namespace, last_kind, last_name, last_message) VALUES ('t1', 'evil.example/x:1',"
                + " 'require-signed', 'verify', 'open', 1, 2, 3, NULL, 'prod', 'Pod', 'x', 'no signature')")) {
            s.executeUpdate();
        }
        findings(finding(FindingKind.NOT_ADMITTED, "a", "web", "docker.io/library/nginx:1.25"),
                finding(FindingKind.NOT_ADMITTED, "b", "web", "docker.io/library/nginx:1.25"),
                finding(FindingKind.TAG_MOVED, "a", "api", "vendor.example/api:2"),
                finding(FindingKind.REVOKED_SIGNER, "a", "base", "reg.example/catalog/base:12"));

        // every sink is down: the tickets are open, their deliveries wait with the error
        FeedbackLoop.Result first = loop().tick();
        assertThat(first.rebuildRequests()).isEqualTo(1);
        assertThat(first.opened()).isEqualTo(3);
        assertThat(first.delivered()).isZero();
        assertThat(first.failed()).isEqualTo(3); // one per sink: later deliveries of a failed lane wait
        TicketBook book = new TicketBook(store);
        assertThat(book.pending()).hasSize(9);
        assertThat(book.pending()).filteredOn(d -> d.lastError() != null).allSatisfy(d ->
                assertThat(d.lastError()).contains("503"));
        assertThat(new CatalogStore(store).pendingRebuilds()).singleElement().satisfies(r -> {
            assertThat(r.image()).isEqualTo("base-bookworm");
            assertThat(r.reason()).startsWith("REVOKED_SIGNER");
        });

        // back up; before the backoff nothing is sent, after it everything is, once
        down.set(false);
        now = now.plusSeconds(10);
        assertThat(loop().tick().delivered()).isZero();
        now = now.plusSeconds(60);
        FeedbackLoop.Result second = loop().tick();
        assertThat(second.delivered()).isEqualTo(9);
        assertThat(second.pending()).isZero();
        assertThat(second.rebuildRequests()).isZero(); // once per finding
        assertThat(calls).filteredOn(c -> c.equals("POST /repos/team/app/issues")).hasSize(3);
        assertThat(calls).filteredOn(c -> c.equals("POST /rest/api/2/issue")).hasSize(3);
        assertThat(new TicketBook(store).links()).hasSize(3).allSatisfy((k, v) -> assertThat(v).hasSize(3));

        // a repeat is a comment, not a new ticket; a cause that is gone closes its ticket everywhere
        calls.clear();
        now = now.plusSeconds(60);
        findings(finding(FindingKind.NOT_ADMITTED, "a", "web", "docker.io/library/nginx:1.25"),
                finding(FindingKind.NOT_ADMITTED, "b", "web", "docker.io/library/nginx:1.25"),
                finding(FindingKind.NOT_ADMITTED, "c", "web", "docker.io/library/nginx:1.25"),
                finding(FindingKind.REVOKED_SIGNER, "a", "base", "reg.example/catalog/base:12"));
        FeedbackLoop.Result third = loop().tick();
        assertThat(third.opened()).isZero();
        assertThat(third.commented()).isEqualTo(3);
        assertThat(third.resolved()).isEqualTo(1);
        Map<String, Map<String, String>> links = new TicketBook(store).links();
        Ticket nginx = new TicketBook(store).tickets().stream().filter(t -> t.image().contains("nginx")).findFirst()
                .orElseThrow();
        Ticket api = new TicketBook(store).tickets().stream().filter(t -> t.image().contains("vendor")).findFirst()
                .orElseThrow();
        assertThat(calls).contains("POST /repos/team/app/issues/" + links.get(nginx.key()).get("github:team/app")
                        + "/comments", "PATCH /repos/team/app/issues/" + links.get(api.key()).get("github:team/app"),
                "POST /rest/api/2/issue/" + links.get(api.key()).get("jira:SEC@127.0.0.1") + "/transitions",
                "POST /hook")
                .doesNotContain("POST /repos/team/app/issues", "POST /rest/api/2/issue");
        assertThat(nginx.occurrences()).isEqualTo(3);
        assertThat(new TicketBook(store).tickets()).filteredOn(t -> t.status() == Ticket.Status.RESOLVED)
                .singleElement().satisfies(t -> assertThat(t.image()).isEqualTo("vendor.example/api:2"));
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldRefuseSinksItCannotUse() {
        assertThatThrownBy(() -> Sinks.parse("github:team/app", Map.of())).isInstanceOf(TrustplaneException.class)
                .hasMessageContaining("TRUSTPLANE_GITHUB_TOKEN");
        assertThatThrownBy(() -> Sinks.parse("jira:SEC", Map.of("TRUSTPLANE_JIRA_TOKEN", "t")))
                .hasMessageContaining("jira:PROJECT@https://");
        assertThatThrownBy(() -> Sinks.parse("slack:#sec", Map.of())).hasMessageContaining("Unknown ticket sink");
        assertThatThrownBy(() -> Sinks.parse("webhook:ftp://x", Map.of())).hasMessageContaining("http(s)");
    }
}
