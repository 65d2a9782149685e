package dev.trustplane.feedback;

/**
 * Where tickets go. Each call either succeeds or throws a {@code TrustplaneException} saying
 * why; the outbox retries failed calls later, so an implementation never retries by itself.
 */
public interface TicketSink {
    /** A stable name, e.g. {@code github:team/app}: deliveries and links are kept per sink. */
    String name();

    /** Opens the ticket; returns its reference in the sink (an issue number, a Jira key). */
    String create(Ticket ticket);

    /** Adds {@code text} to the ticket at {@code ref}. */
    void comment(String ref, Ticket ticket, String text);

    /** Closes the ticket at {@code ref}: its cause is gone. */
    void close(String ref, Ticket ticket);
}
