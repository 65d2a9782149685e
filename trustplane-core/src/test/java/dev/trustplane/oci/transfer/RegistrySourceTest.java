package dev.trustplane.oci.transfer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.oci.Digest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.registry.CredentialProvider;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.testkit.FakeRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RegistrySourceTest {
    @Test
    void shouldNameTheRegistryAndImageWhenARegistrySendsGarbageJson() {
        try (FakeRegistry fake = FakeRegistry.start()) {
            byte[] garbage = "\u0001\u0002{not json".getBytes(StandardCharsets.UTF_8);
            fake.putManifest("team/app", "v1", MediaTypes.OCI_MANIFEST, garbage);
            RegistryClient client = RegistryClient.builder().credentials(CredentialProvider.ANONYMOUS).build();
            ImageSource source = ImageSource.open(Location.parse(fake.host() + "/team/app:v1"), client);
            assertThatThrownBy(source::resolve).hasMessage("Manifest " + Digest.sha256(garbage) + " of "
                    + fake.host() + "/team/app from registry " + fake.host() + " is not valid JSON: Illegal character"
                    + " ((CTRL-CHAR, code 1)): only regular white space (\\r, \\n, \\t) is allowed between tokens");
        }
    }
}
