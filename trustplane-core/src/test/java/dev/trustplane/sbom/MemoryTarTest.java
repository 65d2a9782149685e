package dev.trustplane.sbom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-place tar walker against commons-compress, the streamed reader it stands in for: both
 * must give the same entries and contents for tars written by commons-compress in each of its
 * long-name and big-number modes, for random ones, and for GNU tar's own formats.
 */
class MemoryTarTest {
    @TempDir
    Path dir;

    /** Every entry as one line: name, type, mode, size, link name and a digest of the content. */
    private static List<String> entries(LayerTar tar) throws IOException {
        List<String> out = new ArrayList<>();
        LayerTar.Entry e;
        while ((e = tar.next()) != null) {
            byte[] content;
            try (InputStream in = tar.content()) {
                content = in.readAllBytes();
            }
            out.add(e.name() + " | " + e.type() + " | " + Integer.toOctalString(e.mode()) + " | " + e.size() + " | "
                    + e.linkName() + " | " + sha256(content));
        }
        return out;
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> streamed(byte[] tar) throws IOException {
        return entries(new StreamedTar(new TarArchiveInputStream(new ByteArrayInputStream(tar))));
    }

    private static List<String> inMemory(byte[] tar) throws IOException {
        ByteBuffer direct = ByteBuffer.allocateDirect(tar.length).put(tar).flip();
        return entries(new MemoryTar(direct));
    }

    private static void assertSameEntries(byte[] tar) throws IOException {
        List<String> expected = streamed(tar);
        assertThat(expected).isNotEmpty();
        assertThat(inMemory(tar)).containsExactlyElementsOf(expected);
    }

    private static String longName(String prefix, int length) {
        StringBuilder sb = new StringBuilder(prefix);
        for (int i = 0; sb.length() < length; i++) {
            sb.append(i % 10 == 9 ? '/' : (char) ('a' + i % 26));
        }
        return sb.append('z').toString();
    }

    private static byte[] commonsTar(int longFileMode, int bigNumberMode, Random random, int entries)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(longFileMode);
            tar.setBigNumberMode(bigNumberMode);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            List<String> files = new ArrayList<>();
            for (int i = 0; i < entries; i++) {
                int kind = random.nextInt(6);
                String name = switch (random.nextInt(4)) {
                    case 0 -> "usr/lib/f" + i;
                    case 1 -> "./var/lib/dpkg/status.d/p" + i;
                    case 2 -> longName("usr/lib/python3/dist-packages/" + i + "/", 100 + random.nextInt(300));
                    default -> "usr/share/doc/caf\u00e9-\u00fc" + i + "/copyright";
                };
                TarArchiveEntry e;
                byte[] content = new byte[0];
                if (kind == 0) {
                    e = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
                } else if (kind == 1 && !files.isEmpty()) {
                    e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                    e.setLinkName(random.nextBoolean() ? "../" + files.get(random.nextInt(files.size()))
                            : longName("/opt/target/", 100 + random.nextInt(200)));
                } else if (kind == 2 && !files.isEmpty()) {
                    e = new TarArchiveEntry(name, TarConstants.LF_LINK);
                    e.setLinkName(files.get(random.nextInt(files.size())));
                } else {
                    e = new TarArchiveEntry(name);
                    content = new byte[random.nextInt(5) == 0 ? 0 : random.nextInt(20_000)];
                    random.nextBytes(content);
                    e.setSize(content.length);
                    e.setMode(random.nextBoolean() ? 0100755 : 0100644);
                    files.add(name);
                }
                e.setUserId(random.nextInt(70_000));
                tar.putArchiveEntry(e);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    @Test
    void shouldReadWhatCommonsCompressReadsInEachLongNameAndBigNumberMode() throws IOException {
        Random random = new Random(20261123);
        for (int longFileMode : new int[] {TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU}) {
            for (int bigNumberMode : new int[] {TarArchiveOutputStream.BIGNUMBER_POSIX,
                    TarArchiveOutputStream.BIGNUMBER_STAR}) {
                for (int round = 0; round < 20; round++) {
                    assertSameEntries(commonsTar(longFileMode, bigNumberMode, random, 1 + random.nextInt(60)));
                }
            }
        }
    }

    @Test
    void shouldReadBase256SizesAndNumbersTooBigForTheirOctalFields() throws IOException {
        for (int mode : new int[] {TarArchiveOutputStream.BIGNUMBER_STAR, TarArchiveOutputStream.BIGNUMBER_POSIX}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
                tar.setBigNumberMode(mode);
                TarArchiveEntry e = new TarArchiveEntry("big-uid");
                e.setSize(3);
                e.setUserId(07777777 + 1); // does not fit its octal field: base-256 (star) or a pax record
                tar.putArchiveEntry(e);
                tar.write(new byte[] {1, 2, 3});
                tar.closeArchiveEntry();
            }
            assertSameEntries(out.toByteArray());
        }
        // GNU's base-256 size, written for files of 8 GiB and more; here a small one written that way
        byte[] tar = ustar("base256", new byte[] {9, 8, 7, 6, 5});
        Arrays.fill(tar, 124, 136, (byte) 0);
        tar[124] = (byte) 0x80;
        tar[135] = 5;
        checksum(tar, 0);
        assertThat(inMemory(tar)).singleElement().asString().startsWith("base256 | FILE | 100644 | 5 | ");
        assertSameEntries(tar);
    }

    /** One ustar entry with a 0644 mode, then the end-of-archive blocks. */
    private static byte[] ustar(String name, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(content.length);
            e.setMode(0100644);
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        return out.toByteArray();
    }

    private static void checksum(byte[] tar, int header) {
        Arrays.fill(tar, header + 148, header + 156, (byte) ' ');
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += tar[header + i] & 0xff;
        }
        byte[] octal = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(octal, 0, tar, header + 148, 8);
    }

    private byte[] gnuTar(String format, String... extra) throws IOException, InterruptedException {
        Path root = dir.resolve("root-" + format);
        Files.createDirectories(root.resolve("var/lib/dpkg/status.d"));
        Files.writeString(root.resolve("var/lib/dpkg/status.d/bash"), "Package: bash\nVersion: 5.2\n\n");
        String deep = longName("usr/share/doc/", 180);
        Files.createDirectories(root.resolve(deep));
        Files.writeString(root.resolve(deep + "/copyright"), "License: GPL-3+\n");
        Files.createSymbolicLink(root.resolve("usr/share/doc/link"), Path.of(longName("../target/", 140)));
        Files.createLink(root.resolve("var/lib/dpkg/status.d/bash-again"), root.resolve("var/lib/dpkg/status.d/bash"));
        Files.write(root.resolve("usr/share/doc/binary"), new byte[70_000]);
        Path archive = dir.resolve(format + ".tar");
        List<String> command = new ArrayList<>(List.of("tar", "--format=" + format, "--owner=0", "--group=0",
                "--sort=name", "-C", root.toString(), "-cf", archive.toString()));
        command.addAll(List.of(extra));
        command.add(".");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("tar: " + output).isZero();
        return Files.readAllBytes(archive);
    }

    @Test
    void shouldReadGnuTarsGnuPosixUstarAndV7Formats() throws Exception {
        for (String format : new String[] {"gnu", "posix", "oldgnu"}) {
            assertSameEntries(gnuTar(format));
        }
        // ustar holds names of up to 255 bytes (prefix and name), v7 of up to 99
        for (String format : new String[] {"ustar", "v7"}) {
            Path root = dir.resolve("short-" + format);
            Files.createDirectories(root.resolve("etc"));
            Files.writeString(root.resolve("etc/os-release"), "ID=debian\n");
            if (format.equals("ustar")) {
                // longer than the name field: ustar splits it into prefix and name (v7 cannot hold it)
                String deep = longName("usr/share/doc/", 140);
                Files.createDirectories(root.resolve(deep));
                Files.writeString(root.resolve(deep + "/copyright"), "License: GPL-3+\n");
            }
            Path archive = dir.resolve(format + ".tar");
            Process p = new ProcessBuilder("tar", "--format=" + format, "-C", root.toString(), "-cf",
                    archive.toString(), ".").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertThat(p.waitFor()).isZero();
            assertSameEntries(Files.readAllBytes(archive));
        }
    }

    @Test
    void shouldDeclineSparseFilesInEachOfTheirForms() throws Exception {
        for (String format : new String[] {"gnu", "posix"}) {
            Path root = dir.resolve("sparse-" + format);
            Files.createDirectories(root);
            try (var f = new RandomAccessFile(root.resolve("holes").toFile(), "rw")) {
                f.seek(1 << 20);
                f.write("data after a hole".getBytes(StandardCharsets.US_ASCII));
            }
            Path archive = dir.resolve("sparse-" + format + ".tar");
            Process p = new ProcessBuilder("tar", "--format=" + format, "--sparse", "-C", root.toString(), "-cf",
                    archive.toString(), "holes").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertThat(p.waitFor()).isZero();
            byte[] tar = Files.readAllBytes(archive);
            assertThatThrownBy(() -> inMemory(tar)).as(format).isInstanceOf(MemoryTar.Declined.class)
                    .hasMessageContaining("sparse");
            assertThat(streamed(tar)).as(format).singleElement().asString().contains("holes | FILE");
        }
    }

    @Test
    void shouldEndAtAZeroBlockOrAnIncompleteLastBlockLikeCommonsCompress() throws IOException {
        byte[] one = ustar("a", "x".getBytes(StandardCharsets.US_ASCII));
        byte[] withoutEnd = Arrays.copyOf(one, 1024);
        assertSameEntries(withoutEnd);
        byte[] partialHeader = Arrays.copyOf(one, 1024 + 300);
        partialHeader[1024] = 'b';
        assertSameEntries(partialHeader);
        assertThat(inMemory(new byte[0])).isEmpty();
        assertThat(inMemory(new byte[1024])).isEmpty();
    }

    @Test
    void shouldRefuseAnEntryWhoseContentRunsPastTheEnd() throws IOException {
        byte[] tar = Arrays.copyOf(ustar("var/lib/dpkg/status", new byte[2000]), 512 + 1000);
        assertThatThrownBy(() -> inMemory(tar)).isInstanceOf(IOException.class).hasMessage(
                "the entry var/lib/dpkg/status at offset 0 declares 2000 bytes, more than the archive holds"
                        + " (truncated TAR archive)");
        assertThatThrownBy(() -> streamed(tar)).isInstanceOf(IOException.class);
    }

    @Test
    void shouldRefuseDataThatIsNotATar() {
        byte[] text = new byte[2048];
        Arrays.fill(text, (byte) 'z');
        assertThatThrownBy(() -> inMemory(text)).isInstanceOf(IOException.class).hasMessage(
                "Error detected parsing the header at offset 0: its size field holds the byte 0x7a in an octal"
                        + " number (not a tar archive, or a corrupt one)");
        assertThatThrownBy(() -> streamed(text)).isInstanceOf(IOException.class);
    }

    /** A pax header of type {@code flag} holding {@code records} ("KEY=VALUE" each), with its data blocks. */
    private static byte[] pax(byte flag, String... records) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (String r : records) {
            int length = r.length() + 3;
            length += String.valueOf(length + String.valueOf(length).length() - 1).length() - 1;
            data.write((length + " " + r + "\n").getBytes(StandardCharsets.UTF_8));
        }
        TarArchiveEntry e = new TarArchiveEntry("PaxHeaders/x", flag);
        e.setSize(data.size());
        byte[] block = new byte[512 + (data.size() + 511) / 512 * 512];
        e.writeEntryHeader(block);
        System.arraycopy(data.toByteArray(), 0, block, 512, data.size());
        return block;
    }

    private static byte[] symlink(String name, String target) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry link = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            link.setLinkName(target);
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }
        return Arrays.copyOf(out.toByteArray(), 512); // the header alone, no end-of-archive blocks
    }

    @Test
    void shouldApplyGlobalPaxRecordsAndLetAnEntrysOwnRecordsOverrideOrDeleteThem() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(pax(TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER, "linkpath=/global/link", "comment=built"));
        out.write(symlink("one", "own-one"));
        out.write(pax(TarConstants.LF_PAX_EXTENDED_HEADER_LC, "linkpath=/from/pax"));
        out.write(symlink("two", "own-two"));
        out.write(pax(TarConstants.LF_PAX_EXTENDED_HEADER_LC, "linkpath="));
        out.write(symlink("three", "own-three"));
        out.write(new byte[1024]);
        byte[] tar = out.toByteArray();
        // POSIX: an empty value deletes the global record for that entry, so its header's link name
        // counts; commons-compress applies the global record before the entry's own and keeps it
        assertThat(streamed(tar)).extracting(e -> e.split(" \\| ")[4])
                .containsExactly("/global/link", "/from/pax", "/global/link");
        assertThat(inMemory(tar)).extracting(e -> e.split(" \\| ")[0] + " -> " + e.split(" \\| ")[4])
                .containsExactly("one -> /global/link", "two -> /from/pax", "three -> own-three");
    }

    @Test
    void shouldRefuseAMalformedPaxRecord() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] header = pax(TarConstants.LF_PAX_EXTENDED_HEADER_LC, "path=x");
        header[512] = '8'; // the record's length now ends before its newline
        out.write(header);
        out.write(symlink("a", "b"));
        out.write(new byte[1024]);
        assertThatThrownBy(() -> inMemory(out.toByteArray())).isInstanceOf(IOException.class).hasMessage(
                "the pax header at offset 0 has a malformed record at byte 0 (expected \"LENGTH KEY=VALUE\\n\")");
    }
}
