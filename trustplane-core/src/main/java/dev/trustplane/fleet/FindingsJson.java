package dev.trustplane.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import java.util.List;
import java.util.Locale;

/**
 * The JSON shape of findings, the one every front end writes ({@code drift -o json}): an array of
 * objects with {@code id}, {@code kind}, {@code namespace}, {@code workloadKind}, {@code workload},
 * {@code container}, {@code image}, {@code runningDigest}, {@code admittedDigest}, {@code tagDigest},
 * {@code signers}, {@code status} ({@code open}, {@code resolved}, {@code suppressed}),
 * {@code message}, {@code firstSeen}, {@code lastSeen}, and the suppression's reason and end.
 */
public final class FindingsJson {
    private FindingsJson() {
    }

    public static ArrayNode of(List<Finding> findings) {
        ArrayNode array = Json.mapper().createArrayNode();
        for (Finding f : findings) {
            ObjectNode o = array.addObject();
            o.put("id", f.id());
            o.put("kind", f.kind().name());
            o.put("namespace", f.namespace());
            o.put("workloadKind", f.workloadKind());
            o.put("workload", f.workload());
            o.put("container", f.container());
            o.put("image", f.image());
            o.put("runningDigest", f.runningDigest());
            o.put("admittedDigest", f.admittedDigest());
            o.put("tagDigest", f.tagDigest());
            ArrayNode signers = o.putArray("signers");
            f.signers().forEach(signers::add);
            o.put("status", f.status().name().toLowerCase(Locale.ROOT));
            o.put("message", f.message());
            o.put("firstSeen", String.valueOf(f.firstSeen()));
            o.put("lastSeen", String.valueOf(f.lastSeen()));
            if (f.status() == Finding.Status.SUPPRESSED) {
                o.put("suppressedReason", f.suppressedReason());
                o.put("suppressedUntil", String.valueOf(f.suppressedUntil()));
            }
        }
        return array;
    }
}
