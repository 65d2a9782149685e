package dev.trustplane.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.catalog.CatalogJson;
import dev.trustplane.catalog.CatalogUpdater;
import dev.trustplane.catalog.Rebuilder;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Catalog rebuilds as Kubernetes Jobs ({@code serve --rebuild-jobs TEMPLATE}): per image one
 * {@code batch/v1} Job made from the operator's template (the server image, the catalog and
 * signing key mounted, the store's Secret in the environment), its first container running
 * {@code trustplane catalog update DIR -o PREFIX --image NAME [--force] --result-file
 * /dev/termination-log} after the template's own arguments. The leader creates them all, then
 * follows each Job until it completes or fails or the timeout passes, and reads the outcome from
 * its pod's termination message (the publication itself, with its lockfile, is in the shared
 * store). A Job that cannot be created, fails, or leaves no readable result is a FAILED outcome
 * saying which Job and why.
 */
public final class RebuildJobs implements Rebuilder {
    static final String JOBS = "/apis/batch/v1/namespaces/{namespace}/jobs";
    static final String PODS = "/api/v1/namespaces/{namespace}/pods";

    private final KubernetesInventory api;
    private final String namespace;
    private final ObjectNode template;
    private final String catalogDir;
    private final Duration timeout;
    private final Duration pollEvery;
    private final Clock clock;
    private final EventListener listener;

    /**
     * @param template   a batch/v1 Job (its first container runs the server image)
     * @param catalogDir where the catalog is mounted in the Job's pod
     */
    public RebuildJobs(KubernetesInventory api, String namespace, JsonNode template, String catalogDir,
            Duration timeout, Duration pollEvery, Clock clock, EventListener listener) {
        if (!template.path("kind").asText().equals("Job")
                || template.path("spec").path("template").path("spec").path("containers").path(0).isMissingNode()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "The rebuild Job template is not a batch/v1 Job"
                    + " with a container (spec.template.spec.containers[0]); see deploy/examples/rebuild-job.yaml");
        }
        this.api = api;
        this.namespace = namespace;
        this.template = template.deepCopy();
        this.catalogDir = catalogDir;
        this.timeout = timeout;
        this.pollEvery = pollEvery;
        this.clock = clock;
        this.listener = listener;
    }

    @Override
    public List<CatalogUpdater.Outcome> rebuild(List<String> images, List<String> force, String prefix) {
        Map<String, String> jobs = new LinkedHashMap<>(); // image → Job name, or null when it could not start
        Map<String, CatalogUpdater.Outcome> outcomes = new LinkedHashMap<>();
        for (String image : images) {
            ObjectNode job = job(image, force.contains(image), prefix);
            String name = job.path("metadata").path("name").asText();
            try {
                api.create(JOBS, job);
                jobs.put(image, name);
                listener.info("catalog: rebuild of " + image + " started as Job " + namespace + "/" + name);
            } catch (TrustplaneException e) {
                outcomes.put(image, failed(image, prefix, "the rebuild Job " + name + " could not be created: "
                        + e.getMessage()));
            }
        }
        Instant deadline = clock.instant().plus(timeout);
        while (outcomes.size() < images.size()) {
            for (Map.Entry<String, String> j : jobs.entrySet()) {
                if (!outcomes.containsKey(j.getKey())) {
                    CatalogUpdater.Outcome o = finished(j.getKey(), j.getValue(), prefix);
                    if (o != null) {
                        outcomes.put(j.getKey(), o);
                    } else if (!clock.instant().isBefore(deadline)) {
                        outcomes.put(j.getKey(), failed(j.getKey(), prefix, "the rebuild Job " + j.getValue()
                                + " did not finish within " + timeout.toMinutes() + " min; it keeps running (kubectl -n "
                                + namespace + " describe job " + j.getValue() + ")"));
                    }
                }
            }
            if (outcomes.size() < images.size()) {
                sleep();
            }
        }
        List<CatalogUpdater.Outcome> ordered = new ArrayList<>();
        images.forEach(i -> ordered.add(outcomes.get(i)));
        return ordered;
    }

    /** The Job for {@code image}: the template, named, labelled, its container's arguments completed. */
    ObjectNode job(String image, boolean forced, String prefix) {
        ObjectNode job = template.deepCopy();
        String name = ("trustplane-rebuild-" + image.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-"))
                .replaceAll("-+$", "");
        name = name.substring(0, Math.min(name.length(), 50)) + "-" + Long.toString(clock.millis(), 36);
        ObjectNode meta = job.path("metadata").isObject() ? (ObjectNode) job.path("metadata") : job.putObject("metadata");
        meta.put("name", name).put("namespace", namespace);
        ObjectNode labels = meta.path("labels").isObject() ? (ObjectNode) meta.path("labels") : meta.putObject("labels");
        labels.put("app.kubernetes.io/managed-by", "trustplane").put("trustplane.dev/rebuild", image
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-"));
        ObjectNode spec = (ObjectNode) job.path("spec");
        if (!spec.has("backoffLimit")) {
            spec.put("backoffLimit", 0); // a failed build is reported, not retried blindly
        }
        if (!spec.has("ttlSecondsAfterFinished")) {
            spec.put("ttlSecondsAfterFinished", 86_400);
        }
        ObjectNode podSpec = (ObjectNode) spec.path("template").path("spec");
        podSpec.put("restartPolicy", "Never");
        ObjectNode container = (ObjectNode) podSpec.path("containers").path(0);
        List<String> extra = new ArrayList<>();
        container.path("args").forEach(a -> extra.add(a.asText()));
        ArrayNode args = container.putArray("args");
        for (String a : List.of("catalog", "update", catalogDir, "-o", prefix, "--image", image)) {
            args.add(a);
        }
        if (forced) {
            args.add("--force");
        }
        extra.forEach(args::add);
        args.add("--result-file").add("/dev/termination-log");
        container.put("terminationMessagePath", "/dev/termination-log");
        return job;
    }

    /** The outcome of Job {@code name} when it has finished, else null. */
    private CatalogUpdater.Outcome finished(String image, String name, String prefix) {
        JsonNode job;
        try {
            job = api.read(JOBS, namespace, name);
        } catch (TrustplaneException e) {
            listener.warn("catalog: rebuild Job " + name + " could not be read (" + e.getMessage() + "); retrying");
            return null;
        }
        if (job == null) {
            return failed(image, prefix, "the rebuild Job " + name + " disappeared before it finished");
        }
        JsonNode status = job.path("status");
        boolean complete = status.path("succeeded").asInt() > 0 || condition(status, "Complete");
        boolean failed = condition(status, "Failed");
        if (!complete && !failed) {
            return null;
        }
        String message = terminationMessage(name);
        if (message != null) {
            try {
                for (CatalogUpdater.Outcome o : CatalogJson.parseResult(message)) {
                    if (o.image().equals(image)) {
                        return o;
                    }
                }
            } catch (TrustplaneException e) {
                return failed(image, prefix, "the rebuild Job " + name + " left an unreadable result: " + e.getMessage());
            }
        }
        return failed(image, prefix, "the rebuild Job " + name + (failed ? " failed" : " finished") + " without a"
                + " result for " + image + " (kubectl -n " + namespace + " logs job/" + name + ")");
    }

    private static boolean condition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (c.path("type").asText().equals(type) && c.path("status").asText().equals("True")) {
                return true;
            }
        }
        return false;
    }

    /** The termination message of the Job's (last) pod's first container, if any. */
    private String terminationMessage(String job) {
        String path = PODS.replace("{namespace}", URLEncoder.encode(namespace, StandardCharsets.UTF_8))
                + "?labelSelector=" + URLEncoder.encode("job-name=" + job, StandardCharsets.UTF_8);
        String found = null;
        try {
            for (JsonNode pod : api.items(path, new String[1])) {
                String message = pod.path("status").path("containerStatuses").path(0).path("state").path("terminated")
                        .path("message").asText("");
                if (!message.isEmpty() && message.length() <= CatalogJson.MAX_RESULT_BYTES) {
                    found = message;
                }
            }
        } catch (TrustplaneException e) {
            listener.warn("catalog: the pods of rebuild Job " + job + " could not be listed: " + e.getMessage());
        }
        return found;
    }

    private static CatalogUpdater.Outcome failed(String image, String prefix, String why) {
        return new CatalogUpdater.Outcome(image, CatalogUpdater.Outcome.Result.FAILED, prefix + "/" + image, List.of(),
                List.of(), why);
    }

    private void sleep() {
        try {
            Thread.sleep(pollEvery.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "Interrupted while following the rebuild Jobs");
        }
    }
}
