package dev.trustplane.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.TestImages;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.transfer.ImageCopier;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.testkit.RegistryPeer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real registry with htpasswd Basic authentication. */
class AuthRegistryIT {
    @TempDir
    Path dir;

    @Test
    void shouldPushWithBasicCredentialsAndRefuseWithout() {
        try (RegistryPeer registry = RegistryPeer.start(dir, "alice", "s3cret")) {
            OciLayout source = OciLayout.openOrCreate(dir.resolve("src"));
            TestImages.write(source, "v1", 1, 100, 1);
            RegistryClient authed = RegistryClient.builder()
                    .credentials(CredentialProvider.fixed(Credentials.basic("alice", "s3cret"))).build();
            new ImageCopier(authed, EventListener.NONE, 2).copy(Location.parse("oci:" + dir.resolve("src") + ":v1"),
                    Location.parse(registry.host() + "/private/app:v1"));
            assertThat(authed.listTags(ImageReference.parseRepository(registry.host() + "/private/app")))
                    .containsExactly("v1");

            RegistryClient anonymous = RegistryClient.builder().build();
            assertThatThrownBy(() -> anonymous.manifest(ImageReference.parse(registry.host() + "/private/app:v1")))
                    .isInstanceOf(RegistryException.class)
                    .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(ErrorKind.UNAUTHORIZED))
                    .hasMessageStartingWith("Tried to pull manifest " + registry.host() + "/private/app:v1: registry "
                            + registry.host() + " answered 401 UNAUTHORIZED")
                    .hasMessageEndingWith("run `trustplane login " + registry.host()
                            + "` or pass --username with --password-stdin");

            RegistryClient wrong = RegistryClient.builder()
                    .credentials(CredentialProvider.fixed(Credentials.basic("alice", "wrong"))).build();
            assertThatThrownBy(() -> wrong.ping(registry.host()))
                    .hasMessageEndingWith("the credentials for " + registry.host() + " were rejected; check them with"
                            + " `trustplane login " + registry.host() + "`");
        }
    }
}
