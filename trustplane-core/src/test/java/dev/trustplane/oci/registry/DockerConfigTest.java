package dev.trustplane.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigTest {
    @TempDir
    Path dir;

    @Test
    void shouldReadAuthAndIdentityTokenEntries() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"dXNlcjpwYXNz\"},"
                + "\"reg.example\":{\"auth\":\"dXNlcjo=\",\"identitytoken\":\"refresh-me\"}},\"credsStore\":\"\"}");
        DockerConfig config = new DockerConfig(file);
        assertThat(config.find("docker.io")).contains(Credentials.basic("user", "pass"));
        assertThat(config.find("reg.example")).contains(Credentials.identityToken("user", "refresh-me"));
        assertThat(config.find("other.example")).isEmpty();
    }

    @Test
    void shouldStoreWithOwnerOnlyPermissionsAndRemove() throws Exception {
        DockerConfig config = DockerConfig.fromEnvironment(Map.of("DOCKER_CONFIG", dir.toString()));
        config.store("127.0.0.1:5000", Credentials.basic("alice", "s3cret"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("config.json")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(config.find("127.0.0.1:5000")).contains(Credentials.basic("alice", "s3cret"));
        assertThat(config.remove("127.0.0.1:5000")).isTrue();
        assertThat(config.find("127.0.0.1:5000")).isEmpty();
        assertThat(config.remove("127.0.0.1:5000")).isFalse();
    }

    @Test
    void shouldNeverShowSecretsInToString() {
        assertThat(Credentials.basic("alice", "s3cret").toString()).doesNotContain("s3cret");
        assertThat(Credentials.bearer("tok-123").toString()).doesNotContain("tok-123");
    }

    @Test
    void shouldExplainBrokenAuthEntry() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"auths\":{\"reg.example\":{\"auth\":\"%%%\"}}}");
        assertThatThrownBy(() -> new DockerConfig(file).find("reg.example"))
                .hasMessage("The \"auth\" entry for reg.example in " + file + " is not base64; run `trustplane login"
                        + " reg.example` to replace it");
    }
}
