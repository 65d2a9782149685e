package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Break-glass: a workload annotated {@code trustplane.dev/break-glass: "<ticket>"} and
 * {@code trustplane.dev/break-glass-expires: <RFC 3339>} is admitted although Enforce rules fail
 * — their denials become warnings — and the exception itself is a decision (rule
 * {@code break-glass}) that the ledger records and drift reports until it expires. An exception
 * without a ticket, without an expiry, with an expiry that is not RFC 3339, already past, or more
 * than {@link #MAX_LIFETIME} ahead is denied: an exception that never ends is a policy bypass
 * (ADR 011).
 */
public final class BreakGlass {
    public static final String ANNOTATION = "trustplane.dev/break-glass";
    public static final String EXPIRES = "trustplane.dev/break-glass-expires";
    /** The longest a break-glass exception may run. */
    public static final Duration MAX_LIFETIME = Duration.ofDays(7);

    private BreakGlass() {
    }

    /**
     * The break-glass annotations of a workload: its own metadata's, else its pod template's.
     *
     * @param ticket  the ticket named, or null when the workload asks for no exception
     * @param expires the annotation's expiry as written, or null
     */
    public record Request(String ticket, String expires) {

        /** The expiry, or null when it is missing or not RFC 3339. */
        public Instant expiresAt() {
            if (expires == null) {
                return null;
            }
            try {
                return OffsetDateTime.parse(expires.strip()).toInstant();
            } catch (DateTimeParseException e) {
                return null;
            }
        }

        /** Why the exception is refused at {@code now}, or null when it holds. */
        public String problem(Instant now) {
            if (ticket.isBlank()) {
                return ANNOTATION + " names no ticket; write the incident or change ticket as its value";
            }
            if (expires == null || expires.isBlank()) {
                return "break-glass " + ticket + " has no " + EXPIRES + "; add one (RFC 3339, at most "
                        + MAX_LIFETIME.toDays() + " days ahead) — an exception without an end is not accepted";
            }
            Instant at = expiresAt();
            if (at == null) {
                return "break-glass " + ticket + ": " + EXPIRES + " '" + expires + "' is not an RFC 3339 time"
                        + " (e.g. 2026-12-24T18:00:00Z)";
            }
            if (!at.isAfter(now)) {
                return "break-glass " + ticket + " expired at " + at + "; fix the workload, or renew the exception"
                        + " with a new expiry";
            }
            if (at.isAfter(now.plus(MAX_LIFETIME))) {
                return "break-glass " + ticket + " expires at " + at + ", more than " + MAX_LIFETIME.toDays()
                        + " days ahead; set " + EXPIRES + " to at most " + now.plus(MAX_LIFETIME);
            }
            return null;
        }
    }

    /** The break-glass request of an object (and its pod template), or null when it makes none. */
    public static Request of(JsonNode object, JsonNode pod) {
        for (JsonNode o : new JsonNode[] {object, pod}) {
            JsonNode annotations = o == null ? null : o.path("metadata").path("annotations");
            if (annotations != null && annotations.has(ANNOTATION)) {
                JsonNode expires = annotations.get(EXPIRES);
                return new Request(annotations.get(ANNOTATION).asText(""),
                        expires == null || expires.isNull() ? null : expires.asText());
            }
        }
        return null;
    }

    /** {@code evaluation} under the resource's break-glass request at {@code now}. */
    static Evaluation apply(Resource resource, Evaluation evaluation, Instant now) {
        Request request = of(resource.object(), resource.pod());
        if (request == null) {
            return evaluation;
        }
        List<Decision> decisions = new ArrayList<>();
        String problem = request.problem(now);
        if (problem != null) {
            decisions.addAll(evaluation.decisions());
            decisions.add(new Decision("trustplane", "", "break-glass", FailureAction.ENFORCE, null, null, null,
                    Outcome.FAIL, "break-glass refused for " + resource.label() + ": " + problem, List.of()));
            return new Evaluation(decisions, evaluation.pins());
        }
        String tag = "[break-glass " + request.ticket() + " until " + request.expiresAt() + "] ";
        int overridden = 0;
        for (Decision d : evaluation.decisions()) {
            if (d.denies()) {
                overridden++;
                decisions.add(new Decision(d.policy(), d.policyHash(), d.rule(), FailureAction.AUDIT, d.container(),
                        d.image(), d.digest(), d.verdict(), tag + d.message(), d.signers(), d.revoked()));
            } else {
                decisions.add(d);
            }
        }
        decisions.add(new Decision("trustplane", "", "break-glass", FailureAction.AUDIT, null, null, null,
                Outcome.FAIL, resource.label() + " admitted by break-glass " + request.ticket() + " until "
                + request.expiresAt() + (overridden == 0 ? " (no Enforce rule failed)" : " over " + overridden
                + " Enforce failure" + (overridden == 1 ? "" : "s")) + "; drift reports it until it expires — fix the"
                + " workload and remove the annotations", List.of()));
        return new Evaluation(decisions, evaluation.pins());
    }
}
