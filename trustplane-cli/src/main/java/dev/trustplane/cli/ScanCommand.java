package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Platform;
import dev.trustplane.sbom.SbomReader;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.verify.Trust;
import dev.trustplane.verify.TrustSpec;
import dev.trustplane.vuln.AttestedVex;
import dev.trustplane.vuln.FailOn;
import dev.trustplane.vuln.IntelDb;
import dev.trustplane.vuln.OsvDb;
import dev.trustplane.vuln.ScanReport;
import dev.trustplane.vuln.ScanReportFormats;
import dev.trustplane.vuln.ScanReportJson;
import dev.trustplane.vuln.ScanTarget;
import dev.trustplane.vuln.Scanner;
import dev.trustplane.vuln.Vex;
import dev.trustplane.vuln.VulnDb;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "scan", description = {
        "Match an SBOM (CycloneDX or SPDX JSON, from Trustplane, trivy or syft) or an",
        "image's attached SBOM against the Debian security tracker, with Debian's",
        "semantics: source packages, dpkg version order, no-DSA, unimportant."})
final class ScanCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "SBOM|IMAGE", description = "an SBOM file, or oci:DIR[:TAG] / REGISTRY/REPO:TAG")
    String target;

    @Option(names = "--fail-on", paramLabel = "CONDITIONS",
            description = "exit 11 when a finding meets any of these (comma-separated): a severity (low, medium, high,"
                    + " critical: at or above), kev (in CISA's KEV catalog), epss>=P (EPSS probability at least P)")
    String failOn;

    @Option(names = "--ignore-unfixed", description = "only report findings that a newer package fixes")
    boolean ignoreUnfixed;

    @Option(names = "--show-unimportant", description = "also list what Debian rates unimportant")
    boolean showUnimportant;

    @Option(names = "--release", paramLabel = "CODENAME", description = "Debian release of the packages"
            + " (default: from the SBOM's purls or operating system)")
    String release;

    @Option(names = "--no-validate", description = "read the SBOM even if it does not follow its schema"
            + " (CycloneDX 1.2–1.7, SPDX 2.2–2.3); packages it names may then be missed")
    boolean noValidate;

    @Option(names = "--platform", paramLabel = "OS/ARCH", description = "image of an index to scan (default linux/amd64)")
    String platform;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table, json, sarif (SARIF 2.1.0), vdr (CycloneDX 1.6 VDR) or in-toto (statement with the"
                    + " vulns v0.1 predicate)")
    String format;

    @Option(names = "--severity", paramLabel = "URGENCY=SEVERITY",
            description = "override the Debian urgency → severity mapping, e.g. unimportant=low (repeatable)")
    Map<String, String> severity = new LinkedHashMap<>();

    @Option(names = "--vex", paramLabel = "FILE", description = "OpenVEX document to apply (repeatable)")
    List<Path> vex = new ArrayList<>();

    @Option(names = "--vex-key", paramLabel = "FILE", description = "apply the OpenVEX attestations attached to the"
            + " image that verify with this public key (repeatable); unverified ones are ignored")
    List<Path> vexKeys = new ArrayList<>();

    @Option(names = "--vex-certificate-identity", paramLabel = "SAN",
            description = "apply OpenVEX attestations signed keylessly by this identity (with --vex-certificate-oidc-issuer"
                    + " and --vex-trusted-root)")
    String vexIdentity;

    @Option(names = "--vex-certificate-oidc-issuer", paramLabel = "URL", description = "the keyless VEX signer's issuer")
    String vexIssuer;

    @Option(names = "--vex-trusted-root", paramLabel = "FILE", description = "trusted_root.json for keyless VEX")
    Path vexTrustedRoot;

    @Option(names = "--vex-insecure-ignore-tlog", description = "accept key-signed VEX attestations without a"
            + " transparency-log entry")
    boolean vexIgnoreTlog;

    @Option(names = "--max-age-days", paramLabel = "N", defaultValue = "7",
            description = "warn when the database is older (default: ${DEFAULT-VALUE})")
    int maxAgeDays;

    @Mixin
    RegistryOptions registry = new RegistryOptions();

    /** What is scanned: the SBOM, and the image when the target is one. */
    private ScanTarget scanned;

    ScanCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        FailOn threshold = failOn == null ? null : FailOn.parse(failOn);
        if (!List.of("table", "json", "sarif", "vdr", "in-toto").contains(format)) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Unknown --format '" + format
                    + "'; use table, json, sarif, vdr or in-toto");
        }
        Instant started = Instant.now();
        VulnDb db = VulnDb.openIfPresent(DbCommand.dir(ctx)).orElse(null);
        OsvDb osv = OsvDb.openIfPresent(DbCommand.dir(ctx)).orElse(null);
        if (db == null && osv == null) {
            VulnDb.open(DbCommand.dir(ctx));
        }
        ProgressRenderer renderer = registry.renderer(ctx);
        try {
            scanned = ScanTarget.load(target, platform == null ? null : Platform.parse(platform),
                    () -> registry.client(ctx, renderer));
        } finally {
            renderer.finish();
        }
        SbomReader.Result input = SbomReader.read(scanned.sbom(), target, release, !noValidate);
        ScanReport report = new Scanner(db, osv).withIntel(IntelDb.openIfPresent(DbCommand.dir(ctx)).orElse(null)).scan(target, input, new Scanner.Options(ignoreUnfixed, showUnimportant,
                Duration.ofDays(maxAgeDays), vex(), ScanTarget.severityOverrides(severity)), Instant.now());
        report.warnings().forEach(w -> ctx.err().println("trustplane: warning: " + w));
        String version = new Main.Version().versionText();
        switch (format) {
            case "json" -> ctx.out().print(new String(ScanReportJson.write(report), StandardCharsets.UTF_8));
            case "sarif" -> ctx.out().print(new String(ScanReportFormats.sarif(report, version),
                    StandardCharsets.UTF_8));
            case "vdr" -> ctx.out().print(new String(ScanReportFormats.vdr(report, version, Instant.now()),
                    StandardCharsets.UTF_8));
            case "in-toto" -> ctx.out().print(new String(ScanReportFormats.inToto(report, target,
                    scanned.subjectSha256(), version,
                    started, Instant.now()),
                    StandardCharsets.UTF_8));
            default -> ScanTable.print(report, ctx.out());
        }
        return threshold != null && !threshold.failing(report).isEmpty() ? ExitCode.VULNERABLE.code() : 0;
    }

    private Vex vex() {
        Map<String, byte[]> documents = new LinkedHashMap<>(ScanTarget.vexFiles(vex));
        documents.putAll(attestedVex());
        return Vex.parse(documents);
    }

    /** OpenVEX attestations of the scanned image that verify against the --vex-* trust; never unverified ones. */
    private Map<String, byte[]> attestedVex() {
        boolean keyless = vexIdentity != null || vexIssuer != null || vexTrustedRoot != null;
        if (vexKeys.isEmpty() && !keyless) {
            return Map.of();
        }
        if (scanned.image() == null) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--vex-key and --vex-certificate-* read VEX"
                    + " attestations attached to an image; " + target + " is an SBOM file (pass --vex FILE instead)");
        }
        Trust verifiedBy = new TrustSpec(vexKeys, vexIdentity, null, vexIssuer,
                null, Map.of(), vexTrustedRoot, vexIgnoreTlog, false).toTrust();
        ProgressRenderer renderer = registry.renderer(ctx);
        AttestedVex.Loaded loaded;
        try {
            loaded = AttestedVex.load(EvidenceStore.open(scanned.image().location(),
                    registry.client(ctx, renderer)), scanned.imageDigests(), verifiedBy);
        } finally {
            renderer.finish();
        }
        if (loaded.rejected() > 0) {
            ctx.err().println("trustplane: warning: " + loaded.rejected() + " OpenVEX attestation(s) of " + target
                    + " did not verify against the --vex-* trust and were ignored");
        }
        return loaded.documents();
    }
}
