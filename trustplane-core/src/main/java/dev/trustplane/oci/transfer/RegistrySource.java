package dev.trustplane.oci.transfer;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.OciLimits;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.VerifyingInputStream;
import dev.trustplane.oci.registry.Referrers;
import dev.trustplane.oci.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Reads images from a registry repository. */
final class RegistrySource implements ImageSource {
    private final Location.Registry location;
    private final RegistryClient client;
    private final Map<Digest, Referrers.Source> referrerSources = new ConcurrentHashMap<>();

    RegistrySource(Location.Registry location, RegistryClient client) {
        this.location = location;
        this.client = client;
    }

    ImageReference reference() {
        return location.reference();
    }

    @Override
    public Location location() {
        return location;
    }

    @Override
    public RawManifest resolve() {
        ImageReference ref = location.reference();
        return readable(client.manifest(ref).orElseThrow(() -> new TrustplaneException(ErrorKind.NOT_FOUND,
                "Image " + ref + " does not exist: registry " + ref.registry() + " has no manifest "
                        + ref.manifestReference() + " in " + ref.repository() + "; `trustplane tags " + ref.name()
                        + "` lists the tags")), ref);
    }

    @Override
    public RawManifest manifest(Descriptor descriptor) {
        ImageReference ref = location.reference().pinned(descriptor.digest());
        return readable(client.manifest(ref).orElseThrow(() -> new TrustplaneException(ErrorKind.NOT_FOUND,
                "Registry " + ref.registry() + " has no manifest " + descriptor.digest() + " in " + ref.repository()
                        + ", though an index names it; the image is incomplete in the registry")), ref);
    }

    /**
     * Parses a manifest once as it arrives, so that one the registry garbled is refused naming the
     * registry and the image rather than later by digest alone.
     */
    private static RawManifest readable(RawManifest raw, ImageReference ref) {
        raw.parse(OciLimits.DEFAULT, raw.digest() + " of " + ref.name() + " from registry " + ref.registry());
        return raw;
    }

    @Override
    public VerifyingInputStream blob(Descriptor descriptor) {
        return client.openBlob(location.reference(), descriptor);
    }

    @Override
    public byte[] readBlob(Descriptor descriptor, long maxBytes) {
        if (descriptor.size() > maxBytes) {
            throw new LimitExceededException("max-blob-read", maxBytes, "Blob " + descriptor.digest() + " in "
                    + location.reference().name() + " (" + descriptor.size() + " bytes)");
        }
        try (InputStream in = blob(descriptor)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.UNREACHABLE, "Reading blob " + descriptor.digest() + " from "
                    + location.reference().name() + " failed: " + e.getMessage() + " — retry; check the network", e);
        }
    }

    @Override
    public List<Descriptor> referrers(Digest subject, String artifactType) {
        Referrers found = client.referrers(location.reference().pinned(subject), artifactType);
        referrerSources.put(subject, found.source());
        return found.manifests();
    }

    @Override
    public String referrersSource(Digest subject) {
        Referrers.Source s = referrerSources.get(subject);
        return s == Referrers.Source.API ? "referrers API" : "fallback tag " + subject.referrersTag();
    }
}
