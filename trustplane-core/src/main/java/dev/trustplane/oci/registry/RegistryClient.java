package dev.trustplane.oci.registry;

import dev.trustplane.event.EventListener;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.OciLimits;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.VerifyingInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A client of the OCI distribution API. Thread-safe; one instance per command or server, so
 * tokens and connections are shared.
 */
public final class RegistryClient {
    private final RegistryHttp http;
    private final ManifestEndpoints manifests;
    private final BlobEndpoints blobs;
    private final TagEndpoints tags;
    private final ReferrerEndpoints referrers;
    private final Builder settings;

    private RegistryClient(Builder b) {
        this.settings = b.copy();
        // Built on first use: creating an HttpClient (and its TLS context) costs ~0.2 s that a copy
        // between layouts, or one served entirely by HttpURLConnection, never needs.
        Duration connect = b.connectTimeout;
        Lazy<HttpClient> client = new Lazy<>(() -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connect).followRedirects(HttpClient.Redirect.NEVER).build());
        Lazy<HttpClient> insecureClient = b.insecure.isEmpty() ? client
                : new Lazy<>(() -> InsecureTls.client(connect));
        this.http = new RegistryHttp(client, insecureClient, b.credentials, b.insecure, b.retry, b.listener,
                b.requestTimeout, Deadline.in(b.deadline));
        this.manifests = new ManifestEndpoints(http, b.limits);
        this.blobs = new BlobEndpoints(http);
        this.tags = new TagEndpoints(http);
        this.referrers = new ReferrerEndpoints(http, manifests, b.limits, b.listener);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A client with this one's settings whose credentials come from {@code first} (a pod's pull
     * secrets, a policy's registry credentials) before this one's own.
     */
    public RegistryClient withCredentials(CredentialProvider first) {
        Builder b = settings.copy();
        b.credentials = CredentialProvider.chain(List.of(first, settings.credentials));
        return new RegistryClient(b);
    }

    /** Checks that {@code registry} answers the distribution API and accepts the credentials. */
    public void ping(String registry) {
        Call call = Call.ping(registry);
        var response = http.send(call, "GET", "", Map.of(), RegistryHttp.Body.NONE);
        RegistryErrors.drain(response);
        if (response.statusCode() != 200) {
            throw http.fail(call, response);
        }
    }

    public Optional<RawManifest> manifest(ImageReference ref) {
        return manifests.get(ref);
    }

    public Optional<Descriptor> head(ImageReference ref) {
        return manifests.head(ref);
    }

    /** Pushes manifest bytes under the reference's tag (or digest, when the reference has no tag). */
    public Digest putManifest(ImageReference target, RawManifest manifest) {
        return manifests.put(putTarget(target, manifest), manifest).digest();
    }

    /**
     * Like {@link #putManifest}, but a manifest refused for a reference it names
     * ({@link RegistryException#refusedReference()}) fails at once: for read-modify-write callers,
     * which must read again before they write again.
     */
    public Digest putManifestOnce(ImageReference target, RawManifest manifest) {
        return manifests.put(putTarget(target, manifest), manifest, 1).digest();
    }

    private static ImageReference putTarget(ImageReference target, RawManifest manifest) {
        return target.tag() != null ? target.withDigest(null) : target.pinned(manifest.digest());
    }

    public void deleteManifest(ImageReference ref) {
        manifests.delete(ref);
    }

    public boolean hasBlob(ImageReference repo, Digest digest) {
        return blobs.exists(repo, digest);
    }

    /** A verifying stream of the blob: reading it to the end fails unless digest and size match. */
    public VerifyingInputStream openBlob(ImageReference repo, Descriptor blob) {
        return blobs.open(repo, blob);
    }

    public void pushBlob(ImageReference repo, Descriptor blob, Path file) {
        blobs.upload(repo, blob, file);
    }

    /** Pushes a small blob held in memory (signatures, configs, attestations). */
    public void pushBlob(ImageReference repo, Descriptor blob, byte[] content) {
        if (content.length != blob.size()) {
            throw new IllegalArgumentException("blob " + blob.digest() + " has " + content.length + " bytes, not "
                    + blob.size());
        }
        blobs.upload(repo, blob, content);
    }

    public void pushBlob(ImageReference repo, Descriptor blob, IoSupplier<InputStream> content) {
        blobs.upload(repo, blob, null, content);
    }

    public void pushBlobChunked(ImageReference repo, Descriptor blob, IoSupplier<InputStream> content, int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be positive");
        }
        blobs.uploadChunked(repo, blob, content, chunkSize);
    }

    /**
     * Mounts a blob from another repository of the same registry; when the registry declines,
     * uploads {@code content} instead. Returns true when mounted.
     */
    public boolean mountOrPush(ImageReference repo, Descriptor blob, String fromRepository,
            IoSupplier<InputStream> content) {
        boolean[] mounted = {false};
        Optional<URI> session = blobs.mount(repo, blob.digest(), fromRepository, mounted);
        if (!mounted[0]) {
            blobs.upload(repo, blob, session.orElse(null), content);
        }
        return mounted[0];
    }

    public List<String> listTags(ImageReference repo) {
        return tags.list(repo);
    }

    /** Referrers of {@code subject} (which must pin a digest), optionally only of one artifact type. */
    public Referrers referrers(ImageReference subject, String artifactType) {
        requireDigest(subject);
        return referrers.list(subject, artifactType);
    }

    /**
     * Pushes a manifest that has a {@code subject} and makes it discoverable: through the
     * referrers API when the registry processes subjects, else by adding it to the fallback index.
     */
    public Digest pushReferrer(ImageReference repo, RawManifest manifest) {
        Manifest parsed = manifest.parse();
        if (parsed.subject() == null) {
            throw new IllegalArgumentException("manifest " + manifest.digest() + " has no subject");
        }
        ManifestEndpoints.PutResult result = manifests.put(repo.pinned(manifest.digest()), manifest);
        if (!result.subjectProcessed()) {
            Descriptor entry = manifest.descriptor().withArtifactType(parsed.effectiveArtifactType())
                    .withAnnotations(parsed.annotations());
            referrers.addToFallback(repo.pinned(parsed.subject().digest()), entry);
        }
        return manifest.digest();
    }

    private static void requireDigest(ImageReference ref) {
        if (ref.digest() == null) {
            throw new IllegalArgumentException("a referrers query needs a digest: " + ref);
        }
    }

    /** Settings of a client; defaults suit a CLI run. */
    public static final class Builder {
        private CredentialProvider credentials = CredentialProvider.ANONYMOUS;
        private Set<String> insecure = Set.of();
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private EventListener listener = EventListener.NONE;
        private OciLimits limits = OciLimits.DEFAULT;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private Duration deadline;

        public Builder credentials(CredentialProvider value) {
            this.credentials = value;
            return this;
        }

        /** Registries that may be reached over plain HTTP or with an unverified certificate. */
        public Builder insecure(Set<String> value) {
            this.insecure = Set.copyOf(value);
            return this;
        }

        public Builder retry(RetryPolicy value) {
            this.retry = value;
            return this;
        }

        public Builder listener(EventListener value) {
            this.listener = value;
            return this;
        }

        public Builder limits(OciLimits value) {
            this.limits = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }

        /** How long to wait for response headers. */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = value;
            return this;
        }

        /**
         * The most this client may spend on registries in all, counted from {@link #build()}: the
         * deadline of one CLI run. Null or zero (the default): none, as a server's client needs.
         */
        public Builder deadline(Duration value) {
            this.deadline = value;
            return this;
        }

        public RegistryClient build() {
            return new RegistryClient(this);
        }

        Builder copy() {
            Builder c = new Builder();
            c.credentials = credentials;
            c.insecure = insecure;
            c.retry = retry;
            c.listener = listener;
            c.limits = limits;
            c.connectTimeout = connectTimeout;
            c.requestTimeout = requestTimeout;
            c.deadline = deadline;
            return c;
        }
    }
}
