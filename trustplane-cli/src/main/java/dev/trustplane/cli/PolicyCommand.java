package dev.trustplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.admission.AdmissionRequest;
import dev.trustplane.config.Durations;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.policy.Decision;
import dev.trustplane.policy.Evaluation;
import dev.trustplane.policy.EvaluationJson;
import dev.trustplane.policy.Phase;
import dev.trustplane.policy.Policy;
import dev.trustplane.policy.PolicyEngine;
import dev.trustplane.policy.PolicyLoader;
import dev.trustplane.policy.PolicyProblem;
import dev.trustplane.policy.RegistryImageVerifier;
import dev.trustplane.policy.Resource;
import dev.trustplane.sign.VerifierLimits;
import dev.trustplane.workload.Workload;
import dev.trustplane.workload.WorkloadException;
import dev.trustplane.workload.Workloads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "policy", description = "Check Kyverno-compatible admission policies and try them on images or resources.",
        subcommands = {PolicyCommand.Lint.class, PolicyCommand.Test.class})
final class PolicyCommand implements Runnable {
    private static final ObjectMapper JSON = Json.pretty();
    private static final ObjectMapper YAML = Json.yaml();

    @Spec
    CommandSpec spec;

    PolicyCommand(CliContext ctx) {
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "Missing subcommand: `trustplane policy lint POLICY…` or `trustplane policy test POLICY --image REF`");
    }

    @Command(name = "lint", description = {
            "Read ClusterPolicy and Policy documents (files or directories) and report every problem at once:",
            "unknown or unsupported fields, invalid values, and known traps (mutateDigest with Audit,",
            "rekor/ctlog outside keys/keyless, webhook timeouts over 30 s, predicate types that cannot match).",
            "Exit 13 when a policy has errors (with --strict: or warnings)."})
    static final class Lint implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(arity = "1..*", paramLabel = "POLICY", description = "policy file or directory")
        List<Path> paths;

        @Mixin
        PolicyOptions policy;

        @Option(names = "--strict", description = "warnings fail too")
        boolean strict;

        Lint(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            PolicyLoader loader = policy.loader();
            List<PolicyProblem> problems = new ArrayList<>();
            int policies = 0;
            for (Path p : paths) {
                PolicyLoader.Loaded loaded = loader.load(p);
                problems.addAll(loaded.problems());
                policies += loaded.policies().size();
            }
            long errors = problems.stream().filter(x -> x.severity() == PolicyProblem.Severity.ERROR).count();
            long warnings = problems.size() - errors;
            problems.forEach(x -> ctx.out().println(x));
            ctx.out().println(policies + " polic" + (policies == 1 ? "y" : "ies") + " usable, " + errors + " error"
                    + (errors == 1 ? "" : "s") + ", " + warnings + " warning" + (warnings == 1 ? "" : "s"));
            return errors > 0 || (strict && warnings > 0) ? ExitCode.POLICY_INVALID.code() : ExitCode.OK.code();
        }
    }

    @Command(name = "test", description = {
            "Evaluate policies without a cluster, with the webhook's engine: for images (one Pod with one",
            "container per --image) or for Kubernetes resources in YAML/JSON files. Prints the decision of every",
            "rule per container, and the digest pins mutateDigest would make.",
            "Exit 14 when an Enforce rule would deny."})
    static final class Test implements Callable<Integer> {
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

        Test(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            List<Policy> policies = policy.loader().load(policyPath).orThrow();
            Duration budget = Durations.parse(timeout);
            List<Named> requests = new ArrayList<>();
            if (!inputs.images.isEmpty()) {
                requests.add(new Named("--image", workload(podFor(inputs.images), "--image")));
            }
            for (Path file : inputs.resources) {
                int n = 0;
                for (JsonNode doc : documents(file)) {
                    n++;
                    String kind = doc.path("kind").asText("");
                    String apiVersion = doc.path("apiVersion").asText("");
                    if (kind.isEmpty() || apiVersion.isEmpty()) {
                        throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--resource " + file + " document " + n
                                + " has no kind or apiVersion; pass Kubernetes resources (e.g. a Deployment)");
                    }
                    String name = file + (n > 1 ? " #" + n : "");
                    requests.add(new Named(name, workload(doc, name)));
                }
            }
            ProgressRenderer renderer = registry.renderer(ctx);
            RegistryImageVerifier verifier = new RegistryImageVerifier(registry.client(ctx, renderer), VerifierLimits.DEFAULT,
                    Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofMinutes(1), 1000);
            boolean denied = false;
            ArrayNode json = JSON.createArrayNode();
            try (PolicyEngine engine = new PolicyEngine(policies, verifier)) {
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

        private static List<JsonNode> documents(Path file) {
            try {
                if (Files.size(file) > AdmissionRequest.MAX_BYTES) {
                    throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "--resource " + file + " is larger than "
                            + AdmissionRequest.MAX_BYTES + " bytes");
                }
                List<JsonNode> docs = new ArrayList<>();
                try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(Files.readAllBytes(file))) {
                    while (it.hasNextValue()) {
                        JsonNode d = it.nextValue();
                        if (d != null && d.isObject() && !d.isEmpty()) {
                            if (d.path("kind").asText().equals("List") && d.has("items")) {
                                d.get("items").forEach(docs::add);
                            } else {
                                docs.add(d);
                            }
                        }
                    }
                }
                return docs;
            } catch (NoSuchFileException e) {
                throw new TrustplaneException(ErrorKind.NOT_FOUND, "--resource " + file + " does not exist");
            } catch (IOException | RuntimeException e) {
                if (e instanceof TrustplaneException te) {
                    throw te;
                }
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--resource " + file + " is not valid YAML or"
                        + " JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
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
}
