package dev.trustplane.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Jira (REST API v2, Cloud and Data Center): create {@code POST /rest/api/2/issue} in the
 * project, comment {@code POST …/issue/KEY/comment}, close by the first transition whose target
 * status is in the "done" category (or is named Done, Closed or Resolved).
 */
public final class JiraSink implements TicketSink {
    private final URI base;
    private final String project;
    private final String issueType;
    private final SinkHttp http;

    /** {@code user} null: {@code token} is a bearer token (Data Center PAT); else basic auth (Cloud API token). */
    public JiraSink(URI base, String project, String issueType, String user, String token) {
        if (!project.matches("[A-Z][A-Z0-9_]{0,49}")) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Ticket sink jira:" + project + "@" + base
                    + " does not name a project key; write jira:PROJECT@https://jira.example.com");
        }
        if (token == null || token.isBlank()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Ticket sink jira:" + project + " needs a token: set"
                    + " TRUSTPLANE_JIRA_TOKEN (and TRUSTPLANE_JIRA_USER for Jira Cloud)");
        }
        String b = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1)
                : base.toString();
        this.base = URI.create(b);
        this.project = project;
        this.issueType = issueType == null || issueType.isBlank() ? "Bug" : issueType;
        String auth = user == null || user.isBlank() ? "Bearer " + token : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
        this.http = new SinkHttp(name(), Map.of("Authorization", auth));
    }

    @Override
    public String name() {
        return "jira:" + project + "@" + base.getHost();
    }

    private URI uri(String path) {
        return URI.create(base + "/rest/api/2" + path);
    }

    @Override
    public String create(Ticket ticket) {
        JsonNode issue = http.send("POST", uri("/issue"), Map.of("fields", Map.of(
                "project", Map.of("key", project),
                "summary", ticket.title().length() > 250 ? ticket.title().substring(0, 250) : ticket.title(),
                "description", ticket.body(),
                "issuetype", Map.of("name", issueType),
                "labels", List.of("trustplane"))));
        if (!issue.path("key").isTextual()) {
            throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "ticket sink " + name() + " created an issue but"
                    + " its answer has no key");
        }
        return issue.path("key").asText();
    }

    @Override
    public void comment(String ref, Ticket ticket, String text) {
        http.send("POST", uri("/issue/" + ref + "/comment"), Map.of("body", text));
    }

    @Override
    public void close(String ref, Ticket ticket) {
        JsonNode transitions = http.send("GET", uri("/issue/" + ref + "/transitions"), null).path("transitions");
        String id = null;
        for (JsonNode t : transitions) {
            String category = t.path("to").path("statusCategory").path("key").asText("");
            String name = t.path("to").path("name").asText(t.path("name").asText("")).toLowerCase(Locale.ROOT);
            if (category.equals("done") || name.equals("done") || name.equals("closed") || name.equals("resolved")) {
                id = t.path("id").asText();
                break;
            }
        }
        if (id == null) {
            throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "ticket sink " + name() + " offers no transition"
                    + " to a done status for " + ref + "; close it by hand or add such a transition to the workflow");
        }
        http.send("POST", uri("/issue/" + ref + "/comment"), Map.of("body", "Resolved: " + ticket.cause()
                + " is gone for " + ticket.image() + " (Trustplane)."));
        http.send("POST", uri("/issue/" + ref + "/transitions"), Map.of("transition", Map.of("id", id)));
    }
}
