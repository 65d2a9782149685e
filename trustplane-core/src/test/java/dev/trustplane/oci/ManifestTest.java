package dev.trustplane.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestTest {
    private static final String CONFIG = "sha256:" + "a".repeat(64);
    private static final String LAYER = "sha256:" + "b".repeat(64);

    @Test
    void shouldKeepUnknownFieldsWhenIndexIsModified() {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + CONFIG
                + "\",\"size\":10,\"x-vendor\":{\"k\":[1,2]},\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\","
                + "\"variant\":\"v8\"}}],\"x-top\":\"kept\"}";
        ImageIndex index = (ImageIndex) RawManifest.of(json.getBytes(StandardCharsets.UTF_8), null).parse();
        ImageIndex changed = index.plus(Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.parse(LAYER), 5));
        String out = new String(changed.toJson(), StandardCharsets.UTF_8);
        assertThat(out).contains("\"x-top\":\"kept\"").contains("\"x-vendor\":{\"k\":[1,2]}")
                .contains("\"variant\":\"v8\"").contains(LAYER);
        assertThat(index.manifests().get(0).platform()).isEqualTo(new Platform("linux", "arm64", "v8", null, List.of()));
    }

    @Test
    void shouldKeepExactBytesAndDigest() {
        String json = "{ \"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\","
                + " \"config\": {\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + CONFIG
                + "\",\"size\":2}, \"layers\": [], \"subject\": {\"mediaType\":\"x\",\"digest\":\"" + LAYER
                + "\",\"size\":1}, \"artifactType\": \"application/example\" }";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        RawManifest raw = RawManifest.of(bytes, null);
        assertThat(raw.bytes()).isEqualTo(bytes);
        assertThat(raw.digest()).isEqualTo(Digest.sha256(bytes));
        ImageManifest m = (ImageManifest) raw.parse();
        assertThat(m.artifactType()).isEqualTo("application/example");
        assertThat(m.subject().digest().toString()).isEqualTo(LAYER);
    }

    @Test
    void shouldRefuseBytesWhenDigestDiffers() {
        assertThatThrownBy(() -> RawManifest.verified("{}".getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_MANIFEST,
                Digest.parse(CONFIG), "registry r")).isInstanceOf(TrustplaneException.class)
                .satisfies(e -> assertThat(((TrustplaneException) e).kind()).isEqualTo(ErrorKind.INTEGRITY))
                .hasMessageContaining("refusing it");
    }

    @Test
    void shouldRejectSchema1WithWayOut() {
        byte[] bytes = "{\"schemaVersion\":1,\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> RawManifest.of(bytes, null).parse()).hasMessageContaining("Docker schema 1")
                .hasMessageContaining("re-push the image");
    }

    @Test
    void shouldNameLimitWhenIndexHasTooManyEntries() {
        ImageIndex big = ImageIndex.of(List.of(Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.parse(CONFIG), 1),
                Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.parse(LAYER), 1)));
        OciLimits limits = new OciLimits(1 << 20, 1, 10, 1 << 20);
        assertThatThrownBy(() -> big.toRaw().parse(limits, "test")).isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("max-index-entries");
    }

    @Test
    void shouldBuildArtifactWithEmptyConfig() {
        ImageManifest a = ImageManifest.artifact("application/vnd.test", List.of(), null, Map.of());
        assertThat(a.config().digest()).isEqualTo(Digest.sha256("{}"));
        assertThat(a.layers()).hasSize(1);
    }
}
