package dev.trustplane.builder;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.io.AtomicFiles;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.ImageCopier;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sign.Signer;
import dev.trustplane.sigstore.EvidenceStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Build → push → SBOM referrers → sign, as one use case for every front end: builds a spec's
 * images into an OCI layout, or into a temporary layout pushed to a registry with the SBOM
 * referrers, then signs each image and attaches SLSA provenance and SBOM attestations when a
 * signer is given. Returns what it did as data.
 */
public final class ImagePublisher {
    private final ImageBuilder builder;
    private final Path cache;
    private final Supplier<RegistryClient> registry;
    private final EventListener listener;
    private final int parallel;

    /**
     * What to publish.
     *
     * @param tag            the tag of the runtime image (variants add their suffix)
     * @param signers        makes the signer for an image's evidence store; null to publish unsigned
     * @param formats        where signatures go (cosign tags, bundle referrers, both)
     * @param builderVersion recorded in the provenance
     */
    public record Request(ImageSpec spec, Lockfile lockfile, Location destination, String tag,
            Function<EvidenceStore, Signer> signers, Set<Signer.Format> formats, String builderVersion,
            Function<BuildResult.Variant, List<String>> moreTags, Evidence evidence) {
        public Request {
            checkDestination(destination, destination.toString());
            moreTags = moreTags == null ? v -> List.of() : moreTags;
            evidence = evidence == null ? (v, layout, store, signer) -> 0 : evidence;
        }

        public Request(ImageSpec spec, Lockfile lockfile, Location destination, String tag,
                Function<EvidenceStore, Signer> signers, Set<Signer.Format> formats, String builderVersion) {
            this(spec, lockfile, destination, tag, signers, formats, builderVersion, null, null);
        }
    }

    /**
     * More evidence for a variant, attached after the build's own (signatures, provenance, SBOMs)
     * and before any tag moves. {@code signer} is null when publishing unsigned. Returns how many
     * items it stored.
     */
    public interface Evidence {
        int attach(BuildResult.Variant variant, OciLayout layout, EvidenceStore store, Signer signer);
    }

    /** A build writes tags: a destination naming a digest is refused ({@code text} as the user wrote it). */
    public static Location checkDestination(Location destination, String text) {
        if (destination instanceof Location.Layout l && l.digest() != null
                || destination instanceof Location.Registry r && r.reference().digest() != null) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Build output " + text + " names a digest; give "
                    + (destination instanceof Location.Layout ? "oci:DIR[:TAG]" : "REGISTRY/REPO:TAG"));
        }
        return destination;
    }

    /** One image signed: its tag, how many signatures and attestations were stored, and where. */
    public record Signed(String tag, int stored, String store) {
    }

    /** The tags a variant was given, in the order they moved. */
    public record Tagged(String variant, List<String> tags) {
        public Tagged {
            tags = List.copyOf(tags);
        }
    }

    /**
     * What was published.
     *
     * @param prefix where the tags live, e.g. {@code oci:./out:} or {@code 127.0.0.1:5000/team/app:}
     */
    public record Published(BuildResult result, String prefix, List<Signed> signed, List<Tagged> tagged) {
        public Published {
            signed = List.copyOf(signed);
            tagged = List.copyOf(tagged);
        }
    }

    /**
     * @param registry the registry client, made only when a registry is the destination
     * @param parallel blobs pushed at once
     */
    public ImagePublisher(ImageBuilder builder, Path cache, Supplier<RegistryClient> registry, int parallel,
            EventListener listener) {
        this.builder = builder;
        this.cache = cache;
        this.registry = registry;
        this.parallel = parallel;
        this.listener = listener;
    }

    /** The destination's tag, {@code latest} when it names none. */
    public static String tag(Location destination) {
        String tag = destination instanceof Location.Layout l ? l.tag()
                : ((Location.Registry) destination).reference().tag();
        return tag == null ? "latest" : tag;
    }

    public Published publish(Request request) {
        Instant started = Instant.now();
        if (request.destination() instanceof Location.Layout l) {
            OciLayout layout = OciLayout.openOrCreate(l.dir());
            BuildResult result = builder.build(request.spec(), request.lockfile(), layout, request.tag());
            List<Signed> signed = sign(request, result, layout, started,
                    v -> EvidenceStore.open(new Location.Layout(l.dir(), v.tag(), null), null));
            List<Tagged> tagged = new ArrayList<>();
            for (BuildResult.Variant v : result.variants()) {
                List<String> tags = new ArrayList<>(List.of(v.tag()));
                for (String t : request.moreTags().apply(v)) {
                    layout.tag(t, v.descriptor());
                    tags.add(t);
                }
                tagged.add(new Tagged(v.name(), tags));
            }
            return new Published(result, "oci:" + l.dir() + ":", signed, tagged);
        }
        ImageReference ref = ((Location.Registry) request.destination()).reference();
        Path temp = cache.resolve("tmp").resolve("layout-" + UUID.randomUUID());
        try {
            OciLayout layout = OciLayout.openOrCreate(temp);
            BuildResult result = builder.build(request.spec(), request.lockfile(), layout, request.tag());
            RegistryClient client = registry.get();
            push(client, result, layout, temp, ref);
            List<Signed> signed = sign(request, result, layout, started,
                    v -> EvidenceStore.open(new Location.Registry(ref.pinned(v.descriptor().digest())), client));
            // Tags move last: a failure above leaves every tag where it was, never on a half-published image.
            List<Tagged> tagged = new ArrayList<>();
            for (BuildResult.Variant v : result.variants()) {
                RawManifest top = layout.readManifest(v.descriptor());
                List<String> tags = new ArrayList<>(List.of(v.tag()));
                tags.addAll(request.moreTags().apply(v));
                for (String t : tags) {
                    client.putManifest(new ImageReference(ref.registry(), ref.repository(), t, null), top);
                }
                tagged.add(new Tagged(v.name(), tags));
            }
            return new Published(result, ref.registry() + "/" + ref.repository() + ":", signed, tagged);
        } finally {
            AtomicFiles.deleteTree(temp);
        }
    }

    private List<Signed> sign(Request request, BuildResult result, OciLayout layout, Instant started,
            Function<BuildResult.Variant, EvidenceStore> stores) {
        List<Signed> signed = new ArrayList<>();
        if (request.signers() == null) {
            for (BuildResult.Variant v : result.variants()) {
                EvidenceStore store = stores.apply(v);
                int stored = request.evidence().attach(v, layout, store, null);
                if (stored > 0) {
                    signed.add(new Signed(v.tag(), stored, store.name()));
                }
            }
            return signed;
        }
        Provenance.Run run = new Provenance.Run(Provenance.BUILDER_ID, request.builderVersion(),
                UUID.randomUUID().toString(), started, Instant.now());
        for (BuildResult.Variant v : result.variants()) {
            EvidenceStore store = stores.apply(v);
            Signer signer = request.signers().apply(store);
            if (request.destination() instanceof Location.Layout) {
                // a layout is a local directory: name the image by its spec, not by the path
                signer.named(request.spec().name());
            }
            List<Signer.Stored> stored = new EvidenceStep(signer, request.spec(), request.lockfile(), run, layout,
                    request.formats()).run(v);
            int more = request.evidence().attach(v, layout, store, signer);
            signed.add(new Signed(v.tag(), stored.size() + more, store.name()));
        }
        return signed;
    }

    /** Every variant with its child manifests and blobs, then its SBOM referrers. */
    private void push(RegistryClient client, BuildResult result, OciLayout layout, Path dir, ImageReference ref) {
        ImageCopier copier = new ImageCopier(client, listener, parallel);
        for (BuildResult.Variant v : result.variants()) {
            copier.copy(new Location.Layout(dir, v.tag(), null),
                    new Location.Registry(ref.pinned(v.descriptor().digest())));
            for (Descriptor sbom : v.sboms()) {
                RawManifest raw = layout.readManifest(sbom);
                ImageManifest manifest = (ImageManifest) raw.parse();
                for (Descriptor blob : List.of(manifest.config(), manifest.layers().get(0))) {
                    client.pushBlob(ref, blob, layout.blobPath(blob.digest()));
                }
                client.pushReferrer(ref, raw);
            }
        }
    }
}
