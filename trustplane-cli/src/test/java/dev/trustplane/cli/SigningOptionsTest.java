package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Sigstore signing config the conformance suite hands to sign-bundle (--signing-config). */
class SigningOptionsTest {
    @TempDir
    Path dir;

    @Test
    void shouldTakeTheServicesOfASigningConfigWhereNoFlagNamesThem() throws Exception {
        // the v0.2 shape of sigstore's signing_config.json (services as lists of {url, …})
        SigningOptions v2 = new SigningOptions();
        v2.signingConfig = Files.writeString(dir.resolve("v2.json"), """
                {"mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json",
                 "caUrls": [{"url": "https://fulcio.example", "majorApiVersion": 1}],
                 "oidcUrls": [{"url": "https://oauth2.example"}],
                 "rekorTlogUrls": [{"url": "https://rekor.example", "majorApiVersion": 1}],
                 "tsaUrls": [{"url": "https://tsa.example/api/v1/timestamp"}]}""");
        v2.rekor = URI.create("https://mine.example");
        v2.applySigningConfig();
        SigningOptions v1 = new SigningOptions();
        v1.signingConfig = Files.writeString(dir.resolve("v1.json"), """
                {"mediaType": "application/vnd.dev.sigstore.signingconfig.v0.1+json",
                 "caUrl": "https://fulcio.example", "tlogUrls": ["https://rekor.example"]}""");
        v1.applySigningConfig();
        SigningOptions incomplete = new SigningOptions();
        incomplete.signingConfig = Files.writeString(dir.resolve("no-ca.json"), "{\"rekorTlogUrls\": []}");

        assertThat(v2.fulcio).isEqualTo(URI.create("https://fulcio.example"));
        assertThat(v2.rekor).as("a flag wins").isEqualTo(URI.create("https://mine.example"));
        assertThat(v2.timestampServer).isEqualTo(URI.create("https://tsa.example/api/v1/timestamp"));
        assertThat(v1.fulcio).isEqualTo(URI.create("https://fulcio.example"));
        assertThat(v1.rekor).isEqualTo(URI.create("https://rekor.example"));
        assertThat(v1.timestampServer).isNull();
        assertThatThrownBy(incomplete::applySigningConfig).hasMessageContaining("no-ca.json")
                .hasMessageContaining("names no certificate authority (caUrls)");
        SigningOptions missing = new SigningOptions();
        missing.signingConfig = dir.resolve("absent.json");
        assertThatThrownBy(missing::applySigningConfig).hasMessageContaining("absent.json does not exist")
                .hasMessageContaining("--fulcio-url");
    }
}
