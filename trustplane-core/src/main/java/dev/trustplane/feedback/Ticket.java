package dev.trustplane.feedback;

import java.time.Instant;

/**
 * One ticket: an image and a cause (an admission policy that denied it, a kind of drift
 * finding), opened once, counted on repeats, resolved when the cause is gone.
 */
public record Ticket(String key, Origin origin, String image, String cause, String title, String body,
        Status status, long occurrences, Instant firstSeen, Instant lastSeen, Instant resolvedAt) {

    /** Where the cause was seen. */
    public enum Origin { ADMISSION, DRIFT }

    public enum Status { OPEN, RESOLVED }
}
