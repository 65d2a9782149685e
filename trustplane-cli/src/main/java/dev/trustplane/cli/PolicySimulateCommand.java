package dev.trustplane.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.config.Durations;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.fleet.Simulation;
import dev.trustplane.io.Json;
import dev.trustplane.policy.Policy;
import dev.trustplane.policy.RegistryImageVerifier;
import dev.trustplane.store.Store;
import dev.trustplane.trust.RevocationStore;
import dev.trustplane.verify.VerifierLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "simulate", description = {
        "The runway from Audit to Enforce: which running workloads (or which requests",
        "admitted since a time) each rule would deny, grouped by namespace and team,",
        "with the reason. Audit rules show what switching them to Enforce would deny;",
        "Enforce rules what applying the policies would deny. With --baseline (the",
        "policies in force), breakages the baseline already has are marked known.",
        "Exit 14 when the policies would deny a running workload under Enforce that the",
        "baseline does not."})
final class PolicySimulateCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Option(names = "--policies", required = true, paramLabel = "DIR", description = "the policies to simulate")
    Path policies;

    @Option(names = "--baseline", paramLabel = "DIR", description = "the policies in force now, to tell new breakages"
            + " from known ones")
    Path baseline;

    @Option(names = "--from-ledger", paramLabel = "SINCE", description = "judge the requests admitted since SINCE"
            + " (RFC 3339, or a duration back from now: 24h, 7d) from the ledger, instead of what runs")
    String fromLedger;

    @Option(names = "--team-label", paramLabel = "KEY", defaultValue = "team",
            description = "namespace (else workload) label naming the team (default: ${DEFAULT-VALUE})")
    String teamLabel;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "time one workload's verification may take (default: ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE})")
    Formats.Listing output;

    @Mixin
    InventoryOptions inventory;

    @Mixin
    PolicyOptions policy;

    @Mixin
    RegistryOptions registry;

    PolicySimulateCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        List<Policy> simulated = policy.loader(ctx).load(policies).orThrow();
        Simulation.Result result;
        if (fromLedger != null) {
            if (inventory.given()) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Give either --from-ledger or an inventory"
                        + " (--inventory, --kube-api), not both");
            }
            result = Simulation.fromLedger(Store.fromEnvironment(ctx.env()), since(fromLedger));
        } else {
            List<Policy> before = baseline == null ? null : policy.loader(ctx).load(baseline).orThrow();
            var running = inventory.read(ctx);
            ProgressRenderer renderer = registry.renderer(ctx);
            RevocationStore revocations = RevocationStore.existing(ctx.env());
            try (revocations) {
                RegistryImageVerifier verifier = new RegistryImageVerifier(registry.client(ctx, renderer),
                        VerifierLimits.DEFAULT, Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofMinutes(1),
                        100_000, revocations::current);
                result = Simulation.running(running, simulated, before, verifier, teamLabel,
                        Durations.parse(timeout));
            } finally {
                renderer.finish();
            }
        }
        if (output == Formats.Listing.JSON) {
            ArrayNode array = Json.mapper().createArrayNode();
            for (Simulation.Breakage b : result.breakages()) {
                ObjectNode o = array.addObject();
                o.put("policy", b.policy());
                o.put("rule", b.rule());
                o.put("mode", b.mode());
                o.put("namespace", b.namespace());
                o.put("team", b.team());
                o.put("workload", b.workload());
                o.put("container", b.container());
                o.put("image", b.image());
                o.put("known", b.known());
                o.put("reason", b.reason());
            }
            ctx.out().println(Formats.json(array));
        } else {
            table(result);
        }
        for (String u : result.undecided().subList(0, Math.min(20, result.undecided().size()))) {
            ctx.err().println("warning: undecided: " + u);
        }
        boolean breaks = result.breakages().stream().anyMatch(b -> b.mode().equals("Enforce") && !b.known());
        return breaks && fromLedger == null ? ExitCode.DENIED.code() : 0;
    }

    private void table(Simulation.Result result) {
        Map<String, List<Simulation.Breakage>> byRule = new LinkedHashMap<>();
        result.breakages().forEach(b -> byRule.computeIfAbsent(b.policy() + "/" + b.rule() + " (" + b.mode() + ")",
                k -> new ArrayList<>()).add(b));
        ctx.out().println(result.judged() + (fromLedger != null ? " admitted requests" : " running pods (one per"
                + " distinct set of digests)") + " judged; " + result.breakages().size() + " would be denied by "
                + byRule.size() + " rule" + (byRule.size() == 1 ? "" : "s"));
        byRule.forEach((rule, list) -> {
            ctx.out().println();
            ctx.out().println(rule + (rule.endsWith("(Audit)") ? ": would deny once Enforce" : ": denies once applied"));
            Map<String, List<Simulation.Breakage>> byGroup = new LinkedHashMap<>();
            list.forEach(b -> byGroup.computeIfAbsent(b.namespace() + " (team " + b.team() + ")",
                    k -> new ArrayList<>()).add(b));
            byGroup.forEach((group, items) -> {
                ctx.out().println("  " + group + ": " + items.size());
                for (Simulation.Breakage b : items) {
                    ctx.out().println("    " + b.workload() + (b.container() == null ? "" : " " + b.container())
                            + (b.known() ? " [known]" : "") + " — " + b.reason());
                }
            });
        });
    }

    static Instant since(String text) {
        if (text.matches("\\d{1,5}d")) {
            return Instant.now().minus(Duration.ofDays(Long.parseLong(text.substring(0, text.length() - 1))));
        }
        try {
            return Instant.now().minus(Durations.parse(text));
        } catch (TrustplaneException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException ex) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--from-ledger '" + text + "' is neither an RFC"
                        + " 3339 time (2026-12-01T00:00:00Z) nor a duration (24h, 7d)");
            }
        }
    }
}
