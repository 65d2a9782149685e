package dev.trustplane.debian;

import com.sun.net.httpserver.HttpServer;
import dev.trustplane.oci.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * A Debian archive made at test time and served over HTTP on loopback: packages built in memory,
 * {@code Packages.xz} and an {@code InRelease} signed with a key generated for the test.
 */
public final class TestArchive implements AutoCloseable {
    private static final DateTimeFormatter RFC_2822 = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Path root;
    private final SigningKey key;
    private final Map<String, List<Deb>> suites = new LinkedHashMap<>();
    private final Map<String, byte[]> overrides = new HashMap<>();
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    /** How many requests the server answered so far. */
    public int requests() {
        return requests.get();
    }

    /** An OpenPGP signing key and its public certificate. */
    public record SigningKey(PGPKeyPair pair, byte[] publicKeyRing) {
        public static SigningKey generate(Instant created, long expiresAfterSeconds) {
            try {
                KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
                kpg.initialize(2048);
                PGPKeyPair pair = new JcaPGPKeyPair(PublicKeyPacket.VERSION_4, PGPPublicKey.RSA_GENERAL,
                        kpg.generateKeyPair(), Date.from(created));
                PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
                hashed.setKeyFlags(false, KeyFlags.SIGN_DATA | KeyFlags.CERTIFY_OTHER);
                if (expiresAfterSeconds > 0) {
                    hashed.setKeyExpirationTime(false, expiresAfterSeconds);
                }
                PGPKeyRingGenerator gen = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, pair,
                        "Trustplane Test Archive <archive@example.org>",
                        new JcaPGPDigestCalculatorProviderBuilder().build().get(HashAlgorithmTags.SHA1),
                        hashed.generate(), null,
                        new JcaPGPContentSignerBuilder(PGPPublicKey.RSA_GENERAL, HashAlgorithmTags.SHA256), null);
                return new SigningKey(pair, gen.generatePublicKeyRing().getEncoded());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A package to publish: control fields and data entries. */
    public static final class Deb {
        final String name;
        final String version;
        final String arch;
        final Map<String, String> fields = new LinkedHashMap<>();
        final List<Object[]> entries = new ArrayList<>();
        byte[] bytes;

        Deb(String name, String version, String arch) {
            this.name = name;
            this.version = version;
            this.arch = arch;
        }

        public Deb field(String name, String value) {
            fields.put(name, value);
            return this;
        }

        public Deb dir(String path, int mode) {
            entries.add(new Object[] {TarConstants.LF_DIR, path, mode, null, null});
            return this;
        }

        public Deb file(String path, int mode, String content) {
            entries.add(new Object[] {TarConstants.LF_NORMAL, path, mode, content.getBytes(StandardCharsets.UTF_8),
                    null});
            return this;
        }

        public Deb symlink(String path, String target) {
            entries.add(new Object[] {TarConstants.LF_SYMLINK, path, 0777, null, target});
            return this;
        }

        public Deb hardlink(String path, String target) {
            entries.add(new Object[] {TarConstants.LF_LINK, path, 0644, null, target});
            return this;
        }

        public byte[] bytes() {
            if (bytes == null) {
                bytes = build();
            }
            return bytes;
        }

        private byte[] build() {
            try {
                StringBuilder control = new StringBuilder("Package: " + name + "\nVersion: " + version
                        + "\nArchitecture: " + arch + "\nMaintainer: Test <test@example.org>\n");
                fields.forEach((k, v) -> control.append(k).append(": ").append(v).append('\n'));
                control.append("Description: test package ").append(name).append('\n');
                ByteArrayOutputStream controlTar = new ByteArrayOutputStream();
                try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(controlTar))) {
                    put(tar, TarConstants.LF_DIR, "./", 0755, null, null);
                    put(tar, TarConstants.LF_NORMAL, "./control", 0644,
                            control.toString().getBytes(StandardCharsets.UTF_8), null);
                    put(tar, TarConstants.LF_NORMAL, "./md5sums", 0644, md5sums(), null);
                }
                ByteArrayOutputStream dataTar = new ByteArrayOutputStream();
                try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
                        new XZOutputStream(dataTar, new LZMA2Options(1)))) {
                    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                    put(tar, TarConstants.LF_DIR, "./", 0755, null, null);
                    for (Object[] e : entries) {
                        put(tar, (byte) e[0], (String) e[1], (int) e[2], (byte[]) e[3], (String) e[4]);
                    }
                }
                ByteArrayOutputStream deb = new ByteArrayOutputStream();
                try (ArArchiveOutputStream ar = new ArArchiveOutputStream(deb)) {
                    member(ar, "debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
                    member(ar, "control.tar.gz", controlTar.toByteArray());
                    member(ar, "data.tar.xz", dataTar.toByteArray());
                }
                return deb.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private byte[] md5sums() {
            StringBuilder sb = new StringBuilder();
            for (Object[] e : entries) {
                if ((byte) e[0] == TarConstants.LF_NORMAL) {
                    try {
                        byte[] md5 = MessageDigest.getInstance("MD5").digest((byte[]) e[3]);
                        sb.append(HexFormat.of().formatHex(md5)).append("  ")
                                .append(((String) e[1]).replaceFirst("^\\./", "")).append('\n');
                    } catch (NoSuchAlgorithmException ex) {
                        throw new IllegalStateException(ex);
                    }
                }
            }
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }

        private static void put(TarArchiveOutputStream tar, byte type, String name, int mode, byte[] content,
                String link) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, type, true);
            e.setMode(mode);
            if (link != null) {
                e.setLinkName(link);
            }
            if (content != null) {
                e.setSize(content.length);
            }
            tar.putArchiveEntry(e);
            if (content != null) {
                tar.write(content);
            }
            tar.closeArchiveEntry();
        }

        private static void member(ArArchiveOutputStream ar, String name, byte[] content) throws IOException {
            ar.putArchiveEntry(new ArArchiveEntry(name, content.length, 0, 0, 0100644, 1_700_000_000L));
            ar.write(content);
            ar.closeArchiveEntry();
        }

        public String filename() {
            return "pool/main/" + name.charAt(0) + "/" + name + "/" + name + "_" + version.replace(":", "%3a") + "_"
                    + arch + ".deb";
        }
    }

    public TestArchive(Path root, SigningKey key) {
        this.root = root;
        this.key = key;
    }

    public static Deb deb(String name, String version, String arch) {
        return new Deb(name, version, arch);
    }

    public TestArchive add(String suite, Deb deb) {
        suites.computeIfAbsent(suite, s -> new ArrayList<>()).add(deb);
        return this;
    }

    /** Serves different bytes for one path (to simulate tampering or corruption in transit). */
    public void override(String path, byte[] bytes) {
        overrides.put(path, bytes);
    }

    /** Serves the published files again. */
    public void clearOverrides() {
        overrides.clear();
    }

    /** Writes pool files, {@code Packages.xz} and a signed {@code InRelease} for every suite. */
    public void publish(Instant date, Instant validUntil) {
        try {
            for (Map.Entry<String, List<Deb>> suite : suites.entrySet()) {
                Path dists = root.resolve("dists").resolve(suite.getKey());
                StringBuilder sums = new StringBuilder();
                for (String arch : List.of("amd64", "arm64")) {
                    StringBuilder packages = new StringBuilder();
                    for (Deb deb : suite.getValue()) {
                        if (!deb.arch.equals(arch) && !deb.arch.equals("all")) {
                            continue;
                        }
                        byte[] bytes = deb.bytes();
                        Path file = root.resolve(deb.filename());
                        Files.createDirectories(file.getParent());
                        Files.write(file, bytes);
                        packages.append("Package: ").append(deb.name).append("\nVersion: ").append(deb.version)
                                .append("\nArchitecture: ").append(deb.arch).append('\n');
                        deb.fields.forEach((k, v) -> packages.append(k).append(": ").append(v).append('\n'));
                        packages.append("Filename: ").append(deb.filename()).append("\nSize: ").append(bytes.length)
                                .append("\nSHA256: ").append(Digest.sha256(bytes).hex()).append("\n\n");
                    }
                    ByteArrayOutputStream xz = new ByteArrayOutputStream();
                    try (OutputStream out = new XZOutputStream(xz, new LZMA2Options(1))) {
                        out.write(packages.toString().getBytes(StandardCharsets.UTF_8));
                    }
                    String indexPath = "main/binary-" + arch + "/Packages.xz";
                    Files.createDirectories(dists.resolve("main/binary-" + arch));
                    Files.write(dists.resolve(indexPath), xz.toByteArray());
                    sums.append(' ').append(Digest.sha256(xz.toByteArray()).hex()).append(' ').append(xz.size())
                            .append(' ').append(indexPath).append('\n');
                }
                String release = "Origin: Test\nSuite: " + suite.getKey() + "\nCodename: " + suite.getKey()
                        + "\nDate: " + RFC_2822.format(date) + "\n"
                        + (validUntil == null ? "" : "Valid-Until: " + RFC_2822.format(validUntil) + "\n")
                        + "Architectures: amd64 arm64\nComponents: main\nSHA256:\n" + sums;
                Files.write(dists.resolve("InRelease"), clearsign(release, key));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Cleartext-signs {@code text} (RFC 9580 §7) the way gpg --clearsign does. */
    public static byte[] clearsign(String text, SigningKey key) {
        try {
            String[] lines = text.split("\n", -1);
            int n = text.endsWith("\n") ? lines.length - 1 : lines.length;
            ByteArrayOutputStream canonical = new ByteArrayOutputStream();
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    canonical.writeBytes(new byte[] {'\r', '\n'});
                }
                canonical.writeBytes(lines[i].replaceAll("[ \t]+$", "").getBytes(StandardCharsets.UTF_8));
            }
            PGPSignatureGenerator gen = new PGPSignatureGenerator(
                    new JcaPGPContentSignerBuilder(PGPPublicKey.RSA_GENERAL, HashAlgorithmTags.SHA256),
                    key.pair().getPublicKey());
            gen.init(PGPSignature.CANONICAL_TEXT_DOCUMENT, key.pair().getPrivateKey());
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, new Date());
            hashed.setIssuerFingerprint(false, key.pair().getPublicKey());
            gen.setHashedSubpackets(hashed.generate());
            gen.update(canonical.toByteArray());
            ByteArrayOutputStream armored = new ByteArrayOutputStream();
            try (ArmoredOutputStream aOut = new ArmoredOutputStream(armored)) {
                BCPGOutputStream bOut = new BCPGOutputStream(aOut);
                gen.generate().encode(bOut);
                bOut.flush();
            }
            String body = String.join("\n", Arrays.copyOf(lines, n)) + "\n";
            return ("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + body
                    + armored.toString(StandardCharsets.US_ASCII)).getBytes(StandardCharsets.UTF_8);
        } catch (IOException | PGPException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath().substring(1);
                byte[] body = overrides.get(path);
                Path file = root.resolve(path).normalize();
                if (body == null && file.startsWith(root) && Files.isRegularFile(file)) {
                    body = Files.readAllBytes(file);
                }
                requests.incrementAndGet();
                String etag = body == null ? null : "\"" + Digest.sha256(body).hex() + "\"";
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                } else if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                    exchange.getResponseHeaders().add("ETag", etag);
                    exchange.sendResponseHeaders(304, -1);
                } else {
                    exchange.getResponseHeaders().add("ETag", etag);
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
                exchange.close();
            });
            server.start();
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
