package dev.trustplane.verify;

import dev.trustplane.fuzz.Fixtures;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.sigstore.Bundle;
import dev.trustplane.sigstore.Dsse;
import dev.trustplane.sigstore.MalformedEvidenceException;
import dev.trustplane.sigstore.SimpleSigning;
import dev.trustplane.sigstore.Statement;
import dev.trustplane.sigstore.TlogEntry;
import dev.trustplane.sigstore.TrustedRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Sigstore bundles (DSSE or message signature, certificate chain, Rekor entry with its inclusion
 * proof and checkpoint, SCTs) through the whole keyless check against the fixture's trusted root,
 * plus the envelope, statement, simple-signing and log-entry parsers on the same bytes. The checks
 * never throw, and a bundle is accepted only when what it signs and who signed it are exactly
 * those of a bundle Sigstore really issued: any other accepted input is a forgery.
 */
public final class BundleFuzzer {
    private static final Path FIXTURE = Path.of(Fixtures.resourceDirectory(), "sign/keyless");
    private static final List<byte[]> REAL = realBundles();
    private static final Set<String> SIGNED = new HashSet<>();
    private static final EvidenceChecks CHECKS;

    static {
        try {
            TrustedRoot root = TrustedRoot.parse(Files.readAllBytes(FIXTURE.resolve("trusted_root.json")),
                    "trusted_root.json");
            Digest image = OciLayout.open(FIXTURE.resolve("layout")).resolveTag("app").orElseThrow().digest();
            CHECKS = new EvidenceChecks(Trust.keyless(List.of(new CertificateIdentity("ci@example.com", null,
                    "https://fake.oidcissuer.com", null, Map.of())), root, false, false), image, null);
            for (byte[] b : REAL) {
                SIGNED.add(signed(Bundle.parse(b)));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private BundleFuzzer() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] json = Arrays.copyOfRange(data, 1, data.length);
        Evidence.Kind kind = (data[0] & 1) == 0 ? Evidence.Kind.ATTESTATION : Evidence.Kind.SIGNATURE;
        Evidence e = CHECKS.check(new Candidate(kind, Evidence.Format.BUNDLE_REFERRER, "fuzz", null,
                new Candidate.BundleBytes(json)));
        if (e.verified()) {
            String what;
            try {
                what = signed(Bundle.parse(json));
            } catch (MalformedEvidenceException x) {
                throw new IllegalStateException("accepted a bundle that does not parse", x);
            }
            if (!SIGNED.contains(what)) {
                throw new IllegalStateException("accepted a bundle whose signed content or certificate Sigstore never"
                        + " issued");
            }
        }
        try {
            Dsse.parse(json);
        } catch (MalformedEvidenceException refused) {
            // refused with a message
        }
        try {
            Statement.parse(json);
        } catch (MalformedEvidenceException refused) {
            // refused with a message
        }
        try {
            TlogEntry.fromCosignAnnotation(new String(json, StandardCharsets.UTF_8));
        } catch (MalformedEvidenceException refused) {
            // refused with a message
        }
        SimpleSigning.parse(json);
    }

    /** What a bundle vouches for: its DSSE payload or message digest, and its leaf certificate. */
    private static String signed(Bundle b) {
        Base64.Encoder enc = Base64.getEncoder();
        String content = b.envelope() != null ? "dsse:" + enc.encodeToString(b.envelope().payload())
                : "message:" + (b.message() == null ? "" : enc.encodeToString(b.message().digest()));
        String cert = b.certificates().isEmpty() ? "" : enc.encodeToString(b.certificates().get(0));
        return content + "|" + cert;
    }

    private static List<byte[]> realBundles() {
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> blobs = Files.list(FIXTURE.resolve("layout/blobs/sha256"))) {
            for (Path p : blobs.sorted().toList()) {
                byte[] b = Files.readAllBytes(p);
                if (new String(b, StandardCharsets.UTF_8).startsWith("{\"mediaType\":\"application/vnd.dev.sigstore."
                        + "bundle")) {
                    out.add(b);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    public static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (byte[] b : REAL) {
            for (int kind = 0; kind < 2; kind++) {
                byte[] s = new byte[b.length + 1];
                s[0] = (byte) kind;
                System.arraycopy(b, 0, s, 1, b.length);
                seeds.add(s);
            }
        }
        return seeds;
    }
}
