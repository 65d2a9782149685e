package dev.trustplane.sigstore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.registry.RegistryException;
import dev.trustplane.oci.registry.SettleDelay;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * cosign's tag scheme: signatures under {@code sha256-<hex>.sig}, attestations under
 * {@code .att}, one layer per signature in one image manifest. Adding a layer is a
 * read-modify-write the distribution API cannot make atomic: signers in this process take turns
 * on the tag ({@link EvidenceStore#exclusive}), and against signers elsewhere the tag is read
 * again after each write and the write redone until the layer is there.
 */
public final class CosignTags {
    public static final String SIG = ".sig";
    public static final String ATT = ".att";
    public static final String SIMPLE_SIGNING_LAYER = "application/vnd.dev.cosign.simplesigning.v1+json";
    public static final String DSSE_LAYER = "application/vnd.dsse.envelope.v1+json";
    public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
    public static final String CERTIFICATE_ANNOTATION = "dev.sigstore.cosign/certificate";
    public static final String CHAIN_ANNOTATION = "dev.sigstore.cosign/chain";
    public static final String BUNDLE_ANNOTATION = "dev.sigstore.cosign/bundle";
    public static final String TIMESTAMP_ANNOTATION = "dev.sigstore.cosign/rfc3161timestamp";
    public static final String PREDICATE_TYPE_ANNOTATION = "predicateType";
    /** Layers read or written per tag; cosign once read signature manifests of any length (CVE-2023-46737). */
    public static final int MAX_LAYERS = 256;
    private static final int MAX_ATTEMPTS = 10;
    private static final ObjectMapper JSON = Json.mapper();

    private CosignTags() {
    }

    public static String tag(Digest image, String suffix) {
        return image.referrersTag() + suffix;
    }

    /** The layers of the manifest under {@code tag}, when there is one. */
    public static Optional<List<Descriptor>> layers(EvidenceStore store, String tag) {
        return store.tagged(tag).map(raw -> layersOf(raw, store.name() + ":" + tag));
    }

    public static List<Descriptor> layersOf(RawManifest raw, String where) {
        Manifest m = raw.parse();
        if (!(m instanceof ImageManifest image)) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, where + " is an index, not a cosign signature"
                    + " manifest; another tool uses this tag for something else");
        }
        if (image.layers().size() > MAX_LAYERS) {
            throw new LimitExceededException("max-signature-layers", MAX_LAYERS, "Signature manifest " + where
                    + " (" + image.layers().size() + " layers)");
        }
        return image.layers();
    }

    /** Adds a layer (stored as {@code content}) to the manifest under {@code tag}; returns the manifest digest. */
    public static Digest append(EvidenceStore store, String tag, byte[] content, String mediaType,
            Map<String, String> annotations) {
        return store.exclusive(tag, () -> appendOnce(store, tag, content, mediaType, annotations));
    }

    /*
     * Every write here is based on a read at most one read + manifest PUT old: a writer that had
     * to push a new config blob after its read reads the tag once more before writing and starts
     * over if it changed. So concurrent writers all have the same short window between the read
     * their write is based on and the end of that write, and the settle delay only needs to
     * cover that window. The config for "this layer alone" (the manifest a first signature
     * makes) is pushed before the read together with the layer, so the common case needs no
     * blob push inside the window at all.
     */
    private static Digest appendOnce(EvidenceStore store, String tag, byte[] content, String mediaType,
            Map<String, String> annotations) {
        String where = store.name() + ":" + tag;
        Descriptor layer = Descriptor.of(mediaType, content).withAnnotations(annotations);
        byte[] firstConfig = config(List.of(layer));
        store.putBlobs(List.of(content, firstConfig));
        Set<Digest> pushedConfigs = new HashSet<>(Set.of(Digest.sha256(firstConfig)));
        long readAt = System.nanoTime();
        Optional<RawManifest> current = store.tagged(tag);
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            List<Descriptor> layers = new ArrayList<>(current.map(raw -> layersOf(raw, where)).orElse(List.of()));
            if (contains(layers, layer)) {
                return current.get().digest();
            }
            layers.add(layer);
            if (layers.size() > MAX_LAYERS) {
                throw new LimitExceededException("max-signature-layers", MAX_LAYERS, "Signature manifest "
                        + where + " would hold " + layers.size() + " layers; remove old ones");
            }
            byte[] config = config(layers);
            if (pushedConfigs.add(Digest.sha256(config))) {
                store.putBlobs(List.of(config));
                long confirmAt = System.nanoTime();
                Optional<RawManifest> confirmed = store.tagged(tag);
                if (!digestOf(confirmed).equals(digestOf(current))) {
                    readAt = confirmAt;
                    current = confirmed;
                    continue;
                }
                readAt = confirmAt;
            }
            ImageManifest manifest = new ImageManifest(MediaTypes.OCI_MANIFEST, null,
                    Descriptor.of(MediaTypes.OCI_CONFIG, config), layers, null, null, null);
            try {
                store.putTagged(tag, manifest.toRaw());
            } catch (RegistryException e) {
                if (!e.refusedReference()) {
                    throw e;
                }
                // the registry was rewriting a link this manifest names: a lost round, read again
            }
            SettleDelay.pause(where, attempt, System.nanoTime() - readAt);
            readAt = System.nanoTime();
            current = store.tagged(tag);
            if (current.isPresent() && contains(layersOf(current.get(), where), layer)) {
                return current.get().digest();
            }
        }
        throw new TrustplaneException(ErrorKind.REMOTE_ERROR, "Tried to add a signature to " + where
                + ": concurrent signers replaced the manifest " + MAX_ATTEMPTS + " times — sign again");
    }

    private static Optional<Digest> digestOf(Optional<RawManifest> raw) {
        return raw.map(RawManifest::digest);
    }

    private static boolean contains(List<Descriptor> layers, Descriptor layer) {
        return layers.stream().anyMatch(l -> l.digest().equals(layer.digest())
                && l.annotations().equals(layer.annotations()));
    }

    /** The config cosign writes: an empty image whose diff_ids are the layer digests. */
    private static byte[] config(List<Descriptor> layers) {
        ObjectNode root = JSON.createObjectNode();
        root.put("architecture", "");
        root.put("created", "0001-01-01T00:00:00Z");
        root.putArray("history").addObject().put("created", "0001-01-01T00:00:00Z");
        root.put("os", "");
        ObjectNode rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        var ids = rootfs.putArray("diff_ids");
        layers.forEach(l -> ids.add(l.digest().toString()));
        root.putObject("config");
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
