package dev.trustplane.sign;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.sigstore.Bundle;
import dev.trustplane.sigstore.CosignTags;
import dev.trustplane.sigstore.Dsse;
import dev.trustplane.sigstore.EvidenceStore;
import dev.trustplane.sigstore.Parallel;
import dev.trustplane.sigstore.PredicateTypes;
import dev.trustplane.sigstore.SignatureAlgorithms;
import dev.trustplane.sigstore.SigningKey;
import dev.trustplane.sigstore.SimpleSigning;
import dev.trustplane.sigstore.Statement;
import dev.trustplane.sigstore.TlogEntry;
import dev.trustplane.verify.EvidenceChecks;
import dev.trustplane.verify.TlogCheck;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Signs images and attaches attestations with a key, in the storage formats users meet: cosign's
 * tag scheme ({@code .sig}/{@code .att}) and Sigstore bundles as OCI 1.1 referrers (through the
 * referrers API, or the {@code sha256-<hex>} fallback index on registries without it).
 */
public final class Signer {
    static final String BUNDLE_CONTENT_ANNOTATION = "dev.sigstore.bundle.content";
    static final String CREATED_ANNOTATION = "org.opencontainers.image.created";

    /** Where a signature goes. */
    public enum Format {
        /** cosign's {@code sha256-<hex>.sig} / {@code .att} tags (what cosign 2, Kyverno and most tools read). */
        TAG,
        /** A Sigstore bundle v0.3 referrer (what cosign 3 writes and reads by default). */
        BUNDLE;

        public static final Set<Format> ALL = Set.copyOf(EnumSet.allOf(Format.class));
    }

    /** One stored signature: its format, the manifest that holds it and where that manifest is found. */
    public record Stored(Format format, Digest manifest, String where) {
    }

    private final EvidenceStore store;
    private final SigningKey key;
    private final KeylessSigning keyless;
    private final Clock clock;
    private TimestampAuthority tsa;
    private String subjectName;

    /** Signs with a key (the signatures carry the key's hint, no transparency-log entry). */
    public Signer(EvidenceStore store, SigningKey key, Clock clock) {
        this(store, key, null, clock);
    }

    /** Signs keylessly: the Fulcio certificate and a Rekor entry go with every signature. */
    public Signer(EvidenceStore store, KeylessSigning keyless, Clock clock) {
        this(store, keyless.key(), keyless, clock);
    }

    /**
     * Also gets an RFC 3161 timestamp over every signature from {@code timestampAuthority}
     * (sigstore timestamp-authority JSON API), stored with it in both formats.
     */
    public Signer timestamped(URI timestampAuthority) {
        this.tsa = new TimestampAuthority(timestampAuthority);
        return this;
    }

    /**
     * Names the image in what is signed ({@code docker-reference} of the simple-signing payload, the
     * in-toto subject name) by {@code name} instead of the evidence store's name: an OCI layout's
     * store is a local directory, which says nothing to whoever verifies the image elsewhere.
     */
    public Signer named(String name) {
        this.subjectName = name;
        return this;
    }

    private String subjectName() {
        return subjectName != null ? subjectName : store.name();
    }

    private Signer(EvidenceStore store, SigningKey key, KeylessSigning keyless, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.key = Objects.requireNonNull(key, "key");
        this.keyless = keyless;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Signs the image manifest {@code image}; {@code annotations} go into the payload's {@code optional}. */
    public List<Stored> sign(Descriptor image, Map<String, String> annotations, Set<Format> formats) {
        Stored[] stored = new Stored[2];
        List<Runnable> work = new ArrayList<>();
        if (formats.contains(Format.TAG)) {
            work.add(() -> stored[0] = signatureTag(image, annotations));
        }
        if (formats.contains(Format.BUNDLE)) {
            work.add(() -> {
                Statement statement = Statement.about(subjectName(), image.digest(), PredicateTypes.COSIGN_SIGN,
                        annotationsPredicate(annotations));
                Dsse dsse = envelope(statement);
                stored[1] = bundleReferrer(image, statement.predicateType(), dsse, logged(dsse, null));
            });
        }
        Parallel.run(work);
        return present(stored);
    }

    private static List<Stored> present(Stored[] stored) {
        List<Stored> out = new ArrayList<>();
        for (Stored s : stored) {
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    private Stored signatureTag(Descriptor image, Map<String, String> annotations) {
        byte[] payload = new SimpleSigning(subjectName(), image.digest(), SimpleSigning.TYPE, annotations)
                .toJson();
        byte[] sig = SignatureAlgorithms.sign(key.privateKey(), payload);
        Map<String, String> layerAnnotations = new LinkedHashMap<>();
        layerAnnotations.put(CosignTags.SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(sig));
        if (keyless != null) {
            keylessAnnotations(layerAnnotations, keyless.logHashedRekord(EvidenceChecks.sha256Hex(payload), sig));
        }
        timestampAnnotation(layerAnnotations, sig);
        String tag = CosignTags.tag(image.digest(), CosignTags.SIG);
        Digest m = CosignTags.append(store, tag, payload, CosignTags.SIMPLE_SIGNING_LAYER, layerAnnotations);
        return new Stored(Format.TAG, m, store.name() + ":" + tag);
    }

    /** Attests {@code predicate} (JSON) of {@code predicateType} about {@code image} in an in-toto Statement v1. */
    public List<Stored> attest(Descriptor image, String predicateType, byte[] predicate, Set<Format> formats) {
        Statement statement = Statement.about(subjectName(), image.digest(), predicateType, predicate);
        Dsse dsse = envelope(statement);
        Stored[] stored = new Stored[2];
        List<Runnable> work = new ArrayList<>();
        if (formats.contains(Format.TAG)) {
            work.add(() -> stored[0] = attestationTag(image, predicateType, dsse));
        }
        if (formats.contains(Format.BUNDLE)) {
            work.add(() -> stored[1] = bundleReferrer(image, predicateType, dsse, logged(dsse, null)));
        }
        Parallel.run(work);
        return present(stored);
    }

    private Stored attestationTag(Descriptor image, String predicateType, Dsse dsse) {
        byte[] envelope = dsse.toJson();
        TlogEntry entry = logged(dsse, EvidenceChecks.sha256Hex(envelope));
        String tag = CosignTags.tag(image.digest(), CosignTags.ATT);
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(CosignTags.SIGNATURE_ANNOTATION, "");
        annotations.put(CosignTags.PREDICATE_TYPE_ANNOTATION, predicateType);
        if (entry != null) {
            keylessAnnotations(annotations, entry);
        }
        timestampAnnotation(annotations, dsse.signatures().get(0).sig());
        Digest m = CosignTags.append(store, tag, envelope, CosignTags.DSSE_LAYER, annotations);
        return new Stored(Format.TAG, m, store.name() + ":" + tag);
    }

    private TlogEntry logged(Dsse dsse, String envelopeHashHex) {
        return keyless == null ? null : keyless.logIntoto(dsse, envelopeHashHex);
    }

    private void timestampAnnotation(Map<String, String> annotations, byte[] signature) {
        if (tsa != null) {
            annotations.put(CosignTags.TIMESTAMP_ANNOTATION, "{\"SignedRFC3161Timestamp\":\""
                    + Base64.getEncoder().encodeToString(tsa.timestamp(signature)) + "\"}");
        }
    }

    private void keylessAnnotations(Map<String, String> annotations, TlogEntry entry) {
        annotations.put(CosignTags.CERTIFICATE_ANNOTATION, keyless.certificatePem());
        annotations.put(CosignTags.CHAIN_ANNOTATION, keyless.chainPem());
        annotations.put(CosignTags.BUNDLE_ANNOTATION, entry.toCosignAnnotation());
    }

    private Stored bundleReferrer(Descriptor image, String predicateType, Dsse dsse, TlogEntry entry) {
        byte[] timestamp = tsa == null ? null : tsa.timestamp(dsse.signatures().get(0).sig());
        byte[] bundle = keyless == null ? Bundle.keyBased(dsse, key.hint(), timestamp)
                : Bundle.keyless(dsse, TlogCheck.verifierDer(keyless.certificate()), entry.toBundleNode("intoto",
                        "0.0.2"), timestamp);
        Descriptor layer = Descriptor.of(Bundle.MEDIA_TYPE_V03, bundle);
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(BUNDLE_CONTENT_ANNOTATION, "dsse-envelope");
        annotations.put(Bundle.PREDICATE_ANNOTATION, predicateType);
        annotations.put(CREATED_ANNOTATION, DateTimeFormatter.ISO_INSTANT.format(
                clock.instant().truncatedTo(ChronoUnit.SECONDS)));
        Descriptor subject = Descriptor.of(image.mediaType(), image.digest(), image.size());
        RawManifest manifest = ImageManifest.artifact(Bundle.MEDIA_TYPE_V03, List.of(layer), subject, annotations)
                .toRaw();
        store.putBlobs(List.of(MediaTypes.EMPTY_JSON, bundle));
        store.putReferrer(manifest);
        return new Stored(Format.BUNDLE, manifest.digest(), store.name() + "@" + manifest.digest());
    }

    private Dsse envelope(Statement statement) {
        byte[] payload = statement.toJson();
        byte[] sig = SignatureAlgorithms.sign(key.privateKey(), Dsse.pae(Dsse.IN_TOTO, payload));
        return new Dsse(Dsse.IN_TOTO, payload, List.of(new Dsse.Sig("", sig)));
    }

    private static byte[] annotationsPredicate(Map<String, String> annotations) {
        if (annotations.isEmpty()) {
            return new byte[] {'{', '}'};
        }
        var node = JsonNodeFactory.instance.objectNode();
        new TreeMap<>(annotations).forEach(node::put);
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
