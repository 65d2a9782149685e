package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.Platform;
import dev.trustplane.oci.transfer.ImageSource;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sbom.SbomReader;
import dev.trustplane.sign.EvidenceStore;
import dev.trustplane.sign.Trust;
import dev.trustplane.sign.TrustSpec;
import dev.trustplane.vuln.AttestedVex;
import dev.trustplane.vuln.Finding;
import dev.trustplane.vuln.ImageSbom;
import dev.trustplane.vuln.OsvDb;
import dev.trustplane.vuln.ScanReport;
import dev.trustplane.vuln.ScanReportFormats;
import dev.trustplane.vuln.ScanReportJson;
import dev.trustplane.vuln.Scanner;
import dev.trustplane.vuln.Severity;
import dev.trustplane.vuln.Vex;
import dev.trustplane.vuln.VulnDb;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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

    @Option(names = "--fail-on", paramLabel = "SEVERITY",
            description = "exit 11 when a finding is at or above: low, medium, high, critical")
    String failOn;

    @Option(names = "--ignore-unfixed", description = "only report findings that a newer package fixes")
    boolean ignoreUnfixed;

    @Option(names = "--show-unimportant", description = "also list what Debian rates unimportant")
    boolean showUnimportant;

    @Option(names = "--release", paramLabel = "CODENAME", description = "Debian release of the packages"
            + " (default: from the SBOM's purls or operating system)")
    String release;

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

    /** The digest an in-toto statement names: the image's, or the SBOM file's. */
    private String subjectSha256;
    /** The scanned image and its top manifest, when the target is an image. */
    private ImageSource imageSource;
    private List<Descriptor> imageDigests = List.of();

    ScanCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Severity threshold = failOn == null ? null : Severity.parse(failOn);
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
        byte[] sbom = sbom();
        SbomReader.Result input = SbomReader.read(sbom, target, release);
        ScanReport report = new Scanner(db, osv).scan(target, input, new Scanner.Options(ignoreUnfixed, showUnimportant,
                Duration.ofDays(maxAgeDays), vex(), severities()), Instant.now());
        report.warnings().forEach(w -> ctx.err().println("trustplane: warning: " + w));
        String version = new Main.Version().versionText();
        switch (format) {
            case "json" -> ctx.out().print(new String(ScanReportJson.write(report), StandardCharsets.UTF_8));
            case "sarif" -> ctx.out().print(new String(ScanReportFormats.sarif(report, version),
                    StandardCharsets.UTF_8));
            case "vdr" -> ctx.out().print(new String(ScanReportFormats.vdr(report, version, Instant.now()),
                    StandardCharsets.UTF_8));
            case "in-toto" -> ctx.out().print(new String(ScanReportFormats.inToto(report, target,
                    subjectSha256 != null ? subjectSha256 : Digest.sha256(sbom).hex(), version,
                    started, Instant.now()),
                    StandardCharsets.UTF_8));
            default -> table(report);
        }
        return threshold != null && report.failsAt(threshold) ? ExitCode.VULNERABLE.code() : 0;
    }

    private Map<String, Severity> severities() {
        Map<String, Severity> map = new HashMap<>();
        Set<String> urgencies = Set.of("low", "medium", "high", "unimportant", "end-of-life",
                "not-yet-assigned");
        severity.forEach((urgency, level) -> {
            String u = urgency.strip().toLowerCase(Locale.ROOT);
            if (!urgencies.contains(u)) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Unknown Debian urgency '" + urgency
                        + "' in --severity; use one of " + new TreeSet<>(urgencies));
            }
            map.put(u.replace('-', ' ').replace("end of life", "end-of-life"), Severity.parse(level));
        });
        return map;
    }

    private Vex vex() {
        Map<String, byte[]> documents = new LinkedHashMap<>();
        for (Path file : vex) {
            try {
                documents.put(file.toString(), Files.readAllBytes(file));
            } catch (NoSuchFileException e) {
                throw new TrustplaneException(ErrorKind.NOT_FOUND, "VEX document " + file + " does not exist", e);
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Cannot read VEX document " + file + ": " + e, e);
            }
        }
        documents.putAll(attestedVex());
        return Vex.parse(documents);
    }

    /** OpenVEX attestations of the scanned image that verify against the --vex-* trust; never unverified ones. */
    private Map<String, byte[]> attestedVex() {
        boolean keyless = vexIdentity != null || vexIssuer != null || vexTrustedRoot != null;
        if (vexKeys.isEmpty() && !keyless) {
            return Map.of();
        }
        if (imageSource == null) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--vex-key and --vex-certificate-* read VEX"
                    + " attestations attached to an image; " + target + " is an SBOM file (pass --vex FILE instead)");
        }
        Trust verifiedBy = new TrustSpec(vexKeys, vexIdentity, null, vexIssuer,
                null, Map.of(), vexTrustedRoot, vexIgnoreTlog, false).toTrust();
        ProgressRenderer renderer = registry.renderer(ctx);
        AttestedVex.Loaded loaded;
        try {
            loaded = AttestedVex.load(EvidenceStore.open(imageSource.location(),
                    registry.client(ctx, renderer)), imageDigests, verifiedBy);
        } finally {
            renderer.finish();
        }
        if (loaded.rejected() > 0) {
            ctx.err().println("trustplane: warning: " + loaded.rejected() + " OpenVEX attestation(s) of " + target
                    + " did not verify against the --vex-* trust and were ignored");
        }
        return loaded.documents();
    }

    private byte[] sbom() {
        Path file = Path.of(target);
        if (!target.startsWith("oci:") && !Files.exists(file) && target.endsWith(".json")) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "SBOM file " + target + " does not exist; give an SBOM"
                    + " file or an image (oci:DIR[:TAG], REGISTRY/REPO:TAG)");
        }
        if (!target.startsWith("oci:") && Files.isRegularFile(file)) {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Cannot read SBOM " + file + ": " + e, e);
            }
        }
        Location location = Location.parse(target);
        ProgressRenderer renderer = registry.renderer(ctx);
        try {
            ImageSource source = ImageSource.open(location, registry.client(ctx, renderer));
            Platform wanted = platform == null ? null : Platform.parse(platform);
            Descriptor image = source.image(wanted);
            subjectSha256 = image.digest().hex();
            imageSource = source;
            Descriptor top = source.resolve().descriptor();
            imageDigests = top.digest().equals(image.digest()) ? List.of(image)
                    : List.of(image, top);
            return ImageSbom.read(source, image, wanted);
        } finally {
            renderer.finish();
        }
    }

    private void table(ScanReport report) {
        ctx.out().println(report.subject() + " (" + report.sbomFormat() + ", " + report.packages() + " packages; "
                + "database taken " + report.oldestFeed() + ")");
        if (report.findings().isEmpty()) {
            ctx.out().println("No vulnerabilities (" + report.notAffected() + " tracker records say not affected)");
            suppressed(report);
            return;
        }
        StringBuilder summary = new StringBuilder();
        for (Map.Entry<Severity, Integer> e : report.counts().entrySet()) {
            summary.append(summary.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
        }
        ctx.out().println(report.findings().size() + " findings: " + summary + " (" + report.notAffected()
                + " records say not affected)");
        ctx.out().printf("%-10s %-18s %-22s %-26s %-26s %s%n", "SEVERITY", "VULNERABILITY", "PACKAGE", "INSTALLED",
                "FIXED IN", "VERDICT");
        for (Finding f : report.findings()) {
            ctx.out().printf("%-10s %-18s %-22s %-26s %-26s %s%n", f.severity(), f.vulnerability(), f.pkg().name(),
                    f.pkg().version(), f.fixedVersion() == null ? "-" : f.fixedVersion(),
                    f.verdict().label() + " (" + f.reason() + ")");
        }
        suppressed(report);
    }

    private void suppressed(ScanReport report) {
        if (report.suppressed().isEmpty()) {
            return;
        }
        ctx.out().println("Suppressed by VEX (" + report.suppressed().size() + "):");
        for (Vex.Applied a : report.suppressed()) {
            ctx.out().println("  " + a.finding().vulnerability() + " " + a.finding().pkg().name() + ": "
                    + a.statement().status() + (a.statement().justification() == null ? ""
                    : " (" + a.statement().justification() + ")") + " — " + a.statement().document());
        }
    }
}
