package dev.trustplane.oci.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.oci.Digest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocationTest {
    private static final String D = "sha256:" + "c".repeat(64);

    @Test
    void shouldParseLayoutForms() {
        assertThat(Location.parse("oci:/tmp/x:v1")).isEqualTo(new Location.Layout(Path.of("/tmp/x"), "v1", null));
        assertThat(Location.parse("oci:/tmp/x")).isEqualTo(new Location.Layout(Path.of("/tmp/x"), null, null));
        assertThat(Location.parse("oci:rel/dir@" + D))
                .isEqualTo(new Location.Layout(Path.of("rel/dir"), null, Digest.parse(D)));
    }

    @Test
    void shouldParseRegistryForms() {
        assertThat(Location.parse("docker://127.0.0.1:5000/app:1").toString()).isEqualTo("127.0.0.1:5000/app:1");
        assertThat(Location.parse("localhost:5000/app")).isInstanceOf(Location.Registry.class);
        assertThat(Location.parse("busybox:latest").toString()).isEqualTo("docker.io/library/busybox:latest");
    }

    @Test
    void shouldNameUnknownTransport() {
        assertThatThrownBy(() -> Location.parse("s3://bucket/x")).hasMessage("Unknown transport \"s3://\" in"
                + " \"s3://bucket/x\"; use oci:DIR[:TAG], oci:DIR@DIGEST or [docker://]REGISTRY/REPOSITORY[:TAG][@DIGEST]");
        assertThatThrownBy(() -> Location.parse("ocii:./dir")).hasMessageStartingWith("Unknown transport \"ocii:\"");
        assertThatThrownBy(() -> Location.parse("docker-archive:img.tar")).hasMessageStartingWith(
                "Transport \"docker-archive:\" in \"docker-archive:img.tar\" is not supported");
    }

    @Test
    void shouldRefuseALayoutTagThatWouldBecomeAPathOutsideTheLayout() {
        assertThatThrownBy(() -> Location.parse("oci:DIR:../../../../tmp/x")).hasMessage("Invalid image location"
                + " \"oci:DIR:../../../../tmp/x\": tag \"../../../../tmp/x\" is not a valid OCI tag (up to 128 letters,"
                + " digits, '_', '.' and '-', not starting with '.' or '-'; a layout directory cannot contain ':'); use"
                + " oci:DIR[:TAG], oci:DIR@DIGEST or [docker://]REGISTRY/REPOSITORY[:TAG][@DIGEST]");
        for (String tag : new String[] {"a/b", "$(touch x)", "`id`", ".hidden", "-x", "x".repeat(129), ""}) {
            assertThatThrownBy(() -> Location.parse("oci:out:" + tag)).as(tag)
                    .hasMessageContaining("tag \"" + tag + "\" is not a valid OCI tag");
        }
    }

    @Test
    void shouldRefuseALayoutWithBothTagAndDigest() {
        assertThatThrownBy(() -> Location.parse("oci:out:v1@" + D))
                .hasMessageStartingWith("Invalid image location \"oci:out:v1@" + D + "\": give a tag or a digest, not both");
    }

    @Test
    void shouldKeepAValidTagWithEveryAllowedCharacter() {
        assertThat(Location.parse("oci:out:V1_2.3-rc")).isEqualTo(new Location.Layout(Path.of("out"), "V1_2.3-rc", null));
    }
}
