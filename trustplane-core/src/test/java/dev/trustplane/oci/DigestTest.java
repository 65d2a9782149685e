package dev.trustplane.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DigestTest {

    @Test
    void shouldComputeSha256AndReferrersTag() {
        Digest d = Digest.sha256("");
        assertThat(d.toString()).isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(d.referrersTag()).isEqualTo("sha256-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Digest.parse(d.toString())).isEqualTo(d);
    }

    @Test
    void shouldAcceptSha512() {
        assertThat(Digest.of(Digest.Algorithm.SHA512, new byte[0]).hex()).hasSize(128);
    }

    @Test
    void shouldRejectUnknownAlgorithmWithMessage() {
        assertThatThrownBy(() -> Digest.parse("md5:abc")).hasMessage(
                "Invalid digest \"md5:abc\": unsupported algorithm \"md5\"; supported: sha256, sha512");
        assertThatThrownBy(() -> Digest.parse("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"))
                .hasMessageContaining("lower-case hex");
    }
}
