package dev.trustplane.catalog;

import dev.trustplane.builder.BuildResult;
import dev.trustplane.builder.ImagePublisher;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.sbom.Purls;
import dev.trustplane.sbom.SbomGenerator;
import dev.trustplane.sbom.SbomReader;
import dev.trustplane.sbom.ScannedPackage;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.PredicateTypes;
import dev.trustplane.vuln.Matcher;
import dev.trustplane.vuln.ScanReport;
import dev.trustplane.vuln.ScanReportFormats;
import dev.trustplane.vuln.Scanner;
import dev.trustplane.vuln.VexWriter;
import dev.trustplane.vuln.VulnDb;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The evidence a catalog image carries beyond the build's own: release notes (a referrer of every
 * new digest) and, per platform image, a vulnerability report (cosign's {@code vuln} predicate)
 * and OpenVEX from the tracker's triage, both as signed attestations. The OpenVEX documents are
 * also kept ({@link #vex()}) for the catalog's advisories.
 */
final class CatalogEvidence implements ImagePublisher.Evidence {
    private final VulnDb db;
    private final Function<BuildResult.Variant, ReleaseNotes> notes;
    private final Set<Signer.Format> formats;
    private final String version;
    private final Clock clock;
    private final EventListener listener;
    private final Map<String, byte[]> vex = new LinkedHashMap<>();

    CatalogEvidence(VulnDb db, Function<BuildResult.Variant, ReleaseNotes> notes, Set<Signer.Format> formats,
            String version, Clock clock, EventListener listener) {
        this.db = db;
        this.notes = notes;
        this.formats = formats;
        this.version = version;
        this.clock = clock;
        this.listener = listener;
    }

    /** OpenVEX per {@code VARIANT-ARCH}, from the last images attached. */
    Map<String, byte[]> vex() {
        return vex;
    }

    @Override
    public int attach(BuildResult.Variant variant, OciLayout layout, EvidenceStore store, Signer signer) {
        int stored = 0;
        ReleaseNotes n = notes.apply(variant);
        byte[] json = n.json();
        byte[] md = n.markdown();
        store.putBlobs(List.of(MediaTypes.EMPTY_JSON, json, md));
        Descriptor subject = Descriptor.of(variant.descriptor().mediaType(), variant.descriptor().digest(),
                variant.descriptor().size());
        store.putReferrer(ImageManifest.artifact(ReleaseNotes.ARTIFACT_TYPE, List.of(
                Descriptor.of(ReleaseNotes.ARTIFACT_TYPE, json), Descriptor.of(ReleaseNotes.MARKDOWN_TYPE, md)),
                subject, Map.of("org.opencontainers.image.created", n.publishedAt().toString())).toRaw());
        stored++;
        if (db == null) {
            listener.warn(n.repository() + ": no vulnerability database; published without a vulnerability report"
                    + " or VEX (import one with `trustplane db import`)");
            return stored;
        }
        for (Map.Entry<String, Descriptor> e : variant.manifests().entrySet()) {
            byte[] sbom = cycloneDx(variant, layout, e.getValue());
            if (sbom == null) {
                continue;
            }
            Instant started = clock.instant();
            SbomReader.Result packages = SbomReader.read(sbom, n.repository() + " " + e.getKey() + " SBOM", null);
            ScanReport report = new Scanner(db).scan(n.repository() + "@" + e.getValue().digest(), packages,
                    new Scanner.Options(false, false, Duration.ofDays(7)), started);
            String product = "pkg:oci/" + n.repository().substring(n.repository().lastIndexOf('/') + 1) + "@"
                    + e.getValue().digest().toString().replace(":", "%3A");
            Map<ScannedPackage, String> purls = new HashMap<>();
            for (ScannedPackage p : packages.packages()) {
                purls.put(p, Purls.deb("debian", p.name(), p.version(), p.architecture()));
            }
            byte[] openVex = VexWriter.write(product, "Trustplane catalog", started,
                    new Matcher(db).match(packages.packages()), purls);
            vex.put(variant.name() + "-" + e.getKey(), openVex);
            if (signer != null) {
                stored += signer.attest(e.getValue(), PredicateTypes.COSIGN_VULN,
                        ScanReportFormats.cosignVuln(report, version, started, clock.instant()), formats).size();
                stored += signer.attest(e.getValue(), PredicateTypes.OPENVEX, openVex, formats).size();
            }
        }
        return stored;
    }

    private static byte[] cycloneDx(BuildResult.Variant variant, OciLayout layout, Descriptor image) {
        for (Descriptor sbom : variant.sboms()) {
            Manifest m = layout.readManifest(sbom).parse();
            if (m instanceof ImageManifest artifact && artifact.subject() != null
                    && artifact.subject().digest().equals(image.digest()) && !artifact.layers().isEmpty()
                    && artifact.layers().get(0).mediaType().equals(SbomGenerator.CYCLONEDX_MEDIA_TYPE)) {
                return layout.readBlob(artifact.layers().get(0).digest(), 256L << 20);
            }
        }
        return null;
    }
}
