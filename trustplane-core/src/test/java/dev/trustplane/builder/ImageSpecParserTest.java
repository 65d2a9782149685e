package dev.trustplane.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.testkit.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @TempDir
    Path tmp;

    /** A spec in tmp/ctx whose one files: entry has the given source, parsed with the given context. */
    private ImageSpec parseWithSource(String source, Path context) {
        String yaml = "name: app\nrelease: bookworm\npackages: [libc6]\nfiles:\n  - source: '" + source
                + "'\n    path: /etc/app.conf\n";
        return ImageSpecParser.parse(yaml.getBytes(StandardCharsets.UTF_8), "spec.yaml", tmp.resolve("ctx"), context);
    }

    private Path outsideSecret() throws IOException {
        Files.createDirectories(tmp.resolve("ctx"));
        return Files.writeString(tmp.resolve("secret"), "root:$y$j9T$...:19000::::::\n");
    }

    @Test
    void shouldRefuseAFilesSourceThatIsAnAbsoluteHostPath() throws IOException {
        Path secret = outsideSecret();
        Path context = tmp.resolve("ctx").toRealPath();
        assertThatThrownBy(() -> parseWithSource(secret.toString(), tmp.resolve("ctx")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("Image spec spec.yaml has 1 problem (see docs/image-spec.md):\n  files[0].source: '"
                        + secret + "' resolves to " + secret.toRealPath() + ", outside the build context " + context
                        + " — copy the file into the spec's directory or pass --context DIR");
    }

    /** The spec in tmp/ctx naming {@code source} is refused as reaching {@code secret}, outside its context. */
    private void assertRefusedAsOutside(String source, Path secret) throws IOException {
        Path real = secret.toRealPath();
        assertThatThrownBy(() -> parseWithSource(source, tmp.resolve("ctx")))
                .hasMessageContaining("files[0].source: '" + source + "' resolves to " + real
                        + ", outside the build context");
    }

    @Test
    void shouldRefuseAFilesSourceThatClimbsOutOfTheContext() throws IOException {
        assertRefusedAsOutside("../secret", outsideSecret());
    }

    @Test
    void shouldRefuseAFilesSourceThatIsASymlinkOutOfTheContext() throws IOException {
        Path secret = outsideSecret();
        Files.createSymbolicLink(tmp.resolve("ctx/app.conf"), secret);
        assertRefusedAsOutside("app.conf", secret);
    }

    @Test
    void shouldRefuseAFilesSourceReachedThroughASymlinkedDirectory() throws IOException {
        Path secret = outsideSecret();
        Files.createSymbolicLink(tmp.resolve("ctx/conf"), tmp);
        assertRefusedAsOutside("conf/secret", secret);
    }

    @Test
    void shouldAcceptSourcesInsideTheContextAndAWiderExplicitContext() throws IOException {
        Path secret = outsideSecret();
        Files.writeString(tmp.resolve("ctx/real.conf"), "a=1\n");
        Files.createSymbolicLink(tmp.resolve("ctx/app.conf"), Path.of("real.conf"));
        assertThat(parseWithSource("app.conf", tmp.resolve("ctx")).files().get(0).source())
                .isEqualTo(tmp.resolve("ctx/real.conf").toRealPath());
        assertThat(parseWithSource("../secret", tmp).files().get(0).source()).isEqualTo(secret.toRealPath());
    }

    @Test
    void shouldCopyADirectorySourceFileByFileAndRefuseWhatLeadsOutOfTheContext() throws IOException {
        Path secret = outsideSecret();
        Path lib = Files.createDirectories(tmp.resolve("ctx/lib/nested"));
        Files.writeString(lib.resolve("b.jar"), "b");
        Files.writeString(tmp.resolve("ctx/lib/a.jar"), "a");
        String yaml = "name: app\nrelease: bookworm\npackages: [libc6]\nfiles:\n  - source: lib\n    path: /opt/app/lib/\n";
        ImageSpec spec = ImageSpecParser.parse(yaml.getBytes(StandardCharsets.UTF_8), "spec.yaml", tmp.resolve("ctx"),
                tmp.resolve("ctx"));
        assertThat(spec.files()).extracting(ImageSpec.ExtraFile::path)
                .containsExactly("/opt/app/lib/a.jar", "/opt/app/lib/nested/b.jar");
        assertThat(spec.files().get(1).source()).isEqualTo(lib.resolve("b.jar").toRealPath());

        Files.createSymbolicLink(lib.resolve("passwd"), secret);
        assertThatThrownBy(() -> ImageSpecParser.parse(yaml.getBytes(StandardCharsets.UTF_8), "spec.yaml",
                tmp.resolve("ctx"), tmp.resolve("ctx")))
                .hasMessageContaining("files[0].source: 'nested/passwd' in " + tmp.resolve("ctx/lib").toRealPath()
                        + " resolves to " + secret.toRealPath() + ", outside the build context");
        assertRefusedAsOutside("..", tmp);
    }

    @Test
    void shouldRefuseAFilesSourceThatIsNotARegularFile() throws IOException {
        Path fifo = Files.createDirectories(tmp.resolve("ctx")).resolve("fifo");
        ProcessRunner.runOk(List.of("mkfifo", fifo.toString()));
        assertThatThrownBy(() -> parseWithSource("fifo", tmp.resolve("ctx")))
                .hasMessageEndingWith("files[0].source: 'fifo' is not a regular file");
        Files.createDirectories(tmp.resolve("ctx/sub"));
        assertThatThrownBy(() -> parseWithSource("sub", tmp.resolve("ctx")))
                .hasMessageEndingWith("files[0].source: directory '" + tmp.resolve("ctx/sub").toRealPath()
                        + "' holds no files to copy");
    }

    @Test
    void shouldRefuseAMissingBuildContext() {
        assertThatThrownBy(() -> parseWithSource("x", tmp.resolve("nowhere")))
                .hasMessage("Build context " + tmp.resolve("nowhere") + " does not exist — pass an existing"
                        + " directory with --context");
    }
}
