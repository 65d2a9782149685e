package dev.trustplane.cli;

import dev.trustplane.audit.AuditConfig;
import dev.trustplane.audit.AuditHtml;
import dev.trustplane.audit.AuditJson;
import dev.trustplane.audit.AuditReport;
import dev.trustplane.audit.AuditTable;
import dev.trustplane.audit.FleetAudit;
import dev.trustplane.config.Durations;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.fleet.DriftPass;
import dev.trustplane.fleet.Inventory;
import dev.trustplane.io.AtomicFiles;
import dev.trustplane.oci.Digest;
import dev.trustplane.policy.RegistryImageVerifier;
import dev.trustplane.sigstore.TrustedRoot;
import dev.trustplane.store.Store;
import dev.trustplane.trust.RevocationStore;
import dev.trustplane.verify.TrustSpec;
import dev.trustplane.verify.VerifierLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", description = {
        "Audit what runs: per running digest its origin, signing state (verified by",
        "whom, signed but unverifiable, unsigned, unknown), vulnerabilities, age and",
        "whether it is abandoned; per workload its team, compliance scope, environment",
        "and open drift findings — ranked into a remediation order whose every rank",
        "carries its reasons. Stored, so the next audit shows the trend."})
final class AuditCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    InventoryOptions inventory;

    @Option(names = "--policies", paramLabel = "DIR", description = "run a drift pass with these policies first, so"
            + " the audit counts current findings (without it: the findings of the last `drift` or `serve` pass)")
    Path policies;

    @Mixin
    PolicyOptions policy;

    @Option(names = "--origins", paramLabel = "FILE", description = "origins.yaml: who vouches for which images (keys,"
            + " identities), label keys, abandonment age, weights (see docs/examples/origins.yaml)")
    Path origins;

    @Option(names = "--vuln-db", paramLabel = "DIR", description = "vulnerability database directory (default: the one"
            + " `trustplane db import` fills; without one vulnerabilities are reported unknown)")
    Path vulnDb;

    /** How the audit is printed. */
    enum Output { TABLE, JSON, HTML }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table, json or html (one self-contained page) (default: ${DEFAULT-VALUE})")
    Output output;

    @Option(names = "--output-file", paramLabel = "FILE", description = "write the report here instead of stdout")
    Path file;

    @Option(names = "--top", paramLabel = "N", defaultValue = "20", description = "table: rows of the remediation"
            + " order shown (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--cache-age", paramLabel = "DURATION", defaultValue = "1h", description = "reuse a digest's"
            + " judgement stored by an earlier audit for this long while origins, root, revocations and database are"
            + " unchanged (a new signature or a moved tag shows after at most this long); 0 judges every digest"
            + " (default: ${DEFAULT-VALUE})")
    String cacheAge;

    @Mixin
    RegistryOptions registry;

    AuditCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        AuditConfig config = origins == null ? AuditConfig.defaults() : AuditConfig.load(origins);
        byte[] rootBytes = policy.trustedRoot == null ? null
                : TrustSpec.readKeyFile(policy.trustedRoot, "trusted root");
        TrustedRoot root = rootBytes == null ? null : TrustedRoot.parse(rootBytes, policy.trustedRoot.toString());
        Duration reuse = cacheAge.equals("0") ? Duration.ZERO : Durations.parse(cacheAge);
        Inventory running = inventory.read(ctx);
        ProgressRenderer renderer = registry.renderer(ctx);
        AuditReport report;
        try {
            if (policies != null) {
                Store store = Store.fromEnvironment(ctx.env());
                try (RevocationStore revocations = new RevocationStore(store)) {
                    new DriftPass(policy.loader(ctx).load(policies).orThrow(), new RegistryImageVerifier(
                            registry.client(ctx, renderer), VerifierLimits.DEFAULT, Duration.ofMinutes(5),
                            Duration.ofSeconds(5), Duration.ofMinutes(1), 100_000, revocations::current), store,
                            Clock.systemUTC(), Duration.ofSeconds(30)).run(running, Set.of());
                }
            }
            report = new FleetAudit(config, root, rootBytes == null ? null : Digest.sha256(rootBytes).hex(),
                    registry.client(ctx, renderer), CatalogCommand.vulnDb(ctx, vulnDb), Store.fromEnvironment(ctx.env()),
                    Clock.systemUTC(), reuse).run(running);
        } finally {
            renderer.finish();
        }
        String text = switch (output) {
            case JSON -> AuditJson.text(report) + "\n";
            case HTML -> new String(AuditHtml.render(report), StandardCharsets.UTF_8);
            case TABLE -> AuditTable.render(report, top);
        };
        if (file == null) {
            ctx.out().print(text);
        } else {
            try {
                AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Cannot write the audit to " + file + ": " + e, e);
            }
            ctx.out().println("Audit of " + report.workloads().size() + " workloads written to " + file);
        }
        return 0;
    }
}
