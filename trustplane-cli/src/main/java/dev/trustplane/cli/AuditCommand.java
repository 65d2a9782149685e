package dev.trustplane.cli;

import dev.trustplane.audit.AuditConfig;
import dev.trustplane.audit.AuditHtml;
import dev.trustplane.audit.AuditJson;
import dev.trustplane.audit.AuditReport;
import dev.trustplane.audit.FleetAudit;
import dev.trustplane.audit.WorkloadAudit;
import dev.trustplane.config.Durations;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.fleet.Inventory;
import dev.trustplane.io.AtomicFiles;
import dev.trustplane.oci.Digest;
import dev.trustplane.sigstore.TrustedRoot;
import dev.trustplane.store.Store;
import dev.trustplane.verify.TrustSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
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

    @Option(names = "--origins", paramLabel = "FILE", description = "origins.yaml: who vouches for which images (keys,"
            + " identities), label keys, abandonment age, weights (see docs/examples/origins.yaml)")
    Path origins;

    @Option(names = "--trusted-root", paramLabel = "FILE", description = "trusted_root.json for keyless identities and"
            + " transparency-log checks (without it key signatures are checked without the log)")
    Path trustedRoot;

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
        byte[] rootBytes = trustedRoot == null ? null : TrustSpec.readKeyFile(trustedRoot, "trusted root");
        TrustedRoot root = rootBytes == null ? null : TrustedRoot.parse(rootBytes, trustedRoot.toString());
        Duration reuse = cacheAge.equals("0") ? Duration.ZERO : Durations.parse(cacheAge);
        Inventory running = inventory.read(ctx);
        ProgressRenderer renderer = registry.renderer(ctx);
        AuditReport report;
        try {
            report = new FleetAudit(config, root, rootBytes == null ? null : Digest.sha256(rootBytes).hex(),
                    registry.client(ctx, renderer), CatalogCommand.vulnDb(ctx, vulnDb), Store.fromEnvironment(ctx.env()),
                    Clock.systemUTC(), reuse).run(running);
        } finally {
            renderer.finish();
        }
        String text = switch (output) {
            case JSON -> AuditJson.text(report) + "\n";
            case HTML -> new String(AuditHtml.render(report), StandardCharsets.UTF_8);
            case TABLE -> table(report);
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

    private static String clip(String text) {
        return text.length() <= 110 ? text : text.substring(0, 109) + "…";
    }

    private String table(AuditReport r) {
        StringBuilder s = new StringBuilder();
        s.append("Audit of ").append(r.workloads().size()).append(" workloads over ").append(r.images().size())
                .append(" images (").append(r.source()).append(", ").append(r.takenAt()).append(")\n");
        s.append("Grades: ").append(r.grades()).append("  Signing: ").append(r.signingStates()).append('\n');
        if (r.trend() != null) {
            s.append("Since ").append(r.trend().previous()).append(": ").append(r.trend().better()).append(" better, ")
                    .append(r.trend().worse()).append(" worse, ").append(r.trend().added()).append(" new, ")
                    .append(r.trend().gone()).append(" gone\n");
        }
        s.append(String.format(Locale.ROOT, "%n%-4s %-5s %-6s %-44s %-12s %s%n", "#", "GRADE", "SCORE", "WORKLOAD",
                "SCOPE", "FIRST REASON"));
        int rank = 0;
        for (WorkloadAudit w : r.workloads()) {
            if (++rank > top) {
                s.append("… ").append(r.workloads().size() - top).append(" more (-o json or -o html for all)\n");
                break;
            }
            s.append(String.format(Locale.ROOT, "%-4d %-5s %-6d %-44s %-12s %s%n", rank, w.grade(), w.score(),
                    w.label(), String.join(",", w.compliance()), w.reasons().isEmpty() ? "-"
                            : clip(w.reasons().get(0).text())));
        }
        return s.toString();
    }
}
