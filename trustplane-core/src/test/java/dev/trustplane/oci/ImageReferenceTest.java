package dev.trustplane.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.error.TrustplaneException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {

    @ParameterizedTest
    @CsvSource({
            "busybox, docker.io/library/busybox:latest",
            "library/busybox:1.36, docker.io/library/busybox:1.36",
            "index.docker.io/user/app, docker.io/user/app:latest",
            "localhost/app, localhost/app:latest",
            "localhost:5000/team/app:v1, localhost:5000/team/app:v1",
            "127.0.0.1:5000/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef,"
                    + " 127.0.0.1:5000/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "ghcr.io/org/a/b/c:1.0-rc_1, ghcr.io/org/a/b/c:1.0-rc_1",
            "[::1]:5000/app:x, [::1]:5000/app:x",
            "Registry.Example/app, Registry.Example/app:latest",
            "a__b/c-d--e.f:t, docker.io/a__b/c-d--e.f:t"
    })
    void shouldNormaliseWhenReferenceIsValid(String input, String expected) {
        assertThat(ImageReference.parse(input).toString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "app/Name|Invalid image reference \"app/Name\": repository name must be lowercase",
            "app:-bad|Invalid image reference \"app:-bad\": tag \"-bad\" is not valid: up to 128 of letters, digits,"
                    + " '_', '.', '-', not starting with '.' or '-'",
            "app@sha256:abc|Invalid image reference \"app@sha256:abc\": the part after '@' is not a digest (Invalid"
                    + " digest \"sha256:abc\": expected 64 lower-case hex characters after \"sha256:\")",
            "https://reg/app|Invalid image reference \"https://reg/app\": a registry reference has no scheme; write"
                    + " HOST[:PORT]/REPOSITORY[:TAG]",
            "reg.io/|Invalid image reference \"reg.io/\": the repository name is missing after the registry",
            "a//b|Invalid image reference \"a//b\": repository component \"\" is not valid: lower-case letters and"
                    + " digits, separated by '.', '_', '__' or '-'"
    })
    void shouldQuoteInputWhenReferenceIsInvalid(String input, String message) {
        assertThatThrownBy(() -> ImageReference.parse(input)).isInstanceOf(TrustplaneException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource({"reg.io/app:1", "reg.io/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
    void shouldRejectTagOrDigestWhenRepositoryIsExpected(String input) {
        assertThatThrownBy(() -> ImageReference.parseRepository(input)).hasMessageContaining(
                "expected a repository without tag or digest");
    }
}
