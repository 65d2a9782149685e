package dev.trustplane.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageSpecParserTest {

    private static ImageSpec parse(String yaml) {
        return ImageSpecParser.parse(yaml.getBytes(StandardCharsets.UTF_8), "spec.yaml", Path.of("/tmp"));
    }

    @Test
    void shouldApplyNonrootDefaultsAndDebianArchives() {
        ImageSpec spec = parse("name: base\nrelease: bookworm\npackages: [libc6]\n");
        assertThat(spec.accounts().runAs()).isEqualTo("nonroot");
        assertThat(spec.accounts().users()).extracting(ImageSpec.User::uid).containsExactly(65532);
        assertThat(spec.archives()).extracting(a -> a.url() + " " + a.suites()).containsExactly(
                "http://deb.debian.org/debian [bookworm, bookworm-updates]",
                "http://deb.debian.org/debian-security [bookworm-security]");
        assertThat(spec.variants()).containsExactly("runtime", "dev");
        assertThat(spec.packages("dev")).contains("libc6", "bash", "apt");
        assertThat(spec.architectures()).containsExactly("amd64");
    }

    @Test
    void shouldReportEveryProblemAtOnceWithItsPath() {
        assertThatThrownBy(() -> parse("""
                name: Base
                release: buster
                packages: [libc6, "Bad Name"]
                architectures: [amd64, s390x]
                accounts: {run-as: ghost}
                ports: [http]
                colour: blue
                """))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("""
                        Image spec spec.yaml has 7 problems (see docs/image-spec.md):
                          colour: unknown key; allowed: [accounts, annotations, architectures, archives, cmd, entrypoint,\
                         env, files, hardening, keyring, labels, layering, links, name, packages, ports, release, variants,\
                         without-dependencies, workdir]
                          name: 'Base' must be lower case letters, digits, '.', '_' or '-'
                          release: 'buster' is not supported; use one of [bookworm, trixie]
                          packages[1]: 'Bad Name' is not a Debian package name (optionally name=version)
                          architectures[1]: 's390x' is not supported; use [amd64, arm64]
                          accounts.run-as: 'ghost' is neither a user defined in accounts.users nor uid[:gid]
                          ports[0]: 'http' must look like 8080 or 8080/tcp""");
    }

    @Test
    void shouldRequireNameReleaseAndPackages() {
        assertThatThrownBy(() -> parse("{}")).hasMessage("""
                Image spec spec.yaml has 3 problems (see docs/image-spec.md):
                  name: is required
                  release: is required
                  packages: is required (a list)""");
    }
}
