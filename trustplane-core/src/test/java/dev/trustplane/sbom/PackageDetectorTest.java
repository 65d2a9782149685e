package dev.trustplane.sbom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.transfer.ImageSource;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sbom.SbomReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageDetectorTest {
    @TempDir
    Path dir;

    static String status(String name, String version, String source) {
        return "Package: " + name + "\nStatus: install ok installed\nVersion: " + version + "\nArchitecture: amd64\n"
                + (source == null ? "" : "Source: " + source + "\n") + "\n";
    }

    private static String jar(String group, String artifact, String version) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\n".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("META-INF/maven/" + group + "/" + artifact
                    + "/pom.properties"));
            zip.write(("groupId=" + group + "\nartifactId=" + artifact + "\nversion=" + version + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    /** A gzip tar; entries are {name, content-or-null(dir), linkTarget-or-null}. */
    static byte[] layer(String[]... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            for (String[] e : entries) {
                TarArchiveEntry t = e[2] != null ? new TarArchiveEntry(e[0], TarConstants.LF_SYMLINK)
                        : new TarArchiveEntry(e[0]);
                if (e[2] != null) {
                    t.setLinkName(e[2]);
                }
                boolean binary = e[0].endsWith(".jar") || e[0].contains("/bin/");
                byte[] content = e[1] == null ? new byte[0] : binary
                        ? e[1].getBytes(StandardCharsets.ISO_8859_1) : e[1].getBytes(StandardCharsets.UTF_8);
                if (e[0].contains("/bin/")) {
                    t.setMode(0100755);
                }
                t.setSize(e[2] != null ? 0 : content.length);
                tar.putArchiveEntry(t);
                if (e[2] == null) {
                    tar.write(content);
                }
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    private ImageSource image(byte[]... layers) {
        return image(descriptors(layers), layers);
    }

    private ImageSource image(List<Descriptor> descriptors, byte[]... blobs) {
        return ImageSource.open(layout(dir.resolve("layout"), descriptors, blobs), null);
    }

    /** Layer descriptors for gzip and zstd tars, told apart by their magic number. */
    static List<Descriptor> descriptors(byte[]... layers) {
        List<Descriptor> descriptors = new ArrayList<>();
        for (byte[] l : layers) {
            boolean zstd = l.length > 4 && (l[0] & 0xff) == 0x28 && (l[1] & 0xff) == 0xb5 && (l[2] & 0xff) == 0x2f
                    && (l[3] & 0xff) == 0xfd;
            descriptors.add(Descriptor.of(zstd ? MediaTypes.OCI_LAYER_ZSTD : MediaTypes.OCI_LAYER_GZIP, l));
        }
        return descriptors;
    }

    /** A layout in {@code at} holding {@code blobs} and an image manifest with {@code descriptors} as its layers. */
    static Location layout(Path at, List<Descriptor> descriptors, byte[]... blobs) {
        OciLayout layout = OciLayout.openOrCreate(at);
        for (byte[] b : blobs) {
            layout.writeBlob(b);
        }
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        layout.writeBlob(config);
        RawManifest m = new ImageManifest(MediaTypes.OCI_MANIFEST, null, Descriptor.of(MediaTypes.OCI_CONFIG, config),
                descriptors, null, Map.of(), Map.of()).toRaw();
        layout.writeManifest(m);
        layout.tag("t", m.descriptor());
        return Location.parse("oci:" + at + ":t");
    }

    @Test
    void shouldReadStatusDAndTheStatusFileAndApplyWhiteouts() throws IOException {
        ImageSource source = image(
                layer(new String[] {"usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian 12\"\n",
                        null}, new String[] {"etc/os-release", null, "../usr/lib/os-release"},
                        new String[] {"var/lib/dpkg/status.d/libssl3", status("libssl3", "3.0.11-1~deb12u2",
                                "openssl"), null},
                        new String[] {"var/lib/dpkg/status.d/libssl3.md5sums", "abc  usr/lib/x\n", null},
                        new String[] {"var/lib/dpkg/status.d/tzdata", status("tzdata", "2024a-0+deb12u1", null), null},
                        new String[] {"var/lib/dpkg/status", status("bash", "5.2.15-2+b2", null)
                                + "Package: removed\nStatus: deinstall ok config-files\nVersion: 1.0\n\n", null},
                        new String[] {"usr/share/doc/tzdata/copyright", "Format: https://www.debian.org/doc/"
                                + "packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: public-domain\n", null}),
                layer(new String[] {"var/lib/dpkg/status.d/.wh.tzdata", "", null}));
        PackageDetector.Detected d = PackageDetector.detect(source, null);
        assertThat(d.distro()).isEqualTo("debian-12");
        assertThat(d.distroName()).isEqualTo("Debian 12");
        assertThat(d.packages()).extracting(p -> p.name() + "=" + p.version() + "<" + p.source() + " " + p.purl())
                .containsExactly("bash=5.2.15-2+b2<bash pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12",
                        "libssl3=3.0.11-1~deb12u2<openssl"
                                + " pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl");
    }

    /** The same tar as {@code gzipLayer}, zstd-compressed in two frames (as streaming encoders may write it). */
    static byte[] zstd(byte[] gzipLayer) throws IOException {
        byte[] tar = new GZIPInputStream(new ByteArrayInputStream(gzipLayer)).readAllBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int half = tar.length / 2;
        for (byte[] part : new byte[][] {Arrays.copyOf(tar, half),
                Arrays.copyOfRange(tar, half, tar.length)}) {
            // closing ends the frame; closing the ByteArrayOutputStream under it does nothing
            try (var z = new ZstdOutputStream(out)) {
                z.write(part);
            }
        }
        return out.toByteArray();
    }

    @Test
    void shouldReadZstdLayersBesideGzipOnes() throws IOException {
        ImageSource source = image(
                zstd(layer(new String[] {"var/lib/dpkg/status", status("bash", "5.2.15-2+b2", null)
                        + status("libssl3", "3.0.11-1~deb12u2", "openssl"), null},
                        new String[] {"usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n", null})),
                layer(new String[] {"var/lib/dpkg/status.d/tzdata", status("tzdata", "2024a-0+deb12u1", null), null}));

        PackageDetector.Detected d = PackageDetector.detect(source, null);

        assertThat(d.distro()).isEqualTo("debian-12");
        assertThat(d.packages()).extracting(SbomPackage::name).containsExactly("bash", "libssl3", "tzdata");
    }

    @Test
    void shouldRefuseALayerWhoseBytesDoNotMatchItsDigestEvenWhenTheyDecompressCleanly() throws IOException {
        for (boolean zstd : new boolean[] {false, true}) {
            byte[] good = layer(new String[] {"var/lib/dpkg/status", status("bash", "5.2.15-2+b2", null), null});
            byte[] other = layer(new String[] {"var/lib/dpkg/status", status("evil", "6.6.6-1", null), null});
            if (zstd) {
                good = zstd(good);
                other = zstd(other);
            }
            // the bytes stored under the good layer's digest are another well-formed layer
            assertIntegrityErrorWhenStoredAs(good, other, zstd ? "zstd" : "gzip");
        }
    }

    /** Detection of an image with {@code layer}, whose blob file holds {@code stored} instead, is refused as INTEGRITY. */
    private void assertIntegrityErrorWhenStoredAs(byte[] layer, byte[] stored, String description) throws IOException {
        ImageSource source = image(layer);
        Files.write(dir.resolve("layout/blobs/sha256/" + Digest.sha256(layer).hex()),
                stored);
        Assertions.assertThatThrownBy(() -> PackageDetector.detect(source, null))
                .as(description).isInstanceOf(TrustplaneException.class)
                .extracting(e -> ((TrustplaneException) e).kind())
                .isEqualTo(ErrorKind.INTEGRITY);
        deleteLayout();
    }

    @Test
    void shouldReportADigestMismatchRatherThanTheUnreadableTarItHides() throws IOException {
        // larger than the read buffers (an incompressible file in it), so that the first read does not
        // reach the end of the blob, where its digest is checked
        byte[] noise = new byte[300_000];
        new Random(7).nextBytes(noise);
        byte[] good = layer(new String[] {"var/lib/dpkg/status", status("bash", "5.2.15-2+b2", null), null},
                new String[] {"usr/bin/noise", new String(noise, StandardCharsets.ISO_8859_1), null});
        byte[] garbage = new byte[1 << 20];
        Arrays.fill(garbage, (byte) 'z');
        // gzip holding no tar, and bytes that are not gzip at all (refused at the first header)
        assertIntegrityErrorWhenStoredAs(good, gzip(garbage), "gzip holding no tar");
        assertIntegrityErrorWhenStoredAs(good, garbage, "not gzip at all");
    }

    @Test
    void shouldNameTheLayerWhoseTarCannotBeRead() throws IOException {
        byte[] garbage = new byte[4096];
        Arrays.fill(garbage, (byte) 'z');
        byte[] layer = gzip(garbage);
        ImageSource source = image(layer);
        Assertions.assertThatThrownBy(() -> PackageDetector.detect(source, null))
                .isInstanceOf(TrustplaneException.class)
                .hasMessageStartingWith("Cannot read layer " + Digest.sha256(layer) + " of oci:")
                .extracting(e -> ((TrustplaneException) e).kind())
                .isEqualTo(ErrorKind.INVALID_INPUT);
    }

    /** An uncompressed tar holding a status file with bash. */
    private static byte[] bashStatusTar() throws IOException {
        return new GZIPInputStream(new ByteArrayInputStream(layer(new String[] {
                "var/lib/dpkg/status", status("bash", "5.2.15-2+b2", null), null}))).readAllBytes();
    }

    @Test
    void shouldNameALayerThatIsNotATarByItsMediaType() throws IOException {
        byte[] tar = bashStatusTar();
        byte[] payload = "{\"critical\":{}}".getBytes(StandardCharsets.UTF_8);
        Descriptor signature = Descriptor.of("application/vnd.dev.cosign.simplesigning.v1+json", payload);
        ImageSource source = image(List.of(Descriptor.of("application/vnd.docker.image.rootfs.diff.tar", tar),
                signature), tar, payload);
        Assertions.assertThatThrownBy(() -> PackageDetector.detect(source, null))
                .isInstanceOf(TrustplaneException.class)
                .hasMessage("Layer " + signature.digest() + " of oci:" + dir.resolve("layout") + ":t has the media type"
                        + " application/vnd.dev.cosign.simplesigning.v1+json, which is not a tar layer (…tar, …tar+gzip,"
                        + " …tar+zstd or Docker's …tar.gzip): this manifest is an artifact, not a container image;"
                        + " pass the reference of an image")
                .extracting(e -> ((TrustplaneException) e).kind())
                .isEqualTo(ErrorKind.UNSUPPORTED);
    }

    @Test
    void shouldReadAnUncompressedDockerLayer() throws IOException {
        byte[] tar = bashStatusTar();
        ImageSource source = image(List.of(Descriptor.of("application/vnd.docker.image.rootfs.diff.tar", tar)), tar);
        assertThat(PackageDetector.detect(source, null).packages()).extracting(SbomPackage::name).containsExactly("bash");
    }

    private void deleteLayout() throws IOException {
        try (var paths = Files.walk(dir.resolve("layout"))) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void shouldForgetADirectoryMadeOpaqueByALaterLayer() throws IOException {
        ImageSource source = image(
                layer(new String[] {"var/lib/dpkg/status.d/a", status("a", "1.0", null), null}),
                layer(new String[] {"var/lib/dpkg/status.d/.wh..wh..opq", "", null},
                        new String[] {"var/lib/dpkg/status.d/b", status("b", "2.0", "bsrc (1:2.0)"), null}));
        assertThat(PackageDetector.detect(source, null).packages()).extracting(p -> p.name() + " " + p.sourceVersion())
                .containsExactly("b 1:2.0");
    }

    @Test
    void shouldFindPythonNpmAndMavenPackagesAndForgetWhitedOutJars() throws IOException {
        ImageSource source = image(
                layer(new String[] {"usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA",
                        "Metadata-Version: 2.1\nName: Requests\nVersion: 2.28.1\n\nbody\n", null},
                        new String[] {"app/node_modules/lodash/package.json",
                                "{\"name\": \"lodash\", \"version\": \"4.17.20\"}", null},
                        new String[] {"app/node_modules/@babel/core/package.json",
                                "{\"name\": \"@babel/core\", \"version\": \"7.20.0\"}", null},
                        new String[] {"app/node_modules/lodash/fp/package.json", "{\"name\": \"not-a-package\"}",
                                null},
                        new String[] {"opt/app/lib/jackson-databind.jar",
                                jar("com.fasterxml.jackson.core", "jackson-databind", "2.15.0"), null},
                        new String[] {"opt/app/lib/old.jar", jar("org.example", "old", "1.0"), null},
                        new String[] {"usr/local/bin/app", new String(GoBuildInfoTest.binary("go1.22.2",
                                "path\texample.com/app\ndep\tgolang.org/x/net\tv0.22.0\th1:x=\n", 8192),
                                StandardCharsets.ISO_8859_1), null}),
                layer(new String[] {"opt/app/lib/.wh.old.jar", "", null}));
        PackageDetector.Detected d = PackageDetector.detect(source, null);
        assertThat(d.packages()).extracting(SbomPackage::purl).containsExactly(
                "pkg:golang/golang.org/x/net@v0.22.0", "pkg:golang/stdlib@1.22.2",
                "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.0",
                "pkg:npm/%40babel/core@7.20.0", "pkg:npm/lodash@4.17.20", "pkg:pypi/requests@2.28.1");
        byte[] bom = SbomGenerator.cycloneDx(new SbomSubject("x", "runtime", Digest.sha256("x"),
                "amd64", d.distro(), Instant.EPOCH), d.packages());
        assertThat(SbomReader.read(bom, "bom", null).packages())
                .extracting(p -> p.type() + " " + p.name() + " " + p.version()).containsExactly(
                        "golang golang.org/x/net v0.22.0", "golang stdlib 1.22.2",
                        "maven com.fasterxml.jackson.core:jackson-databind 2.15.0", "npm @babel/core 7.20.0",
                        "npm lodash 4.17.20", "pypi requests 2.28.1");
    }

    private static byte[] gzip(byte[] tar) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(tar);
        }
        return out.toByteArray();
    }

    @Test
    void shouldReadAPackageDatabaseFileArchivedAsAHardLink() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            byte[] osRelease = "ID=debian\nVERSION_ID=\"13\"\n".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry file = new TarArchiveEntry("usr/lib/os-release");
            file.setSize(osRelease.length);
            tar.putArchiveEntry(file);
            tar.write(osRelease);
            tar.closeArchiveEntry();
            TarArchiveEntry link = new TarArchiveEntry("etc/os-release", TarConstants.LF_LINK);
            link.setLinkName("usr/lib/os-release");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
            byte[] status = status("bash", "5.2.37-2", null).getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry db = new TarArchiveEntry("var/lib/dpkg/status");
            db.setSize(status.length);
            tar.putArchiveEntry(db);
            tar.write(status);
            tar.closeArchiveEntry();
        }
        // etc/os-release is read (a hard link once read as an empty file, leaving the release unknown)
        PackageDetector.Detected d = PackageDetector.detect(image(gzip(out.toByteArray())), null);
        assertThat(d.distro()).isEqualTo("debian-13");
        assertThat(d.packages()).extracting(SbomPackage::purl)
                .containsExactly("pkg:deb/debian/bash@5.2.37-2?arch=amd64&distro=debian-13");
    }

    /** An uncompressed tar: entries are {name, content} for files or {name, null, hardLinkTarget}. */
    private static byte[] tarWithHardLinks(String[]... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (String[] e : entries) {
                if (e[1] == null) {
                    TarArchiveEntry link = new TarArchiveEntry(e[0], TarConstants.LF_LINK);
                    link.setLinkName(e[2]);
                    tar.putArchiveEntry(link);
                } else {
                    byte[] content = e[1].getBytes(StandardCharsets.UTF_8);
                    TarArchiveEntry file = new TarArchiveEntry(e[0]);
                    file.setSize(content.length);
                    tar.putArchiveEntry(file);
                    tar.write(content);
                }
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    @Test
    void shouldReadADpkgStatusFileStoredAsAHardLinkToAPathDetectionDoesNotRead() throws IOException {
        byte[] tar = tarWithHardLinks(
                new String[] {"etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"},
                new String[] {"opt/backup/status", status("openssl", "3.0.11-1~deb12u2", null)},
                new String[] {"var/lib/dpkg/status", null, "opt/backup/status"});
        PackageDetector.Detected d = PackageDetector.detect(image(gzip(tar)), null);
        assertThat(d.packages()).extracting(SbomPackage::purl)
                .containsExactly("pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12");
    }

    @Test
    void shouldRefuseAnImageWhoseDpkgStatusIsAHardLinkToNothingInsteadOfReportingNoPackages() throws IOException {
        byte[] tar = tarWithHardLinks(
                new String[] {"etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"},
                new String[] {"var/lib/dpkg/status", null, "opt/missing/status"});
        ImageSource source = image(gzip(tar));
        Assertions.assertThatThrownBy(() -> PackageDetector.detect(source, null))
                .hasMessage("Image " + source.location() + ": its dpkg database cannot be read whole"
                        + " (/var/lib/dpkg/status is a hard link to /opt/missing/status, which its layer does not"
                        + " hold), so its packages cannot be listed and it must not be reported as clean — attach"
                        + " an SBOM to the image (trustplane attach) and scan that");
    }

    @Test
    void shouldRefuseAnImageWhoseDpkgStatusIsASymlinkDetectionCannotFollow() throws IOException {
        ImageSource source = image(layer(new String[] {"var/lib/dpkg/status", null, "/opt/db/status"}));
        Assertions.assertThatThrownBy(() -> PackageDetector.detect(source, null))
                .hasMessageContaining("(/var/lib/dpkg/status is a symbolic link to /opt/db/status, which Trustplane"
                        + " cannot read)");
    }

    @Test
    void shouldReadASparseStatusFileInGnuTarsGnuAndPosixFormats() throws Exception {
        for (String format : new String[] {"gnu", "posix"}) {
            Path root = dir.resolve("root-" + format);
            Files.createDirectories(root.resolve("var/lib/dpkg"));
            try (var f = new RandomAccessFile(root.resolve("var/lib/dpkg/status").toFile(), "rw")) {
                f.write(status("bash", "5.2.15-2+b2", null).getBytes(StandardCharsets.UTF_8));
                f.seek(1 << 20); // a hole: tar --sparse stores only the data
                f.write(("\n\n" + status("tzdata", "2024a-0+deb12u1", null)).getBytes(StandardCharsets.UTF_8));
            }
            Path archive = dir.resolve(format + ".tar");
            Process p = new ProcessBuilder("tar", "--format=" + format, "--sparse", "-C", root.toString(), "-cf",
                    archive.toString(), "var").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertThat(p.waitFor()).isZero();
            PackageDetector.Detected d = PackageDetector.detect(image(gzip(Files.readAllBytes(archive))),
                    null);
            assertThat(d.packages()).as(format).extracting(SbomPackage::name).containsExactly("bash", "tzdata");
            deleteLayout();
        }
    }

    @Test
    void shouldReportAZstdWindowOverTheLimitAsALimitNotInvalidInput() throws IOException {
        byte[] tar = tarWithHardLinks(new String[] {"var/lib/dpkg/status", status("bash", "5.2.15-2+b2", null)});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(out)) {
            z.setWindowLog(28); // a 256 MiB window, above the 128 MiB that detection allows
            z.write(tar);
        }
        ImageSource source = image(out.toByteArray());
        assertThatThrownBy(() -> PackageDetector.detect(source, null))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("zstd window");
    }
}
