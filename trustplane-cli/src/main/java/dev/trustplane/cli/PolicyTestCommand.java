package dev.trustplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.admission.AdmissionRequest;
import dev.trustplane.config.Durations;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.policy.ContextSource;
import dev.trustplane.policy.Decision;
import dev.trustplane.policy.Evaluation;
import dev.trustplane.policy.EvaluationJson;
import dev.trustplane.policy.Phase;
import dev.trustplane.policy.Policy;
import dev.trustplane.policy.PolicyEngine;
import dev.trustplane.policy.PolicyLoader;
import dev.trustplane.policy.RegistryImageVerifier;
import dev.trustplane.policy.Resource;
import dev.trustplane.trust.RevocationStore;
import dev.trustplane.verify.VerifierLimits;
import dev.trustplane.workload.Manifests;
import dev.trustplane.workload.Workload;
import dev.trustplane.workload.WorkloadException;
import dev.trustplane.workload.Workloads;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "test", description = {
        "Evaluate policies without a cluster, with the webhook's engine: for images (one Pod with one",
        "container per --image) or for Kubernetes resources in YAML/JSON files. Prints the decision of every",
        "rule per container, and the digest pins mutateDigest would make.",
        "Exit 14 when an Enforce rule would deny."})
final class PolicyTestCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = Json.pretty();
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "POLICY", description = "policy file or directory")
    Path policyPath;

    @ArgGroup(exclusive = false, multiplicity = "1")
    Inputs inputs;

    static final class Inputs {
        @Option(names = "--image", paramLabel = "REF", description = "an image to admit (repeatable)")
        List<String> images = new ArrayList<>();

        @Option(names = "--resource", paramLabel = "FILE", description = "Kubernetes resources (YAML or JSON, several"
                + " documents allowed; repeatable)")
        List<Path> resources = new ArrayList<>();
    }

    @Option(names = "--namespace", paramLabel = "NS", defaultValue = "default",
            description = "namespace of --image pods and of resources without one (default: ${DEFAULT-VALUE})")
    String namespace;

    @Option(names = "--namespace-labels", paramLabel = "KEY=VALUE", split = ",",
            description = "labels of the namespace, for namespaceSelector rules")
    Map<String, String> namespaceLabels;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "time budget for verification (default: ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE})")
    VerifyOptions.Output output;

    @Mixin
    PolicyOptions policy;

    @Mixin
    RegistryOptions registry;

    PolicyTestCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        PolicyLoader.Loaded loaded = policy.loader(ctx).load(policyPath);
        List<Policy> policies = loaded.orThrow();
        Duration budget = Durations.parse(timeout);
        List<Named> requests = new ArrayList<>();
        if (!inputs.images.isEmpty()) {
            requests.add(new Named("--image", workload(podFor(inputs.images), "--image")));
        }
        List<JsonNode> configMaps = new ArrayList<>(loaded.configMaps());
        for (Path file : inputs.resources) {
            for (Manifests.Document doc : Manifests.read(file, "--resource", AdmissionRequest.MAX_BYTES)) {
                if (doc.object().path("kind").asText().equals("ConfigMap")
                        && doc.object().path("apiVersion").asText().equals("v1")) {
                    configMaps.add(doc.object()); // what context entries read, as the cluster would hold it
                } else {
                    requests.add(new Named(doc.name(), workload(doc.object(), doc.name())));
                }
            }
        }
        ProgressRenderer renderer = registry.renderer(ctx);
        // Revoked signers count here as in admission, when a store exists (policy test never creates one).
        RevocationStore revocations = RevocationStore.existing(ctx.env());
        RegistryImageVerifier verifier = new RegistryImageVerifier(registry.client(ctx, renderer), VerifierLimits.DEFAULT,
                Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofMinutes(1), 1000,
                revocations::current);
        boolean denied = false;
        ArrayNode json = JSON.createArrayNode();
        try (PolicyEngine engine = new PolicyEngine(policies, verifier, ContextSource.of(configMaps, ContextSource.NONE),
                Clock.systemUTC()); revocations) {
            for (Named r : requests) {
                Resource resource = Resource.of(r.workload, null, "CREATE", USER, null,
                        r.workload.namespace().isEmpty() ? null
                                : () -> namespaceLabels == null ? null : Map.copyOf(namespaceLabels));
                Evaluation ev = engine.evaluate(resource, Phase.OFFLINE, budget);
                denied |= ev.denied();
                if (output == VerifyOptions.Output.JSON) {
                    json.add(EvaluationJson.evaluation(r.name, resource, ev));
                } else {
                    text(r.name, resource, ev);
                }
            }
        } finally {
            renderer.finish();
        }
        if (output == VerifyOptions.Output.JSON) {
            try {
                ctx.out().println(JSON.writeValueAsString(json));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return denied ? ExitCode.DENIED.code() : ExitCode.OK.code();
    }

    private record Named(String name, Workload workload) {
    }

    /** Who asks, as message variables see it ({{request.userInfo.username}}). */
    private static final ObjectNode USER = JSON.createObjectNode().put("username", "trustplane-policy-test");

    /** The workload of one input document, in --namespace unless it names its own. */
    private Workload workload(JsonNode doc, String name) {
        String ns = doc.path("metadata").path("namespace").asText(namespace);
        try {
            String apiVersion = doc.path("apiVersion").asText("");
            return Workloads.of(apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "",
                    apiVersion.substring(apiVersion.indexOf('/') + 1), doc.path("kind").asText(""), ns, doc);
        } catch (WorkloadException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, name + ": request.object" + e.path() + " "
                    + e.problem());
        }
    }

    private ObjectNode podFor(List<String> images) {
        ObjectNode pod = JSON.createObjectNode();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        pod.putObject("metadata").put("name", "policy-test").put("namespace", namespace);
        ArrayNode containers = pod.putObject("spec").putArray("containers");
        for (int i = 0; i < images.size(); i++) {
            containers.addObject().put("name", "c" + i).put("image", images.get(i));
        }
        return pod;
    }

    private void text(String name, Resource r, Evaluation ev) {
        ctx.out().println(r.label() + " (" + name + "): " + (ev.denied() ? "DENIED" : "ALLOWED")
                + (ev.warnings().isEmpty() ? "" : " with " + ev.warnings().size() + " warning"
                + (ev.warnings().size() == 1 ? "" : "s")));
        if (ev.decisions().isEmpty()) {
            ctx.out().println("  no rule applies");
        }
        for (Decision d : ev.decisions()) {
            ctx.out().println(String.format("  %-5s %-7s %s/%s %s", d.verdict(), d.action().label(), d.policy(),
                    d.rule(), d.container() == null ? "" : d.container()));
            ctx.out().println("        " + d.message());
        }
        for (Evaluation.Pin p : ev.pins()) {
            ctx.out().println("  PIN   " + p.pointer() + " → " + p.image());
        }
    }
}
