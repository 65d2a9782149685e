package dev.trustplane.sigstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.error.TrustplaneException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Trusted roots from the sigstore-conformance suite (src/test/resources/sigstore/conformance). */
class TrustedRootTest {
    static final Path SUITE = Path.of("src/test/resources/sigstore/conformance/bundle-verify");

    /** Issue 21: a tlog key without validFor.start was trusted since the epoch instead of refusing the root. */
    @Test
    void shouldRefuseARootWhoseLogKeyHasNoValidityStart() throws IOException {
        byte[] root = Files.readAllBytes(SUITE.resolve("trust-root-tlog-missing-validity-start_fail/trusted_root.json"));

        assertThatThrownBy(() -> TrustedRoot.parse(root, "trusted_root.json")).isInstanceOf(TrustplaneException.class)
                .hasMessageContaining("trusted_root.json")
                .hasMessageContaining("tlogs[1].publicKey.validFor has no start; a trusted root must say since when each"
                        + " key and authority is trusted");
    }

    /** Issue 21: twelve conformance roots hold a PKCS#1 RSA ctlog key; the whole root was refused. */
    @Test
    void shouldReadPkcs1RsaLogKeys() throws IOException {
        byte[] root = Files.readAllBytes(SUITE.resolve("rekor2-happy-path/trusted_root.json"));

        assertThat(TrustedRoot.parse(root, "trusted_root.json").ctlogs()).isNotEmpty()
                .anySatisfy(l -> assertThat(l.key().getAlgorithm()).isEqualTo("RSA"));
    }
}
