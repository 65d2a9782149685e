package dev.trustplane.builder;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Does natively what maintainer scripts would have done and what images need: accounts, name
 * service switch, the CA bundle (and the Java trust store when a JRE wants one), UTC time zone,
 * {@code /tmp}, home directories, os-release, the
 * package database (distroless {@code status.d} layout, or the full dpkg layout for the dev
 * variant so apt works) and the spec's extra files.
 */
final class SystemFilesStep {
    /** The largest {@code files:} source copied into an image (1 GiB, the most one byte array holds safely). */
    static final int MAX_EXTRA_FILE = 1 << 30;
    private static final String NSSWITCH = """
            passwd:         files
            group:          files
            shadow:         files
            gshadow:        files

            hosts:          files dns
            networks:       files

            protocols:      files
            services:       files
            ethers:         files
            rpc:            files
            """;

    private final ImageSpec spec;
    private final String variant;
    private final List<InstalledPackage> installed;
    private final long epoch;

    SystemFilesStep(ImageSpec spec, String variant, List<InstalledPackage> installed, long epoch) {
        this.spec = spec;
        this.variant = variant;
        this.installed = installed;
        this.epoch = epoch;
    }

    void run(RootFs fs) {
        boolean dev = variant.equals("dev");
        String rootShell = dev && fs.exists("usr/bin/bash") ? "/bin/bash" : dev ? "/bin/sh" : "/sbin/nologin";
        StringBuilder passwd = new StringBuilder("root:x:0:0:root:/root:" + rootShell + "\n");
        StringBuilder group = new StringBuilder("root:x:0:\n");
        for (ImageSpec.Group g : spec.accounts().groups()) {
            group.append(g.name()).append(":x:").append(g.gid()).append(':')
                    .append(String.join(",", g.members())).append('\n');
        }
        group.append("nogroup:x:65534:\n");
        for (ImageSpec.User u : spec.accounts().users()) {
            passwd.append(u.name()).append(":x:").append(u.uid()).append(':').append(u.gid()).append(':')
                    .append(u.name()).append(':').append(u.home()).append(':').append(u.shell()).append('\n');
        }
        passwd.append("nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        fs.file("etc/passwd", 0644, 0, 0, null, passwd.toString().getBytes(StandardCharsets.UTF_8));
        fs.file("etc/group", 0644, 0, 0, null, group.toString().getBytes(StandardCharsets.UTF_8));
        fs.file("etc/nsswitch.conf", 0644, 0, 0, null, NSSWITCH.getBytes(StandardCharsets.UTF_8));
        fs.directory("root", 0700, 0, 0, null);
        fs.directory("home", 0755, 0, 0, null);
        for (ImageSpec.User u : spec.accounts().users()) {
            if (!u.home().equals("/") && !u.home().equals("/nonexistent")) {
                fs.directory(u.home().substring(1), 0700, u.uid(), u.gid(), null);
            }
        }
        fs.directory("tmp", 01777, 0, 0, null);
        fs.get("tmp").mode = 01777;
        fs.directory("var/tmp", 01777, 0, 0, null);
        fs.get("var/tmp").mode = 01777;
        if (fs.exists("usr/share/zoneinfo/Etc/UTC")) {
            fs.symlink("etc/localtime", "/usr/share/zoneinfo/Etc/UTC", null);
            fs.file("etc/timezone", 0644, 0, 0, null, "Etc/UTC\n".getBytes(StandardCharsets.UTF_8));
        }
        caBundle(fs);
        osRelease(fs);
        if (dev) {
            dpkgDatabase(fs);
            aptSources(fs);
        } else {
            statusD(fs);
        }
        links(fs);
        extraFiles(fs);
    }

    /** What {@code update-ca-certificates} writes: every certificate under /usr/share/ca-certificates, sorted. */
    private void caBundle(RootFs fs) {
        List<String> certs = new ArrayList<>();
        for (Map.Entry<String, RootFs.Node> e : fs.under("usr/share/ca-certificates").entrySet()) {
            if (e.getKey().endsWith(".crt") && e.getValue().type == RootFs.Type.FILE) {
                certs.add(e.getKey());
            }
        }
        if (certs.isEmpty()) {
            return;
        }
        StringBuilder conf = new StringBuilder();
        StringBuilder bundle = new StringBuilder();
        Map<String, String> javaStore = new TreeMap<>();
        for (String path : certs) {
            String pem = new String(fs.read(path), StandardCharsets.UTF_8);
            String file = path.substring(path.lastIndexOf('/') + 1);
            javaStore.put(("debian:" + file.substring(0, file.length() - ".crt".length()) + ".pem")
                    .toLowerCase(Locale.ROOT), pem);
            bundle.append(pem);
            if (!pem.endsWith("\n")) {
                bundle.append('\n');
            }
            conf.append(path.substring("usr/share/ca-certificates/".length())).append('\n');
        }
        fs.directory("etc/ssl/certs", 0755, 0, 0, null);
        fs.file("etc/ssl/certs/ca-certificates.crt", 0644, 0, 0, null, bundle.toString().getBytes(StandardCharsets.UTF_8));
        fs.file("etc/ca-certificates.conf", 0644, 0, 0, null, conf.toString().getBytes(StandardCharsets.UTF_8));
        if (fs.exists("etc/ssl/certs/java") || installed.stream().anyMatch(
                p -> p.locked().name().equals("ca-certificates-java"))) {
            fs.directory("etc/ssl/certs/java", 0755, 0, 0, null);
            fs.file("etc/ssl/certs/java/cacerts", 0644, 0, 0, null, JavaTrustStore.jks(javaStore, epoch));
        }
    }

    private void osRelease(RootFs fs) {
        if (fs.exists("etc/os-release") || fs.exists("usr/lib/os-release")) {
            return;
        }
        String number = spec.release().equals("bookworm") ? "12" : "13";
        String text = "PRETTY_NAME=\"Debian GNU/Linux " + number + " (" + spec.release() + ")\"\n"
                + "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"" + number + "\"\nVERSION=\"" + number + " ("
                + spec.release() + ")\"\nVERSION_CODENAME=" + spec.release() + "\nID=debian\n"
                + "HOME_URL=\"https://www.debian.org/\"\n";
        fs.file("etc/os-release", 0644, 0, 0, null, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The package's control paragraph as dpkg records it once installed. */
    private static String status(InstalledPackage p) {
        StringBuilder sb = new StringBuilder(p.control().withFieldAfter("Package", "Status", "install ok installed")
                .format());
        if (!p.conffiles().isBlank()) {
            sb.append("Conffiles:\n");
            for (String c : p.conffiles().split("\n")) {
                if (!c.isBlank()) {
                    sb.append(' ').append(c.strip()).append(" newconffile\n");
                }
            }
        }
        return sb.toString();
    }

    /**
     * Distroless layout: one status file per package in {@code status.d}, read by trivy, syft and
     * grype; file lists and checksums in {@code info/} where dpkg keeps them (trivy reads every
     * file in {@code status.d} as a status paragraph, so they must not go there).
     */
    private void statusD(RootFs fs) {
        fs.directory("var/lib/dpkg/status.d", 0755, 0, 0, null);
        for (InstalledPackage p : installed) {
            fs.file("var/lib/dpkg/status.d/" + p.locked().name(), 0644, 0, 0, null,
                    status(p).getBytes(StandardCharsets.UTF_8));
        }
        packageInfo(fs);
    }

    /** The full dpkg layout, so dpkg and apt in the dev variant know what is installed. */
    private void dpkgDatabase(RootFs fs) {
        StringBuilder all = new StringBuilder();
        for (InstalledPackage p : installed) {
            all.append(status(p)).append('\n');
        }
        packageInfo(fs);
        fs.file("var/lib/dpkg/status", 0644, 0, 0, null, all.toString().getBytes(StandardCharsets.UTF_8));
        fs.file("var/lib/dpkg/arch", 0644, 0, 0, null, (installed.isEmpty() ? "" : archOf() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        for (String f : List.of("var/lib/dpkg/available", "var/lib/dpkg/diversions", "var/lib/dpkg/statoverride")) {
            fs.file(f, 0644, 0, 0, null, new byte[0]);
        }
        fs.directory("var/lib/dpkg/updates", 0755, 0, 0, null);
    }

    /** {@code info/<package>.list} and {@code .md5sums}, named {@code <package>:<arch>} for Multi-Arch: same. */
    private void packageInfo(RootFs fs) {
        fs.directory("var/lib/dpkg/info", 0755, 0, 0, null);
        for (InstalledPackage p : installed) {
            String name = p.locked().name();
            String key = "same".equals(p.control().get("Multi-Arch")) ? name + ":" + p.locked().architecture() : name;
            StringBuilder list = new StringBuilder();
            p.files().forEach(f -> list.append(f).append('\n'));
            fs.file("var/lib/dpkg/info/" + key + ".list", 0644, 0, 0, null,
                    list.toString().getBytes(StandardCharsets.UTF_8));
            if (!p.md5sums().isEmpty()) {
                fs.file("var/lib/dpkg/info/" + key + ".md5sums", 0644, 0, 0, null,
                        p.md5sums().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private String archOf() {
        return installed.stream().map(p -> p.locked().architecture()).filter(a -> !a.equals("all")).findFirst()
                .orElse("all");
    }

    private void aptSources(RootFs fs) {
        StringBuilder sb = new StringBuilder();
        for (var a : spec.archives()) {
            sb.append("Types: deb\nURIs: ").append(a.url()).append("\nSuites: ").append(String.join(" ", a.suites()))
                    .append("\nComponents: ").append(String.join(" ", a.components()))
                    .append("\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n");
        }
        fs.directory("etc/apt/sources.list.d", 0755, 0, 0, null);
        fs.file("etc/apt/sources.list.d/debian.sources", 0644, 0, 0, null, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String normalise(String path) {
        StringBuilder out = new StringBuilder();
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                out.append(out.isEmpty() ? "" : "/").append(part);
            }
        }
        return out.toString();
    }

    /** Symbolic links the spec asks for, e.g. what update-alternatives would have made. */
    private void links(RootFs fs) {
        spec.links().forEach((path, target) -> fs.symlink(AssembleRootfsStep.mergedUsr(normalise(path)), target, null));
    }

    private void extraFiles(RootFs fs) {
        for (ImageSpec.ExtraFile f : spec.files()) {
            byte[] content = readContextFile(f.source());
            String path = AssembleRootfsStep.mergedUsr(normalise(f.path()));
            int mode = spec.hardening().stripSetuid() ? f.mode() & ~06000 : f.mode();
            fs.file(path, mode, f.uid(), f.gid(), null, content);
        }
    }

    /**
     * Reads a {@code files:} source that the parser resolved to a real path inside the build
     * context, refusing it when a symbolic link was put in its way since, when it is no longer a
     * regular file, or when it exceeds {@link #MAX_EXTRA_FILE}.
     */
    static byte[] readContextFile(Path source) {
        try {
            if (!source.toRealPath().equals(source)) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Extra file " + source + " became a symbolic"
                        + " link or moved behind one after the spec was read — refusing to follow it out of the"
                        + " build context; restore the file and build again");
            }
            BasicFileAttributes attributes = Files.readAttributes(source, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Extra file " + source
                        + " is not a regular file — only regular files are copied into images");
            }
            if (attributes.size() > MAX_EXTRA_FILE) {
                throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "Extra file " + source + " has " + attributes.size()
                        + " bytes, over the limit of " + MAX_EXTRA_FILE + " — ship large content as a package");
            }
            try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS)) {
                byte[] content = in.readNBytes(MAX_EXTRA_FILE + 1);
                if (content.length > MAX_EXTRA_FILE) {
                    throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "Extra file " + source + " grew over the limit of "
                            + MAX_EXTRA_FILE + " bytes while it was read");
                }
                return content;
            }
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read extra file " + source + ": " + e, e);
        }
    }
}
