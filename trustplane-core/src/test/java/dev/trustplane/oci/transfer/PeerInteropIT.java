package dev.trustplane.oci.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.event.EventListener;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.TestImages;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.testkit.Peers;
import dev.trustplane.testkit.ProcessRunner;
import dev.trustplane.testkit.RegistryPeer;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interop with skopeo and oras against the real registry. */
class PeerInteropIT {
    @TempDir
    static Path work;
    static RegistryPeer registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        registry = RegistryPeer.start(work);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static ImageCopier copier() {
        return new ImageCopier(RegistryClient.builder().build(), EventListener.NONE, 3);
    }

    @Test
    void shouldBeReadableBySkopeoWhenPushedByTrustplane() {
        OciLayout source = OciLayout.openOrCreate(dir.resolve("src"));
        RawManifest image = TestImages.write(source, "v1", 2, 5000, 21);
        String ref = registry.host() + "/interop/tp:v1";
        copier().copy(Location.parse("oci:" + dir.resolve("src") + ":v1"), Location.parse(ref));

        String inspect = ProcessRunner.runOk(List.of(Peers.require("skopeo").toString(), "inspect", "--raw",
                "--tls-verify=false", "docker://" + ref)).stdout();
        ProcessRunner.runOk(List.of(Peers.require("skopeo").toString(), "copy", "--src-tls-verify=false",
                "--preserve-digests", "docker://" + ref, "oci:" + dir.resolve("skopeo-out") + ":v1"));

        assertThat(inspect).isEqualTo(image.text());
        OciLayout out = OciLayout.open(dir.resolve("skopeo-out"));
        assertThat(out.resolveTag("v1").orElseThrow().digest()).isEqualTo(image.digest());
    }

    @Test
    void shouldCopyWithIdenticalDigestWhenPushedBySkopeo() throws Exception {
        OciLayout source = OciLayout.openOrCreate(dir.resolve("src"));
        RawManifest image = TestImages.write(source, "v1", 2, 5000, 22);
        String ref = registry.host() + "/interop/skopeo:v1";
        ProcessRunner.runOk(List.of(Peers.require("skopeo").toString(), "copy", "--dest-tls-verify=false",
                "oci:" + dir.resolve("src") + ":v1", "docker://" + ref));
        String digest = ProcessRunner.runOk(List.of(Peers.require("skopeo").toString(), "inspect",
                "--format", "{{.Digest}}", "--tls-verify=false", "docker://" + ref)).stdout().trim();

        CopyResult r = copier().copy(Location.parse(ref), Location.parse("oci:" + dir.resolve("tp-out") + ":v1"));

        assertThat(r.digest().toString()).isEqualTo(digest);
        OciLayout out = OciLayout.open(dir.resolve("tp-out"));
        RawManifest pulled = out.readManifest(out.resolveTag("v1").orElseThrow());
        assertThat(pulled.digest().toString()).isEqualTo(digest);
        for (Descriptor layer : ((ImageManifest) pulled.parse()).layers()) {
            assertThat(Files.size(out.blobPath(layer.digest()))).isEqualTo(layer.size());
        }
        assertThat(image.digest()).isNotNull();
    }

    @Test
    void shouldSeeOrasReferrersAndOrasShouldSeeOurs() throws Exception {
        OciLayout source = OciLayout.openOrCreate(dir.resolve("src"));
        RawManifest image = TestImages.write(source, "v1", 1, 500, 23);
        ImageReference ref = ImageReference.parse(registry.host() + "/interop/oras:v1");
        copier().copy(Location.parse("oci:" + dir.resolve("src") + ":v1"), Location.parse(ref.toString()));
        Path sbom = Files.writeString(dir.resolve("sbom.json"), "{\"bomFormat\":\"CycloneDX\"}");
        String oras = Peers.require("oras").toString();
        ProcessRunner.Result attached = ProcessRunner.run(List.of(oras, "attach", "--plain-http", "--artifact-type",
                "application/vnd.cyclonedx+json", ref.toString(), "sbom.json:application/vnd.cyclonedx+json"),
                Map.of("HOME", dir.toString()), 120, dir);
        attached.requireSuccess(List.of("oras attach"));
        RegistryClient client = RegistryClient.builder().build();
        client.pushBlob(ref, Descriptor.of(MediaTypes.OCI_EMPTY, MediaTypes.EMPTY_JSON),
                () -> new ByteArrayInputStream(MediaTypes.EMPTY_JSON));
        RawManifest ours = ImageManifest.artifact("application/vnd.trustplane.test+json", List.of(),
                image.descriptor(), Map.of()).toRaw();
        client.pushReferrer(ref, ours);

        ImageSource src = ImageSource.open(Location.parse(ref.toString()), RegistryClient.builder().build());
        List<Descriptor> found = src.referrers(image.digest(), null);
        String discover = ProcessRunner.runOk(List.of(oras, "discover", "--plain-http", "--format", "tree",
                ref.toString())).stdout();

        assertThat(found).extracting(Descriptor::artifactType)
                .contains("application/vnd.cyclonedx+json", "application/vnd.trustplane.test+json");
        assertThat(discover).contains("application/vnd.cyclonedx+json")
                .contains("application/vnd.trustplane.test+json").contains(ours.digest().toString());
    }
}
