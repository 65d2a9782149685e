package dev.trustplane.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.ImageReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pods of a workload that differ in what they run: one pod per distinct set of running
 * digests (a Deployment mid-rollout has two), each with the digest of every image it runs, keyed
 * by the image's normalised reference.
 */
record Samples(List<Sample> samples) {

    /** One pod and what it runs: container label → running image. */
    record Sample(JsonNode pod, Map<String, RunningImage> images) {

        /** Image reference → running digest, for the images whose digest is known. */
        Map<String, String> digests() {
            Map<String, String> out = new HashMap<>();
            for (RunningImage i : images.values()) {
                String ref = normalised(i.image());
                if (i.digest() != null && ref != null) {
                    out.put(ref, i.digest());
                }
            }
            return out;
        }
    }

    static Samples of(RunningWorkload w) {
        Map<String, Map<String, RunningImage>> byPod = new LinkedHashMap<>();
        for (RunningImage i : w.images()) {
            for (String pod : i.pods()) {
                byPod.computeIfAbsent(pod, k -> new TreeMap<>()).put(i.container(), i);
            }
        }
        Map<String, Sample> distinct = new LinkedHashMap<>();
        for (JsonNode pod : w.pods()) {
            Map<String, RunningImage> images = byPod.getOrDefault(pod.path("metadata").path("name").asText(""), Map.of());
            StringBuilder signature = new StringBuilder();
            images.forEach((c, i) -> signature.append(c).append('=').append(i.image()).append('@').append(i.digest())
                    .append('\n'));
            distinct.putIfAbsent(signature.toString(), new Sample(pod, images));
        }
        return new Samples(new ArrayList<>(distinct.values()));
    }

    /** The normalised reference of an image as written, or null when it does not parse. */
    static String normalised(String image) {
        try {
            return ImageReference.parse(image).toString();
        } catch (TrustplaneException e) {
            return null;
        }
    }
}
