package dev.trustplane.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * GitHub issues (REST API v3, also GitHub Enterprise and compatible APIs such as Gitea's):
 * create {@code POST /repos/OWNER/REPO/issues} (labelled {@code trustplane}), comment
 * {@code POST …/issues/N/comments}, close {@code PATCH …/issues/N} with state closed.
 */
public final class GitHubSink implements TicketSink {
    private final URI api;
    private final String repo;
    private final SinkHttp http;

    public GitHubSink(URI api, String repo, String token) {
        if (!repo.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Ticket sink github:" + repo + " does not name a"
                    + " repository; write github:OWNER/REPO");
        }
        if (token == null || token.isBlank()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Ticket sink github:" + repo + " needs a token:"
                    + " set TRUSTPLANE_GITHUB_TOKEN (a token that may write issues)");
        }
        String base = api.toString().endsWith("/") ? api.toString().substring(0, api.toString().length() - 1)
                : api.toString();
        this.api = URI.create(base);
        this.repo = repo;
        this.http = new SinkHttp(name(), Map.of("Authorization", "Bearer " + token, "Accept",
                "application/vnd.github+json", "X-GitHub-Api-Version", "2022-11-28"));
    }

    @Override
    public String name() {
        return "github:" + repo;
    }

    private URI uri(String path) {
        return URI.create(api + "/repos/" + repo + path);
    }

    @Override
    public String create(Ticket ticket) {
        JsonNode issue = http.send("POST", uri("/issues"), Map.of("title", ticket.title(), "body", ticket.body(),
                "labels", List.of("trustplane")));
        if (!issue.path("number").canConvertToLong()) {
            throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "ticket sink " + name() + " created an issue but"
                    + " its answer has no number");
        }
        return issue.path("number").asText();
    }

    @Override
    public void comment(String ref, Ticket ticket, String text) {
        http.send("POST", uri("/issues/" + ref + "/comments"), Map.of("body", text));
    }

    @Override
    public void close(String ref, Ticket ticket) {
        http.send("POST", uri("/issues/" + ref + "/comments"), Map.of("body", "Resolved: " + ticket.cause()
                + " is gone for " + ticket.image() + " (Trustplane)."));
        http.send("PATCH", uri("/issues/" + ref), Map.of("state", "closed", "state_reason", "completed"));
    }
}
