package dev.trustplane.feedback;

import dev.trustplane.config.Env;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Ticket sinks from their command-line spelling: {@code webhook:URL}, {@code github:OWNER/REPO}
 * (token from {@code TRUSTPLANE_GITHUB_TOKEN}, API from {@code TRUSTPLANE_GITHUB_API}) and
 * {@code jira:PROJECT@URL} (credentials from {@code TRUSTPLANE_JIRA_USER} / {@code _TOKEN}).
 */
public final class Sinks {
    private Sinks() {
    }

    public static List<TicketSink> parse(List<String> specs, Map<String, String> env) {
        List<TicketSink> sinks = new ArrayList<>();
        for (String spec : specs) {
            sinks.add(parse(spec, env));
        }
        return sinks;
    }

    public static TicketSink parse(String spec, Map<String, String> env) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String rest = colon < 0 ? "" : spec.substring(colon + 1);
        try {
            return switch (kind) {
                case "webhook" -> new WebhookSink(URI.create(rest));
                case "github" -> new GitHubSink(URI.create(Env.TRUSTPLANE_GITHUB_API.read(env)
                        .orElse("https://api.github.com")), rest, Env.TRUSTPLANE_GITHUB_TOKEN.read(env).orElse(null));
                case "jira" -> {
                    int at = rest.indexOf('@');
                    if (at < 1) {
                        throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Ticket sink " + spec + " names no"
                                + " server; write jira:PROJECT@https://jira.example.com");
                    }
                    URI base = URI.create(rest.substring(at + 1));
                    if (base.getScheme() == null || !base.getScheme().matches("https?")) {
                        throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Ticket sink " + spec + ": the server"
                                + " must be an http(s) URL");
                    }
                    yield new JiraSink(base, rest.substring(0, at), Env.TRUSTPLANE_JIRA_ISSUE_TYPE.read(env)
                            .orElse(null), Env.TRUSTPLANE_JIRA_USER.read(env).orElse(null),
                            Env.TRUSTPLANE_JIRA_TOKEN.read(env).orElse(null));
                }
                default -> throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Unknown ticket sink '" + spec
                        + "'; use webhook:URL, github:OWNER/REPO or jira:PROJECT@URL");
            };
        } catch (IllegalArgumentException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Ticket sink " + spec + " holds a malformed URL: "
                    + e.getMessage(), e);
        }
    }
}
