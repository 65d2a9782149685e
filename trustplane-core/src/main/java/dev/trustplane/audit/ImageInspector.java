package dev.trustplane.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.catalog.CatalogStore;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.ImageSource;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sbom.SbomReader;
import dev.trustplane.sbom.ScannedPackage;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.verify.CertificateIdentity;
import dev.trustplane.verify.Check;
import dev.trustplane.verify.Evidence;
import dev.trustplane.verify.Trust;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.verify.Verifier;
import dev.trustplane.verify.VerifierLimits;
import dev.trustplane.vuln.Finding;
import dev.trustplane.vuln.ImageSbom;
import dev.trustplane.vuln.ScanReport;
import dev.trustplane.vuln.Scanner;
import dev.trustplane.vuln.Severity;
import dev.trustplane.vuln.Verdict;
import dev.trustplane.vuln.VulnDb;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Judges one running digest: who signed it (against every origin's keys and identities), its
 * vulnerabilities (its SBOM referrer, else its layers), its build time, whether a newer build of
 * its tag or catalog entry exists, and whether it is abandoned. Anything that cannot be read is
 * reported as unknown with the reason — never as clean.
 */
final class ImageInspector {
    /** Debian releases and the end of their (LTS) support. */
    static final Map<String, LocalDate> DEBIAN_EOL = Map.of("wheezy", LocalDate.of(2018, 5, 31),
            "jessie", LocalDate.of(2020, 6, 30), "stretch", LocalDate.of(2022, 6, 30),
            "buster", LocalDate.of(2024, 6, 30), "bullseye", LocalDate.of(2026, 8, 31),
            "bookworm", LocalDate.of(2028, 6, 30), "trixie", LocalDate.of(2030, 6, 30));
    private final AuditConfig config;
    private final RegistryClient client;
    private final VulnDb db;
    private final Trust trust;
    private final CatalogStore.Owners catalog;
    private final Map<String, String> keyOrigins = new HashMap<>();

    ImageInspector(AuditConfig config, RegistryClient client, VulnDb db, Trust trust, CatalogStore catalog) {
        this.config = config;
        this.client = client;
        this.db = db;
        this.trust = trust;
        this.catalog = catalog == null ? null : catalog.owners();
        for (AuditConfig.Origin o : config.origins()) {
            for (PublicKey k : o.keys()) {
                keyOrigins.putIfAbsent(Keys.hint(k), o.name());
            }
        }
    }

    ImageAudit inspect(String repository, String digest, List<String> images, int workloads, Instant now) {
        AuditConfig.Origin origin = config.originOf(repository);
        ImageReference ref;
        try {
            ref = ImageReference.parse(repository + "@" + digest);
        } catch (TrustplaneException e) {
            return new ImageAudit(digest, repository, images, origin == null ? null : origin.name(),
                    new ImageAudit.Signing(ImageAudit.SigningState.UNKNOWN, List.of(), e.getMessage(), null),
                    ImageAudit.Vulnerabilities.unknown(e.getMessage()), null, null, null, null, null, workloads);
        }
        ImageAudit.Signing signing = signing(ref, origin);
        ImageSource source = ImageSource.open(new Location.Registry(ref), client);
        ImageAudit.Vulnerabilities vulns;
        String distribution = null;
        Descriptor image = null;
        try {
            image = source.image(null);
            SbomReader.Result sbom = SbomReader.read(ImageSbom.read(source, image, null),
                    ref.toString(), null);
            distribution = sbom.packages().stream().map(ScannedPackage::release).filter(r -> r != null)
                    .findFirst().orElse(null);
            vulns = db == null ? ImageAudit.Vulnerabilities.unknown("no vulnerability database: `trustplane db"
                    + " import`") : vulnerabilities(new Scanner(db).scan(ref.toString(), sbom,
                    new Scanner.Options(false, false, Duration.ofDays(3650)), now));
        } catch (TrustplaneException e) {
            vulns = ImageAudit.Vulnerabilities.unknown("cannot read the image: " + e.getMessage());
        }
        Instant created = image == null ? null : created(source, image);
        Instant newerSince = null;
        String newerDigest = null;
        for (String name : images) {
            try {
                ImageReference running = ImageReference.parse(name);
                if (running.tag() == null) {
                    continue;
                }
                Optional<Descriptor> now2 = client.head(new ImageReference(running.registry(), running.repository(),
                        running.tag(), null));
                if (now2.isPresent() && !now2.get().digest().toString().equals(digest)) {
                    newerDigest = now2.get().digest().toString();
                    Instant c = created(ImageSource.open(new Location.Registry(running.pinned(now2.get().digest())),
                            client), null);
                    newerSince = c == null ? now : c;
                }
            } catch (TrustplaneException ignored) {
                // the tag cannot be asked: nothing newer is known
            }
        }
        if (newerSince == null && catalog != null) {
            Optional<String> owner = catalog.owner(repository, digest, null);
            if (owner.isPresent()) {
                var latest = catalog.latest(owner.get(), "runtime");
                if (latest.isPresent() && !latest.get().digest().equals(digest)
                        && !latest.get().platforms().contains(digest)) {
                    newerSince = latest.get().publishedAt();
                    newerDigest = latest.get().digest();
                }
            }
        }
        String abandoned = null;
        LocalDate eol = distribution == null ? null : DEBIAN_EOL.get(distribution);
        if (eol != null && now.atZone(ZoneOffset.UTC).toLocalDate().isAfter(eol)) {
            abandoned = "Debian " + distribution + " reached its end of life on " + eol;
        } else if (created != null && newerSince == null
                && Duration.between(created, now).toDays() > config.maxAgeDays()) {
            abandoned = "built " + Duration.between(created, now).toDays() + " days ago and nothing newer exists";
        }
        return new ImageAudit(digest, repository, images, origin == null ? null : origin.name(), signing, vulns,
                distribution, created, newerSince, newerDigest, abandoned, workloads);
    }

    private ImageAudit.Signing signing(ImageReference ref, AuditConfig.Origin origin) {
        try {
            VerificationReport report = new Verifier(EvidenceStore.open(new Location.Registry(ref), client), trust,
                    VerifierLimits.DEFAULT).signatures(ref.name(), ref.digest());
            if (report.evidence().isEmpty()) {
                if (!report.complete()) {
                    // nothing found because not every place could be read: unknown, never "unsigned" nor clean
                    return new ImageAudit.Signing(ImageAudit.SigningState.UNKNOWN, List.of(), report.problems()
                            .isEmpty() ? "not every place a signature could be was read" : String.join("; ",
                            report.problems()), null);
                }
                return new ImageAudit.Signing(ImageAudit.SigningState.UNSIGNED, List.of(), null, null);
            }
            Set<String> signers = new LinkedHashSet<>();
            Set<String> origins = new LinkedHashSet<>();
            for (Evidence e : report.verified()) {
                String who = originOfSigner(e);
                signers.add(e.signer() + (who == null ? "" : " [" + who + "]"));
                if (who != null) {
                    origins.add(who);
                }
            }
            if (signers.isEmpty() && !report.complete()) {
                return new ImageAudit.Signing(ImageAudit.SigningState.UNKNOWN, List.of(), String.join("; ",
                        report.problems()), null);
            }
            if (signers.isEmpty()) {
                Check failed = report.evidence().get(0).failure().orElse(null);
                return new ImageAudit.Signing(ImageAudit.SigningState.UNVERIFIED, List.of(), failed == null
                        ? "no signature verified" : failed.stage() + ": " + failed.detail(), null);
            }
            String mismatch = origin != null && !origins.contains(origin.name()) ? origin.name() : null;
            return new ImageAudit.Signing(ImageAudit.SigningState.VERIFIED, new ArrayList<>(signers), null, mismatch);
        } catch (TrustplaneException e) {
            return new ImageAudit.Signing(ImageAudit.SigningState.UNKNOWN, List.of(), e.getMessage(), null);
        }
    }

    private String originOfSigner(Evidence e) {
        if (e.signer() == null) {
            return null;
        }
        String byKey = keyOrigins.get(e.signer());
        if (byKey != null) {
            return byKey;
        }
        for (AuditConfig.Origin o : config.origins()) {
            for (CertificateIdentity id : o.identities()) {
                boolean subject = id.subject() != null ? id.subject().equals(e.signer())
                        : id.subjectRegex().matcher(e.signer()).matches();
                boolean issuer = e.issuer() == null || (id.issuer() != null ? id.issuer().equals(e.issuer())
                        : id.issuerRegex().matcher(e.issuer()).matches());
                if (subject && issuer) {
                    return o.name();
                }
            }
        }
        return null;
    }

    private static ImageAudit.Vulnerabilities vulnerabilities(ScanReport report) {
        int[] counts = new int[5];
        int criticalFixable = 0;
        int highFixable = 0;
        List<String> worst = new ArrayList<>();
        for (Finding f : report.findings()) {
            if (f.verdict() == Verdict.UNIMPORTANT) {
                counts[4]++;
                continue;
            }
            boolean fixable = f.verdict() == Verdict.FIXED_IN_NEWER;
            switch (f.severity()) {
                case CRITICAL -> {
                    counts[0]++;
                    criticalFixable += fixable ? 1 : 0;
                }
                case HIGH -> {
                    counts[1]++;
                    highFixable += fixable ? 1 : 0;
                }
                case MEDIUM -> counts[2]++;
                case LOW -> counts[3]++;
                default -> counts[4]++;
            }
            if (f.severity().compareTo(Severity.HIGH) >= 0 && !worst.contains(f.vulnerability()) && worst.size() < 10) {
                worst.add(f.vulnerability());
            }
        }
        return new ImageAudit.Vulnerabilities(true, counts[0], counts[1], counts[2], counts[3], counts[4],
                criticalFixable, highFixable, worst, report.warnings().isEmpty() ? null
                : String.join("; ", report.warnings()));
    }

    /** The build time in the config of {@code image} (resolved here when null), or null when unreadable. */
    private static Instant created(ImageSource source, Descriptor image) {
        try {
            Manifest m = source.manifest(image != null ? image : source.image(null)).parse();
            if (m instanceof ImageManifest im) {
                JsonNode config = Json.mapper().readTree(source.readBlob(im.config(), 4L << 20));
                String created = config.path("created").asText(null);
                return created == null ? null : Instant.parse(created);
            }
        } catch (IOException | RuntimeException ignored) {
            // no readable build time: age unknown
        }
        return null;
    }
}
