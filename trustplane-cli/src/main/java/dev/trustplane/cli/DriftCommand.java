package dev.trustplane.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.config.Durations;
import dev.trustplane.fleet.DriftPass;
import dev.trustplane.fleet.Finding;
import dev.trustplane.fleet.FindingKind;
import dev.trustplane.fleet.FindingsJson;
import dev.trustplane.fleet.PolicyReports;
import dev.trustplane.fleet.Inventory;
import dev.trustplane.io.Json;
import dev.trustplane.policy.Policy;
import dev.trustplane.policy.RegistryImageVerifier;
import dev.trustplane.store.Store;
import dev.trustplane.trust.RevocationStore;
import dev.trustplane.verify.VerifierLimits;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "drift", description = {
        "One drift pass: what runs (from `kubectl get … -o json` files or the Kubernetes",
        "API) against what admission recorded, the policies and the trust in force now.",
        "Reports DIGEST_DRIFT, NOT_ADMITTED, REVOKED_SIGNER, TAG_MOVED,",
        "POLICY_REGRESSION and BREAK_GLASS findings, records them in the store (a",
        "finding no longer seen is resolved, never deleted) and lists every finding",
        "still open.",
        "Exit 15 when open findings of the --fail-on kinds remain; 16 when some checks",
        "could not run."},
        subcommands = DriftSuppressCommand.class)
final class DriftCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    InventoryOptions inventory;

    @Option(names = "--policies", paramLabel = "DIR", description = "the policies in force (Kyverno-compatible files);"
            + " without them REVOKED_SIGNER, POLICY_REGRESSION and TAG_MOVED are not checked")
    Path policies;

    @Option(names = "--exclude-namespace", paramLabel = "NS", split = ",",
            description = "namespaces left out (repeatable); their findings stay as they are")
    List<String> excluded = new ArrayList<>();

    @Option(names = "--fail-on", paramLabel = "KIND", split = ",",
            description = "exit 15 only for open findings of these kinds (default: every kind)")
    List<FindingKind> failOn = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "time one workload's verification may take (default: ${DEFAULT-VALUE})")
    String timeout;

    /** How findings are printed. */
    enum Output { TABLE, JSON, POLICYREPORT }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table, json, or policyreport (wgpolicyk8s.io/v1alpha2 PolicyReports, one per namespace, as a"
                    + " List for `kubectl apply -f -`) (default: ${DEFAULT-VALUE})")
    Output output;

    @Mixin
    PolicyOptions policy;

    @Mixin
    RegistryOptions registry;

    DriftCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Duration budget = Durations.parse(timeout);
        List<Policy> inForce = policies == null ? null : policy.loader(ctx).load(policies).orThrow();
        Inventory running = inventory.read(ctx);
        Store store = Store.fromEnvironment(ctx.env());
        ProgressRenderer renderer = registry.renderer(ctx);
        DriftPass.Result result;
        try (RevocationStore revocations = new RevocationStore(store)) {
            RegistryImageVerifier verifier = new RegistryImageVerifier(registry.client(ctx, renderer),
                    VerifierLimits.DEFAULT, Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofMinutes(1), 100_000,
                    revocations::current);
            result = new DriftPass(inForce, verifier, store, Clock.systemUTC(), budget)
                    .run(running, new HashSet<>(excluded));
        } finally {
            renderer.finish();
        }
        if (output == Output.JSON) {
            ctx.out().println(Formats.json(FindingsJson.of(result.open())));
        } else if (output == Output.POLICYREPORT) {
            ObjectNode list = Json.mapper().createObjectNode().put("apiVersion", "v1").put("kind", "List");
            ArrayNode items = list.putArray("items");
            PolicyReports.of(result.open(), result.finished()).forEach(items::add);
            ctx.out().println(Formats.json(list));
        } else {
            table(result, store);
        }
        for (String line : result.incomplete().subList(0, Math.min(20, result.incomplete().size()))) {
            ctx.err().println("warning: not checked: " + line);
        }
        if (result.incomplete().size() > 20) {
            ctx.err().println("warning: … and " + (result.incomplete().size() - 20) + " more checks could not run");
        }
        if (!result.unchecked().isEmpty()) {
            ctx.err().println("note: " + String.join(", ", result.unchecked().stream().map(Enum::name).toList())
                    + " not checked: pass --policies DIR");
        }
        if (!result.complete()) {
            return ExitCode.DRIFT_INCOMPLETE.code();
        }
        boolean failing = result.open().stream().anyMatch(f -> f.status() == Finding.Status.OPEN
                && (failOn.isEmpty() || failOn.contains(f.kind())));
        return failing ? ExitCode.DRIFT.code() : 0;
    }

    private void table(DriftPass.Result result, Store store) {
        long open = result.open().stream().filter(f -> f.status() == Finding.Status.OPEN).count();
        long suppressed = result.open().size() - open;
        ctx.out().println(open + " open finding" + (open == 1 ? "" : "s") + (suppressed > 0 ? " (" + suppressed
                + " suppressed)" : "") + " after a pass over " + result.workloads() + " workloads (" + result.containers()
                + " containers) at " + result.started() + "; recorded in " + store.location());
        if (result.open().isEmpty()) {
            return;
        }
        ctx.out().printf("%n%-17s %-40s %-26s %-19s %-10s %s%n", "KIND", "WORKLOAD", "CONTAINER", "RUNNING", "STATUS",
                "FIRST SEEN");
        for (Finding f : result.open()) {
            ctx.out().printf("%-17s %-40s %-26s %-19s %-10s %s%n", f.kind(), f.workloadLabel(), f.container(),
                    f.runningDigest() == null ? "-" : f.runningDigest().substring(0, Math.min(19, f.runningDigest()
                            .length())), f.status().name().toLowerCase(Locale.ROOT), f.firstSeen());
            ctx.out().println("    " + f.message());
            if (f.status() == Finding.Status.SUPPRESSED) {
                ctx.out().println("    suppressed until " + f.suppressedUntil() + ": " + f.suppressedReason());
            }
        }
    }
}
