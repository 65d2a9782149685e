package dev.trustplane.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.debian.TestArchive;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.layout.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole builder against a Debian archive made and signed at test time, served on loopback. */
class ImageBuilderTest {
    private static final Instant NOW = Instant.now();

    @TempDir
    Path dir;

    private TestArchive archive;
    private URI url;
    private Path keyring;

    @BeforeEach
    void publish() throws IOException {
        TestArchive.SigningKey key = TestArchive.SigningKey.generate(NOW.minusSeconds(3600), 0);
        archive = new TestArchive(dir.resolve("archive"), key);
        archive.add("stable", TestArchive.deb("base-files", "12.4", "all").field("Pre-Depends", "awk")
                .dir("./etc/", 0755).file("./etc/debian_version", 0644, "12.4\n")
                .dir("./usr/lib/", 0755).file("./usr/lib/os-release", 0644, "ID=debian\n")
                .symlink("./etc/os-release", "../usr/lib/os-release")
                .file("./usr/share/doc/base-files/copyright", 0644,
                        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
                                + "Files: *\nCopyright: Debian\nLicense: GPL-2+\n")
                .file("./usr/share/doc/base-files/README", 0644, "docs\n")
                .file("./usr/share/man/man1/x.1", 0644, "man\n"));
        archive.add("stable", TestArchive.deb("mawk", "1.3.4", "amd64").field("Provides", "awk")
                .field("Depends", "libc6 (>= 2.30)")
                .dir("./usr/bin/", 0755).file("./usr/bin/mawk", 04755, "mawk\n")
                .hardlink("./usr/bin/awk", "./usr/bin/mawk"));
        archive.add("stable", TestArchive.deb("libc6", "2.36-9", "amd64")
                .dir("./lib/x86_64-linux-gnu/", 0755).file("./lib/x86_64-linux-gnu/libc.so.6", 0755, "old\n"));
        archive.add("stable-security", TestArchive.deb("libc6", "2.36-9+deb12u4", "amd64")
                .dir("./lib/x86_64-linux-gnu/", 0755).file("./lib/x86_64-linux-gnu/libc.so.6", 0755, "fixed\n"));
        archive.add("stable", TestArchive.deb("libc6", "2.36-9", "arm64")
                .dir("./lib/aarch64-linux-gnu/", 0755).file("./lib/aarch64-linux-gnu/libc.so.6", 0755, "arm\n"));
        archive.add("stable", TestArchive.deb("mawk", "1.3.4", "arm64").field("Provides", "awk")
                .field("Depends", "libc6").dir("./usr/bin/", 0755).file("./usr/bin/mawk", 0755, "mawk-arm\n"));
        archive.add("stable", TestArchive.deb("evil", "1.0", "amd64").file("./../../etc/evil", 0644, "x"));
        archive.publish(NOW.minusSeconds(600), NOW.plus(Duration.ofDays(7)));
        url = archive.start();
        keyring = dir.resolve("test.gpg");
        Files.write(keyring, key.publicKeyRing());
    }

    @AfterEach
    void stop() {
        archive.close();
    }

    private ImageSpec spec(String packages) {
        return spec(packages, "");
    }

    private ImageSpec spec(String packages, String extra) {
        String yaml = "name: mini\nrelease: bookworm\nkeyring: " + keyring + "\npackages: " + packages + "\n"
                + "archives:\n  - url: " + url + "\n    suites: [stable, stable-security]\n"
                + "variants: {dev: {enabled: false}}\nentrypoint: [/usr/bin/mawk]\n"
                + "links: {/usr/local/bin/awk: /usr/bin/mawk}\n" + extra;
        return ImageSpecParser.parse(yaml.getBytes(StandardCharsets.UTF_8), "mini.yaml", dir);
    }

    private ImageBuilder builder(String cache) {
        return new ImageBuilder(dir.resolve(cache), EventListener.NONE, Clock.systemUTC(), 2);
    }

    @Test
    void shouldBuildTheSameDigestTwiceFromOneLock() {
        ImageSpec spec = spec("[base-files]");
        Lockfile lock = builder("cache1").lock(spec, null);
        assertThat(lock.packages("amd64", "runtime")).extracting(p -> p.name() + "=" + p.version() + "@" + p.suite())
                .containsExactly("base-files=12.4@stable", "libc6=2.36-9+deb12u4@stable-security",
                        "mawk=1.3.4@stable");
        BuildResult first = builder("cache1").build(spec, lock, OciLayout.openOrCreate(dir.resolve("out1")), "v1");
        BuildResult second = builder("cache2").build(spec, Lockfile.parse(lock.toJson(), "lock"),
                OciLayout.openOrCreate(dir.resolve("out2")), "v1");
        assertThat(second.variants().get(0).descriptor().digest())
                .isEqualTo(first.variants().get(0).descriptor().digest());
    }

    @Test
    void shouldAssembleAHardenedNonrootTreeWithoutMaintainerScripts() throws IOException {
        ImageSpec spec = spec("[base-files]");
        OciLayout layout = OciLayout.openOrCreate(dir.resolve("out"));
        Lockfile lock = builder("cache").lock(spec, null);
        BuildResult result = builder("cache").build(spec, lock, layout, "v1");
        Descriptor image = result.variants().get(0).descriptor();
        ImageManifest manifest = (ImageManifest) layout.readManifest(image).parse();
        Map<String, String> contents = new LinkedHashMap<>();
        Map<String, TarArchiveEntry> entries = layerEntries(layout, manifest, contents);
        assertThat(entries.keySet().stream().map(n -> n.replaceAll("/$", "")).toList()).isSorted();
        assertThat(entries.get("bin").getLinkName()).isEqualTo("usr/bin");
        assertThat(entries).containsKey("usr/lib/x86_64-linux-gnu/libc.so.6").doesNotContainKey("lib/x86_64-linux-gnu/");
        assertThat(contents.get("usr/lib/x86_64-linux-gnu/libc.so.6")).isEqualTo("fixed\n");
        // setuid stripped; the hardlink group is carried by the path that sorts first
        assertThat(entries.get("usr/bin/awk").getMode()).isEqualTo(0755);
        assertThat(entries.get("usr/bin/awk").isFile()).isTrue();
        assertThat(entries.get("usr/bin/mawk").isLink()).isTrue();
        assertThat(entries.get("usr/bin/mawk").getLinkName()).isEqualTo("usr/bin/awk");
        assertThat(entries).containsKey("usr/share/doc/base-files/copyright")
                .doesNotContainKeys("usr/share/doc/base-files/README", "usr/share/man/man1/x.1");
        assertThat(entries.get("tmp/").getMode()).isEqualTo(01777);
        assertThat(entries.get("usr/local/bin/awk").getLinkName()).isEqualTo("/usr/bin/mawk");
        assertThat(entries.get("home/nonroot/").getLongUserId()).isEqualTo(65532);
        assertThat(contents.get("etc/passwd")).contains("nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin");
        assertThat(contents.get("var/lib/dpkg/status.d/libc6"))
                .startsWith("Package: libc6\nStatus: install ok installed\nVersion: 2.36-9+deb12u4\n");
        assertThat(entries.values()).allSatisfy(e -> assertThat(e.getModTime().toInstant().getEpochSecond())
                .isEqualTo(lock.sourceDateEpoch()));
        String config = new String(layout.readBlob(manifest.config().digest(), 1 << 20), StandardCharsets.UTF_8);
        assertThat(config).contains("\"User\":\"65532:65532\"", "\"Entrypoint\":[\"/usr/bin/mawk\"]");
    }

    /** The entries of the image's first layer by name; small files' contents go to {@code contents}. */
    private static Map<String, TarArchiveEntry> layerEntries(OciLayout layout, ImageManifest manifest,
            Map<String, String> contents) throws IOException {
        Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
        Descriptor layer = manifest.layers().get(0);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(layout.blobPath(layer.digest())));
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                entries.put(e.getName(), e);
                if (e.isFile() && e.getSize() < 4096) {
                    contents.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return entries;
    }

    @Test
    void shouldStripSetuidAndSetgidFromFilesEntries() throws IOException {
        Files.writeString(dir.resolve("tool"), "#!/bin/true\n");
        ImageSpec spec = spec("[base-files]", "files:\n  - {source: tool, path: /usr/local/bin/tool, mode: '04777'}\n"
                + "  - {source: tool, path: /usr/local/bin/tool-g, mode: '02755'}\n");
        OciLayout layout = OciLayout.openOrCreate(dir.resolve("out"));
        BuildResult result = builder("cache").build(spec, builder("cache").lock(spec, null), layout, "v1");
        ImageManifest manifest = (ImageManifest) layout.readManifest(result.variants().get(0).descriptor()).parse();
        Map<String, String> contents = new LinkedHashMap<>();
        Map<String, TarArchiveEntry> entries = layerEntries(layout, manifest, contents);
        assertThat(entries.get("usr/local/bin/tool").getMode()).isEqualTo(0777);
        assertThat(entries.get("usr/local/bin/tool-g").getMode()).isEqualTo(0755);
        assertThat(contents.get("usr/local/bin/tool")).isEqualTo("#!/bin/true\n");
    }

    @Test
    void shouldRefuseAFilesSourceSwappedForASymlinkAfterTheSpecWasRead() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret"), "s3cret\n");
        Files.createDirectories(dir.resolve("ctx"));
        Path conf = Files.writeString(dir.resolve("ctx/app.conf"), "a=1\n");
        ImageSpec spec = ImageSpecParser.parse(("name: app\nrelease: bookworm\npackages: [libc6]\nfiles:\n"
                + "  - {source: app.conf, path: /etc/app.conf}\n").getBytes(StandardCharsets.UTF_8), "app.yaml",
                dir.resolve("ctx"));
        Files.delete(conf);
        Files.createSymbolicLink(conf, secret);
        Path real = conf.getParent().toRealPath().resolve("app.conf");
        assertThatThrownBy(() -> SystemFilesStep.readContextFile(spec.files().get(0).source()))
                .hasMessage("Extra file " + real + " became a symbolic link or moved behind one after the spec"
                        + " was read — refusing to follow it out of the build context; restore the file and build"
                        + " again");
    }

    @Test
    void shouldAttachCycloneDxAndSpdxFromWhatWasInstalled() {
        ImageSpec spec = spec("[base-files]");
        OciLayout layout = OciLayout.openOrCreate(dir.resolve("out"));
        BuildResult result = builder("cache").build(spec, builder("cache").lock(spec, null), layout, "v1");
        Descriptor image = result.variants().get(0).descriptor();
        assertThat(layout.referrers(image.digest(), null)).extracting(Descriptor::artifactType)
                .containsExactlyInAnyOrder("application/vnd.cyclonedx+json", "application/spdx+json");
        Descriptor cdx = layout.referrers(image.digest(), "application/vnd.cyclonedx+json").get(0);
        ImageManifest m = (ImageManifest) layout.readManifest(cdx).parse();
        String bom = new String(layout.readBlob(m.layers().get(0).digest(), 1 << 20), StandardCharsets.UTF_8);
        assertThat(bom).contains("\"specVersion\" : \"1.6\"",
                "\"purl\" : \"pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12\"",
                "\"id\" : \"GPL-2.0-or-later\"", image.digest().hex());
    }

    @Test
    void shouldBuildAMultiArchIndexFromEachArchitecturesPackages() throws IOException {
        String yaml = "name: mini\nrelease: bookworm\nkeyring: " + keyring + "\npackages: [base-files]\n"
                + "archives:\n  - url: " + url + "\n    suites: [stable, stable-security]\n"
                + "architectures: [amd64, arm64]\nvariants: {dev: {enabled: false}}\n";
        ImageSpec spec = ImageSpecParser.parse(yaml.getBytes(StandardCharsets.UTF_8), "multi.yaml", dir);
        Lockfile lock = builder("cache").lock(spec, null);
        assertThat(lock.packages("arm64", "runtime")).extracting(p -> p.name() + ":" + p.architecture())
                .containsExactly("base-files:all", "libc6:arm64", "mawk:arm64");
        OciLayout layout = OciLayout.openOrCreate(dir.resolve("out"));
        BuildResult result = builder("cache").build(spec, lock, layout, "v1");
        Descriptor top = result.variants().get(0).descriptor();
        assertThat(top.mediaType()).isEqualTo("application/vnd.oci.image.index.v1+json");
        Descriptor arm = result.variants().get(0).manifests().get("arm64");
        assertThat(arm.platform().architecture()).isEqualTo("arm64");
        assertThat(arm.platform().variant()).isEqualTo("v8");
        ImageManifest manifest = (ImageManifest) layout.readManifest(arm).parse();
        String config = new String(layout.readBlob(manifest.config().digest(), 1 << 20), StandardCharsets.UTF_8);
        assertThat(config).contains("\"architecture\":\"arm64\"", "\"variant\":\"v8\"");
        Map<String, String> files = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(
                layout.blobPath(manifest.layers().get(0).digest())));
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isFile()) {
                    files.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(files).containsEntry("usr/lib/aarch64-linux-gnu/libc.so.6", "arm\n")
                .containsEntry("usr/bin/mawk", "mawk-arm\n").doesNotContainKey("usr/lib/x86_64-linux-gnu/libc.so.6");
        assertThat(layout.referrers(arm.digest(), null)).hasSize(2);
    }

    @Test
    void shouldDiscardACorruptDownloadAndWriteNothing() throws IOException {
        ImageSpec spec = spec("[base-files]");
        Lockfile lock = builder("cache").lock(spec, null);
        LockedPackage mawk = lock.packages("amd64", "runtime").stream().filter(p -> p.name().equals("mawk"))
                .findFirst().orElseThrow();
        archive.override(mawk.filename(), "not the package".getBytes(StandardCharsets.UTF_8));
        OciLayout layout = OciLayout.openOrCreate(dir.resolve("out"));
        assertThatThrownBy(() -> builder("cache").build(spec, lock, layout, "v1"))
                .isInstanceOf(TrustplaneException.class)
                .extracting(e -> ((TrustplaneException) e).kind()).isEqualTo(ErrorKind.INTEGRITY);
        assertThat(layout.entries()).isEmpty();
        assertThat(dir.resolve("cache/content/sha256").resolve(mawk.sha256())).doesNotExist();
    }

    @Test
    void shouldRefuseAPackageThatEscapesTheRootAndWriteNothing() {
        ImageSpec spec = spec("[evil]");
        OciLayout layout = OciLayout.openOrCreate(dir.resolve("out"));
        assertThatThrownBy(() -> builder("cache").build(spec, builder("cache").lock(spec, null), layout, "v1"))
                .hasMessageStartingWith("Refusing package evil_1.0_amd64.deb: entry './../../etc/evil' has a '..'"
                        + " component");
        assertThat(layout.entries()).isEmpty();
    }

    @Test
    void shouldRefuseAnExpiredRelease() {
        archive.publish(NOW.minus(Duration.ofDays(10)), NOW.minus(Duration.ofDays(3)));
        assertThatThrownBy(() -> builder("cache").lock(spec("[base-files]"), null))
                .hasMessageContaining("/dists/stable/InRelease: it expired at")
                .hasMessageContaining("(Valid-Until) and may be a replay of old metadata");
    }

    @Test
    void shouldRefuseAnInReleaseWhoseSignatureDoesNotMatch() throws IOException {
        Path inRelease = archive.root().resolve("dists/stable/InRelease");
        archive.override("dists/stable/InRelease", Files.readString(inRelease)
                .replace("Suite: stable", "Suite: stablf").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> builder("cache").lock(spec("[base-files]"), null))
                .isInstanceOf(TrustplaneException.class)
                .hasMessageContaining("/dists/stable/InRelease: a signature by key");
    }

    @Test
    void shouldNameSuitesAndCloseNamesForAnUnknownPackage() {
        assertThatThrownBy(() -> builder("cache").lock(spec("[mawkk]"), null))
                .hasMessage("Package mawkk is not in stable, stable-security for amd64; did you mean mawk? — fix"
                        + " `packages:` in the image spec or add the suite that has it");
    }
}
