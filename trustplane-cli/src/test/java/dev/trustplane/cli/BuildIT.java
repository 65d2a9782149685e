package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.testkit.Peers;
import dev.trustplane.testkit.ProcessRunner;
import dev.trustplane.testkit.RegistryPeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds real images from the real Debian archive (deb.debian.org) and runs them: umoci unpacks
 * the layout, and the program runs as uid 65532 in a chroot inside fresh namespaces.
 */
class BuildIT {
    private static final Path CACHE = Path.of("target/it-cache").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private CliRun run(String... args) {
        return CliRun.run(Map.of("TRUSTPLANE_CACHE", CACHE.toString()), "", args);
    }

    private Path spec(String name, String yaml) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private String digest(CliRun run) {
        assertThat(run.code()).as(run.err()).isZero();
        return run.out().lines().filter(l -> l.startsWith("Digest: ")).findFirst().orElseThrow().substring(8);
    }

    private ProcessRunner.Result runInImage(Path layout, String tag, String... command) {
        Path bundle = dir.resolve("bundle-" + tag);
        if (!Files.isDirectory(bundle)) {
            ProcessRunner.runOk(List.of(Peers.require("umoci").toString(), "unpack", "--image", layout + ":" + tag,
                    bundle.toString()));
        }
        // a fresh /proc inside the new PID namespace, as a container runtime gives (ld.so resolves $ORIGIN with it)
        List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--uts", "--ipc", "--net",
                "--pid", "--fork", "--mount-proc=" + bundle.resolve("rootfs/proc"), "chroot", "--userspec=65532:65532",
                bundle.resolve("rootfs").toString()));
        cmd.addAll(List.of(command));
        return ProcessRunner.run(cmd, Map.of(), 60);
    }

    @Test
    void shouldBuildBaseReproduciblyAndRunOpensslAsNonroot() throws Exception {
        Path spec = spec("base", """
                name: base
                release: bookworm
                packages: [base-files, netbase, tzdata, ca-certificates, libc6, libssl3, openssl]
                variants: {dev: {enabled: false}}
                """);
        CliRun lock = run("lock", spec.toString());
        assertThat(lock.code()).as(lock.err()).isZero();
        assertThat(lock.out()).contains("Locked base runtime/amd64: ");
        String first = digest(run("build", spec.toString(), "-o", "oci:" + dir.resolve("a") + ":base"));
        String second = digest(run("build", spec.toString(), "-o", "oci:" + dir.resolve("b") + ":base"));
        assertThat(second).isEqualTo(first);

        ProcessRunner.Result openssl = runInImage(dir.resolve("a"), "base", "/usr/bin/openssl", "version");
        assertThat(openssl.exitCode()).as(openssl.stderr()).isZero();
        assertThat(openssl.stdout()).startsWith("OpenSSL 3.0.");
        ProcessRunner.Result id = runInImage(dir.resolve("a"), "base", "/bin/sh", "-c", "true");
        assertThat(id.exitCode()).as("base has no shell").isNotZero();

        // trivy, reading the image as scanners do, finds exactly the packages our SBOM lists
        Path trivyJson = dir.resolve("trivy.json");
        ProcessRunner.Result trivy = ProcessRunner.run(List.of(Peers.require("trivy").toString(), "image",
                "--format", "cyclonedx", "--scanners", "license", "--offline-scan", "--skip-db-update",
                "--skip-java-db-update", "--cache-dir", dir.resolve("trivy-cache").toString(),
                "--input", dir.resolve("a") + ":base", "--output", trivyJson.toString()), Map.of(), 300);
        assertThat(trivy.exitCode()).as(trivy.stderr()).isZero();
        assertThat(trivy.stderr()).doesNotContain("WARN");
        OciLayout layout = OciLayout.open(dir.resolve("a"));
        Descriptor image = layout.resolveTag("base").orElseThrow();
        Descriptor sbom = layout.referrers(image.digest(), "application/vnd.cyclonedx+json").get(0);
        ImageManifest sbomManifest = (ImageManifest) layout.readManifest(sbom).parse();
        JsonNode ourSbom = JSON.readTree(layout.readBlob(sbomManifest.layers().get(0).digest(), 16 << 20));
        Set<String> ours = debPackages(ourSbom);
        // binaries built from a source of another name say so in their purl, as syft writes it (issue 22)
        assertThat(ourSbom.path("components")).anySatisfy(c -> assertThat(c.path("purl").asText())
                .startsWith("pkg:deb/debian/libssl3@").endsWith("&upstream=openssl"));
        assertThat(ourSbom.path("components")).anySatisfy(c -> assertThat(c.path("purl").asText())
                .startsWith("pkg:deb/debian/libc6@").endsWith("&upstream=glibc"));
        Set<String> theirs = debPackages(JSON.readTree(Files.readAllBytes(trivyJson)));
        assertThat(ours).isNotEmpty().isEqualTo(theirs);
        // and detection from the layers (what `scan` does for images without an SBOM) agrees too
        CliRun detected = run("sbom", "oci:" + dir.resolve("a") + ":base", "-o", dir.resolve("detected-base.json")
                .toString());
        assertThat(detected.code()).as(detected.err()).isZero();
        assertThat(debPackages(JSON.readTree(Files.readAllBytes(dir.resolve("detected-base.json"))))).isEqualTo(ours);
        assertThat(ours).anyMatch(p -> p.startsWith("libc6=2.36-")).anyMatch(p -> p.startsWith("libssl3=3.0."));

        // the scanner reads the SBOM attached to the image and matches binaries by their source package
        Path tracker = dir.resolve("tracker.json");
        Files.writeString(tracker, """
                {"openssl": {"CVE-2099-0001": {"description": "test record", "releases": {"bookworm":
                   {"status": "resolved", "fixed_version": "3.0.99-1~deb12u1", "urgency": "high"}}}},
                 "glibc": {"CVE-2099-0002": {"description": "never affected", "releases": {"bookworm":
                   {"status": "resolved", "fixed_version": "0", "urgency": "high"}}}}}
                """);
        assertThat(run("db", "import", tracker.toString(), "--taken-at", Instant.now().toString()).code())
                .isZero();
        CliRun scan = run("scan", "oci:" + dir.resolve("a") + ":base", "--fail-on", "high");
        assertThat(scan.code()).as(scan.err()).isEqualTo(11);
        assertThat(scan.out()).contains("2 findings: HIGH 2 (1 records say not affected)")
                .containsPattern("HIGH +CVE-2099-0001 +libssl3 +3\\.0\\.\\S+ +3\\.0\\.99-1~deb12u1")
                .containsPattern("HIGH +CVE-2099-0001 +openssl ");

        // OpenVEX from Debian's triage, for scanners that do not know it
        CliRun vex = run("vex", "oci:" + dir.resolve("a") + ":base", "-o", dir.resolve("base.vex.json").toString());
        assertThat(vex.code()).as(vex.err()).isZero();
        JsonNode statements = JSON.readTree(Files.readAllBytes(dir.resolve("base.vex.json"))).path("statements");
        assertThat(statements).anySatisfy(s -> {
            assertThat(s.path("vulnerability").path("name").asText()).isEqualTo("CVE-2099-0002");
            assertThat(s.path("status").asText()).isEqualTo("not_affected");
            assertThat(s.path("products").get(0).path("@id").asText()).startsWith("pkg:oci/a@sha256%3A");
        });
    }

    private static Set<String> debPackages(JsonNode bom) {
        Set<String> names = new TreeSet<>();
        bom.path("components").forEach(c -> {
            if (c.path("purl").asText().startsWith("pkg:deb/")) {
                names.add(c.path("name").asText() + "=" + c.path("version").asText());
            }
        });
        return names;
    }

    @Test
    void shouldRunJavaAsNonrootWithTheDebianTrustStore() throws Exception {
        Path spec = spec("java", """
                name: java
                release: bookworm
                packages: [base-files, netbase, tzdata, ca-certificates, libc6, default-jre-headless]
                entrypoint: [/usr/bin/java]
                links: {/usr/bin/java: /usr/lib/jvm/default-java/bin/java}
                variants: {dev: {enabled: false}}
                layering: {strategy: origin, max-layers: 3}
                """);
        digest(run("build", spec.toString(), "-o", "oci:" + dir.resolve("j") + ":java"));
        ProcessRunner.Result java = runInImage(dir.resolve("j"), "java", "/usr/bin/java", "-version");
        assertThat(java.exitCode()).as(java.stderr()).isZero();
        assertThat(java.stderr()).startsWith("openjdk version \"17.");
        ProcessRunner.Result store = runInImage(dir.resolve("j"), "java", "/usr/lib/jvm/default-java/bin/keytool",
                "-list", "-cacerts", "-storepass", "changeit");
        assertThat(store.exitCode()).as(store.stderr()).isZero();
        assertThat(store.stdout()).contains("Keystore type: JKS").containsPattern("contains 1\\d\\d entries");
    }

    @Test
    void shouldDetectThePackagesOfAnMmdebstrapImageAsTrivyDoes() throws Exception {
        Path tar = dir.resolve("rootfs.tar");
        ProcessRunner.Result mm = ProcessRunner.run(List.of(Peers.require("mmdebstrap").toString(),
                "--quiet", "--mode=chrootless", "--variant=custom",
                "--include=base-files,ca-certificates,tzdata,netbase,libc6", "bookworm", tar.toString(),
                "http://deb.debian.org/debian"), Map.of("SOURCE_DATE_EPOCH", "1700000000"), 600);
        assertThat(mm.exitCode()).as(mm.stderr()).isZero();
        Path layout = ociLayoutFromTar(tar, dir.resolve("foreign"), "mm");
        CliRun sbom = run("sbom", "oci:" + layout + ":mm", "-o", dir.resolve("detected.json").toString());
        assertThat(sbom.code()).as(sbom.err()).isZero();
        assertThat(sbom.err()).contains("(Debian GNU/Linux 12 (bookworm))");
        Path trivyJson = dir.resolve("trivy-mm.json");
        ProcessRunner.Result trivy = ProcessRunner.run(List.of(Peers.require("trivy").toString(), "image",
                "--format", "cyclonedx", "--scanners", "license", "--offline-scan", "--skip-db-update",
                "--skip-java-db-update", "--cache-dir", dir.resolve("trivy-cache").toString(),
                "--input", layout + ":mm", "--output", trivyJson.toString()), Map.of(), 300);
        assertThat(trivy.exitCode()).as(trivy.stderr()).isZero();
        Set<String> ours = debPackages(JSON.readTree(Files.readAllBytes(dir.resolve("detected.json"))));
        assertThat(ours).anyMatch(p -> p.startsWith("libc6=")).isEqualTo(
                debPackages(JSON.readTree(Files.readAllBytes(trivyJson))));
    }

    /** A one-layer OCI layout around a plain tar, as a foreign tool would have produced it. */
    private static Path ociLayoutFromTar(Path tar, Path layout, String tag) throws Exception {
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        String layerHex = Digest.sha256(Files.readAllBytes(tar)).hex();
        Files.copy(tar, blobs.resolve(layerHex));
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[\"sha256:" + layerHex + "\"]},\"config\":{}}").getBytes();
        String configHex = Digest.sha256(config).hex();
        Files.write(blobs.resolve(configHex), config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
                + configHex + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:" + layerHex + "\",\"size\":"
                + Files.size(tar) + "}]}").getBytes();
        String manifestHex = Digest.sha256(manifest).hex();
        Files.write(blobs.resolve(manifestHex), manifest);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + manifestHex
                + "\",\"size\":" + manifest.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\""
                + tag + "\"}}]}");
        return layout;
    }

    @Test
    void shouldTourThroughAReproducibleBuild() {
        CliRun tour = run("tour", "--build", "--dir", dir.resolve("tour").toString());
        assertThat(tour.code()).as(tour.err()).isZero();
        List<String> digests = tour.out().lines().filter(l -> l.startsWith("Digest: ")).toList();
        assertThat(digests.get(digests.size() - 1)).as("the rebuild from the lockfile")
                .isEqualTo(digests.get(digests.size() - 2));
        assertThat(tour.out()).contains("Built oci:" + dir.resolve("tour/store") + ":static (4 packages, amd64)");
        assertThat(tour.out()).contains("application/vnd.cyclonedx+json", "application/spdx+json", "Tour done.")
                .containsPattern("[1-9][0-9]* of [0-9]+ attestations? verified for "
                        + Pattern.quote(dir.resolve("tour/store").toString()))
                .contains("of other types not checked further")
                .contains("new release of").contains("static-bookworm          up to date");
    }

    @Test
    void shouldGiveTheDevVariantAShellAndAWorkingDpkgDatabase() throws Exception {
        Path spec = spec("base", """
                name: base
                release: bookworm
                packages: [base-files, netbase, tzdata, ca-certificates, libc6]
                """);
        CliRun build = run("build", spec.toString(), "-o", "oci:" + dir.resolve("d") + ":base");
        assertThat(build.out()).contains("Built oci:" + dir.resolve("d") + ":base-dev (");
        Path bundle = dir.resolve("bundle-dev");
        ProcessRunner.runOk(List.of(Peers.require("umoci").toString(), "unpack", "--image", dir.resolve("d")
                + ":base-dev", bundle.toString()));
        ProcessRunner.Result shell = ProcessRunner.run(List.of("unshare", "--mount", "--uts", "--ipc", "--net",
                "--pid", "--fork", "chroot", bundle.resolve("rootfs").toString(), "/bin/sh", "-c",
                "id -u && dpkg-query -W -f='${Package} ${Status}\\n' libc6 && apt-get --version | head -1"),
                Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), 60);
        assertThat(shell.exitCode()).as(shell.stderr()).isZero();
        assertThat(shell.stdout()).startsWith("0\nlibc6 install ok installed\napt ");
    }

    @Test
    void shouldBuildStaticWithoutLibcOrShellAndPushItToTheRegistry() throws Exception {
        Path spec = spec("static", """
                name: static
                release: bookworm
                packages: [base-files, netbase, tzdata, ca-certificates]
                without-dependencies: [base-files, netbase, tzdata, ca-certificates]
                variants: {dev: {enabled: false}}
                """);
        String digest = digest(run("build", spec.toString(), "-o", "oci:" + dir.resolve("s") + ":static"));
        Path bundle = dir.resolve("bundle");
        ProcessRunner.runOk(List.of(Peers.require("umoci").toString(), "unpack", "--image", dir.resolve("s")
                + ":static", bundle.toString()));
        Path rootfs = bundle.resolve("rootfs");
        assertThat(rootfs.resolve("etc/ssl/certs/ca-certificates.crt")).isNotEmptyFile();
        assertThat(Files.readString(rootfs.resolve("etc/passwd"))).contains("nonroot:x:65532:65532");
        assertThat(rootfs.resolve("usr/bin/sh")).doesNotExist();
        assertThat(rootfs.resolve("usr/lib/x86_64-linux-gnu/libc.so.6")).doesNotExist();
        try (RegistryPeer registry = RegistryPeer.start(dir.resolve("reg"))) {
            String pushed = digest(run("build", spec.toString(), "-o", registry.host() + "/hardened/static:1"));
            assertThat(pushed).isEqualTo(digest);
            CliRun referrers = run("referrers", registry.host() + "/hardened/static:1");
            assertThat(referrers.out()).contains("application/vnd.cyclonedx+json", "application/spdx+json");
        }
    }

    @Test
    void shouldSignTheBuildSoCosignVerifiesSignatureProvenanceAndSboms() throws Exception {
        Path spec = spec("static", """
                name: static
                release: bookworm
                packages: [base-files, netbase, tzdata, ca-certificates]
                without-dependencies: [base-files, netbase, tzdata, ca-certificates]
                variants: {dev: {enabled: false}}
                """);
        Map<String, String> env = Map.of("TRUSTPLANE_CACHE", CACHE.toString(), "TRUSTPLANE_PASSWORD", "build-pass");
        String prefix = dir.resolve("release").toString();
        assertThat(CliRun.run(env, "", "keygen", "--output-key-prefix", prefix).code()).isZero();
        assertThat(Files.getPosixFilePermissions(Path.of(prefix + ".key")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE);
        try (RegistryPeer registry = RegistryPeer.start(dir.resolve("reg"))) {
            String ref = registry.host() + "/hardened/signed:1";
            CliRun built = CliRun.run(env, "", "build", spec.toString(), "-o", ref, "--sign", "--key",
                    prefix + ".key");
            String digest = digest(built);
            assertThat(built.out()).contains("Signed 1: 8 signatures and attestations");
            String pinned = registry.host() + "/hardened/signed@" + digest;
            Map<String, String> cosignEnv = Map.of("HOME", dir.toString());
            String cosign = Peers.require("cosign").toString();
            for (String type : List.of("slsaprovenance1", "cyclonedx", "spdxjson")) {
                List<String> cmd = List.of(cosign, "verify-attestation", "--key", prefix + ".pub",
                        "--insecure-ignore-tlog", "--allow-insecure-registry", "--type", type, pinned);
                ProcessRunner.run(cmd, cosignEnv, 120).requireSuccess(cmd);
            }
            List<String> verify = List.of(cosign, "verify", "--key", prefix + ".pub", "--insecure-ignore-tlog",
                    "--allow-insecure-registry", pinned);
            ProcessRunner.run(verify, cosignEnv, 120).requireSuccess(verify);

            CliRun provenance = run("verify-attestation", pinned, "--key", prefix + ".pub", "--insecure-ignore-tlog",
                    "--type", "slsaprovenance1", "-o", "json");
            assertThat(provenance.code()).as(provenance.err()).isZero();
            var statement = JSON.readTree(provenance.out()).path("evidence").get(0).path("statement");
            var predicate = statement.path("predicate");
            assertThat(predicate.path("buildDefinition").path("buildType").asText())
                    .isEqualTo("https://trustplane.dev/provenance/debian-image/v1");
            assertThat(predicate.path("buildDefinition").path("resolvedDependencies").toString())
                    .contains("/dists/bookworm/InRelease", "/c/ca-certificates/ca-certificates_", "debian-archive-keyring.gpg");
            assertThat(predicate.path("buildDefinition").path("externalParameters").path("spec").path("digest")
                    .path("sha256").asText()).hasSize(64);
            CliRun otherKey = run("keygen", "--output-key-prefix", dir.resolve("other").toString());
            assertThat(otherKey.code()).as("no password in this environment").isNotZero();
            CliRun wrong = CliRun.run(env, "", "keygen", "--output-key-prefix", dir.resolve("other").toString());
            assertThat(wrong.code()).isZero();
            CliRun refused = run("verify", pinned, "--key", dir.resolve("other.pub").toString(),
                    "--insecure-ignore-tlog");
            assertThat(refused.code()).isEqualTo(12);
            assertThat(refused.out()).contains("stage signature: does not verify with the given key");
        }
    }

    @Test
    void shouldRunAPythonOneLinerInThePython3Image() throws Exception {
        Path spec = spec("python3", """
                name: python3
                release: bookworm
                packages: [base-files, netbase, tzdata, ca-certificates, libc6, python3]
                variants: {dev: {enabled: false}}
                layering: {strategy: origin, max-layers: 3}
                """);
        digest(run("build", spec.toString(), "-o", "oci:" + dir.resolve("p") + ":py"));
        ProcessRunner.Result py = runInImage(dir.resolve("p"), "py", "/usr/bin/python3", "-c",
                "import ssl, os; print(os.getuid(), ssl.OPENSSL_VERSION.split()[0])");
        assertThat(py.exitCode()).as(py.stderr()).isZero();
        assertThat(py.stdout()).isEqualTo("65532 OpenSSL\n");
    }
}
