package dev.trustplane.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.Event;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.testkit.FakeRegistry;
import dev.trustplane.testkit.RegistryPeer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Protocol edge cases the real registry here cannot show, against the in-process fake. */
class RegistryClientFakeTest {
    private final FakeRegistry fake = FakeRegistry.start();
    private final List<Event> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        fake.close();
    }

    private RegistryClient client(CredentialProvider credentials) {
        return RegistryClient.builder().credentials(credentials).listener(events::add)
                .retry(new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(5)))
                .build();
    }

    private RawManifest pushImage(String repo, String tag) {
        byte[] layer = "layer".getBytes(StandardCharsets.UTF_8);
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        fake.putBlob(layer);
        fake.putBlob(config);
        RawManifest m = new ImageManifest(MediaTypes.OCI_MANIFEST, null, Descriptor.of(MediaTypes.OCI_CONFIG, config),
                List.of(Descriptor.of(MediaTypes.OCI_LAYER, layer)), null, Map.of(), Map.of()).toRaw();
        fake.putManifest(repo, tag, m.mediaType(), m.bytes());
        return m;
    }

    @Test
    void shouldFetchBearerTokenWithRepositoryScopeWhenChallenged() {
        fake.withBearerAuth("alice", "s3cret");
        pushImage("team/app", "v1");
        RegistryClient client = client(CredentialProvider.fixed(Credentials.basic("alice", "s3cret")));

        RawManifest m = client.manifest(ImageReference.parse(fake.host() + "/team/app:v1")).orElseThrow();
        // a second pull reuses the cached token: the scope below is asked for once
        assertThat(client.manifest(ImageReference.parse(fake.host() + "/team/app:v1"))).isPresent();

        assertThat(m.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(fake.tokenScopes()).containsExactly("repository:team/app:pull");
    }

    @Test
    void shouldSayHowToLogInWhenTokenServiceRejectsAnonymous() {
        fake.withBearerAuth("alice", "s3cret");
        assertThatThrownBy(() -> client(CredentialProvider.ANONYMOUS)
                .manifest(ImageReference.parse(fake.host() + "/team/app:v1")))
                .isInstanceOf(RegistryException.class)
                .hasMessage("Tried to pull manifest " + fake.host() + "/team/app:v1: the token service 127.0.0.1"
                        + " answered 401 — run `trustplane login " + fake.host() + "` or pass --username with"
                        + " --password-stdin")
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(ErrorKind.UNAUTHORIZED));
    }

    @Test
    void shouldRetryAfterWhenRegistryAnswers429() {
        pushImage("app", "v1");
        fake.failNext(2, 429, "1");
        long start = System.nanoTime();

        RawManifest m = client(CredentialProvider.ANONYMOUS).manifest(ImageReference.parse(fake.host() + "/app:v1"))
                .orElseThrow();

        assertThat(m).isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(events).filteredOn(e -> e instanceof Event.Message msg && msg.text().contains("answered 429"))
                .hasSize(2);
    }

    @Test
    void shouldRetryManifestPutWhileAConcurrentUploadRewritesABlobLink() {
        RawManifest m = pushImage("app", "v1");
        fake.failNext(2, 400, null, "DIGEST_INVALID");

        client(CredentialProvider.ANONYMOUS).putManifest(ImageReference.parse(fake.host() + "/app:v2"), m);

        assertThat(fake.requests()).filteredOn(r -> r.startsWith("PUT /v2/app/manifests/v2")).hasSize(3);
        assertThat(client(CredentialProvider.ANONYMOUS).manifest(ImageReference.parse(fake.host() + "/app:v2")))
                .hasValueSatisfying(got -> assertThat(got.digest()).isEqualTo(m.digest()));
    }

    @Test
    void shouldGiveUpOnAManifestWhoseBlobStaysUnknown() {
        RawManifest m = pushImage("app", "v1");
        fake.failNext(10, 400, null, "MANIFEST_BLOB_UNKNOWN");

        assertThatThrownBy(() -> client(CredentialProvider.ANONYMOUS).putManifest(
                ImageReference.parse(fake.host() + "/app:v2"), m))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode())
                        .isEqualTo("MANIFEST_BLOB_UNKNOWN"));
        assertThat(fake.requests()).filteredOn(r -> r.startsWith("PUT /v2/app/manifests/v2")).hasSize(4);
    }

    @Test
    void shouldFailWithCodeWhen429Persists() {
        fake.failNext(10, 429, "0");
        assertThatThrownBy(() -> client(CredentialProvider.ANONYMOUS)
                .manifest(ImageReference.parse(fake.host() + "/app:v1")))
                .hasMessage("Tried to pull manifest " + fake.host() + "/app:v1: registry " + fake.host()
                        + " answered 429 TOOMANYREQUESTS (injected fault) — the registry is rate limiting; wait and"
                        + " retry, authenticate, or use a mirror");
    }

    @Test
    void shouldRefuseRetryAfterLongerThanLimit() {
        fake.failNext(1, 503, "3600");
        assertThatThrownBy(() -> client(CredentialProvider.ANONYMOUS)
                .manifest(ImageReference.parse(fake.host() + "/app:v1")))
                .hasMessageContaining("asked to retry after 3600s, longer than the 5s Trustplane waits");
    }

    @Test
    void shouldRefuseCorruptBlob() throws Exception {
        RawManifest m = pushImage("app", "v1");
        fake.corruptBlobs(true);
        Descriptor layer = ((ImageManifest) m.parse()).layers().get(0);
        try (InputStream in = client(CredentialProvider.ANONYMOUS).openBlob(ImageReference.parse(fake.host() + "/app:v1"),
                layer)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(TrustplaneException.class)
                    .hasMessageContaining("but " + layer.digest() + " was expected; refusing it");
        }
    }

    @Test
    void shouldFollowTagPagination() {
        fake.withTagPageSize(2);
        for (String t : List.of("a", "b", "c", "d", "e")) {
            pushImage("app", t);
        }
        assertThat(client(CredentialProvider.ANONYMOUS).listTags(ImageReference.parseRepository(fake.host() + "/app")))
                .containsExactly("a", "b", "c", "d", "e");
        assertThat(fake.requests()).filteredOn(r -> r.contains("/tags/list")).hasSize(3);
    }

    @Test
    void shouldUseReferrersApiWhenRegistryHasIt() {
        fake.withReferrersApi();
        RawManifest image = pushImage("app", "v1");
        RegistryClient client = client(CredentialProvider.ANONYMOUS);
        ImageReference repo = ImageReference.parse(fake.host() + "/app:v1");
        fake.putBlob(MediaTypes.EMPTY_JSON);
        RawManifest sbom = ImageManifest.artifact("application/vnd.cyclonedx+json", List.of(), image.descriptor(),
                Map.of()).toRaw();
        RawManifest sig = ImageManifest.artifact("application/vnd.dev.sigstore.bundle.v0.3+json", List.of(),
                image.descriptor(), Map.of()).toRaw();
        client.pushReferrer(repo, sbom);
        client.pushReferrer(repo, sig);

        Referrers all = client.referrers(repo.pinned(image.digest()), null);
        Referrers sboms = client.referrers(repo.pinned(image.digest()), "application/vnd.cyclonedx+json");

        assertThat(all.source()).isEqualTo(Referrers.Source.API);
        assertThat(all.manifests()).extracting(Descriptor::digest).containsExactlyInAnyOrder(sbom.digest(), sig.digest());
        assertThat(sboms.manifests()).extracting(Descriptor::digest).containsExactly(sbom.digest());
        assertThat(fake.requests()).noneMatch(r -> r.contains("/manifests/sha256-"));
    }

    @Test
    void shouldFallBackToTagIndexWhenApiIsMissing() {
        RawManifest image = pushImage("app", "v1");
        RegistryClient client = client(CredentialProvider.ANONYMOUS);
        ImageReference repo = ImageReference.parse(fake.host() + "/app:v1");
        RawManifest sbom = ImageManifest.artifact("application/vnd.cyclonedx+json", List.of(), image.descriptor(),
                Map.of("org.example", "x")).toRaw();
        client.pushReferrer(repo, sbom);

        Referrers found = client.referrers(repo.pinned(image.digest()), null);

        assertThat(found.source()).isEqualTo(Referrers.Source.FALLBACK_TAG);
        assertThat(found.manifests()).singleElement().satisfies(d -> {
            assertThat(d.artifactType()).isEqualTo("application/vnd.cyclonedx+json");
            assertThat(d.annotations()).containsEntry("org.example", "x");
        });
    }

    /**
     * A writer in another process overwrites our fallback-index write with one based on an older
     * read: the read-back after the settle delay notices the entry is gone and writes it again.
     */
    @Test
    void shouldWriteTheFallbackEntryAgainWhenAnotherWriterOverwroteIt() {
        RawManifest image = pushImage("app", "v1");
        RegistryClient client = client(CredentialProvider.ANONYMOUS);
        ImageReference repo = ImageReference.parse(fake.host() + "/app:v1");
        fake.putBlob(MediaTypes.EMPTY_JSON);
        String tag = image.digest().referrersTag();
        RawManifest first = ImageManifest.artifact("application/vnd.test.first", List.of(), image.descriptor(),
                Map.of()).toRaw();
        RawManifest elsewhere = ImageManifest.artifact("application/vnd.test.elsewhere", List.of(),
                image.descriptor(), Map.of()).toRaw();
        RawManifest ours = ImageManifest.artifact("application/vnd.test.ours", List.of(), image.descriptor(),
                Map.of()).toRaw();
        client.pushReferrer(repo, first);
        byte[] before = fake.manifest("app", tag);
        client.pushReferrer(repo, elsewhere);
        byte[] theirs = fake.manifest("app", tag);
        fake.putManifest("app", tag, MediaTypes.OCI_INDEX, before);
        fake.loseNextPut("app", tag, MediaTypes.OCI_INDEX, theirs);
        int requestsBefore = fake.requests().size();

        client.pushReferrer(repo, ours);

        assertThat(client.referrers(repo.pinned(image.digest()), null).manifests()).extracting(Descriptor::digest)
                .containsExactlyInAnyOrder(first.digest(), elsewhere.digest(), ours.digest());
        assertThat(fake.requests().subList(requestsBefore, fake.requests().size()))
                .filteredOn(r -> r.equals("PUT /v2/app/manifests/" + tag)).as("the first write lost, the second kept")
                .hasSize(2);
    }

    @Test
    void shouldNameRegistryWhenUnreachable() throws Exception {
        int port = RegistryPeer.freePort();
        assertThatThrownBy(() -> client(CredentialProvider.ANONYMOUS)
                .manifest(ImageReference.parse("127.0.0.1:" + port + "/app:v1")))
                .isInstanceOf(RegistryException.class)
                .hasMessageStartingWith("Cannot reach registry 127.0.0.1:" + port + " to pull manifest 127.0.0.1:"
                        + port + "/app:v1: connection refused")
                .hasMessageEndingWith("check the host and port, the network, and that the registry is running");
    }
}
