package dev.trustplane.oci.registry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to retry a registry request: on 429, 502, 503, 504 (and 500 for reads) and broken connections, with
 * exponential backoff and jitter, honouring {@code Retry-After} up to {@code maxRetryAfter}.
 */
record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxRetryAfter) {

    public static final RetryPolicy DEFAULT =
            new RetryPolicy(5, Duration.ofMillis(250), Duration.ofSeconds(8), Duration.ofSeconds(60));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    static boolean retriableStatus(int status) {
        return status == 429 || status == 502 || status == 503 || status == 504;
    }

    /** The backoff before attempt {@code attempt + 1} (attempt counts from 1). */
    Duration backoff(int attempt) {
        long base = baseDelay.toMillis() << Math.min(attempt - 1, 16);
        long capped = Math.min(base, maxDelay.toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }
}
