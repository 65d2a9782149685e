package dev.trustplane.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.testkit.StallingRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15: a registry trickling one byte a second held {@code inspect} ~657 s for a 418-byte
 * manifest, and one that never answers was cut off only after ~303 s (five 60 s reads). The
 * client's deadline bounds the whole operation. (The timeouts below guard against a hang; they
 * are not what is tested.)
 */
class RegistryDeadlineTest {
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldGiveUpOnARegistryTricklingItsAnswerAtTheDeadline() {
        try (StallingRegistry slow = StallingRegistry.start(StallingRegistry.Mode.TRICKLE, 250)) {
            RegistryClient client = RegistryClient.builder().deadline(Duration.ofSeconds(2)).build();

            assertThatThrownBy(() -> client.manifest(ImageReference.parse(slow.host() + "/team/app:1")))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind())
                            .isEqualTo(ErrorKind.UNREACHABLE))
                    .hasMessageContaining("the deadline of 2s passed while reading the answer of registry "
                            + slow.host() + " (raise --deadline, 0 for none, or try again)");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldGiveUpOnARegistryThatNeverAnswersAtTheDeadlineNotAfterEveryRetry() {
        try (StallingRegistry silent = StallingRegistry.start(StallingRegistry.Mode.SILENT, 0)) {
            RegistryClient client = RegistryClient.builder().deadline(Duration.ofSeconds(2)).build();

            assertThatThrownBy(() -> client.manifest(ImageReference.parse(silent.host() + "/team/app:1")))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind())
                            .isEqualTo(ErrorKind.UNREACHABLE))
                    .hasMessage("Registry " + silent.host() + " did not finish answering within the deadline of 2s"
                            + " while trying to pull manifest " + silent.host() + "/team/app:1 — the registry or the"
                            + " network is slow or stalled; try again, or raise --deadline (0 for none)");
        }
    }
}
