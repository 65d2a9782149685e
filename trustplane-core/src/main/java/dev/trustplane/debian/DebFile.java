package dev.trustplane.debian;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Reads a {@code .deb} as a stream — ar archive, {@code control.tar.*}, {@code data.tar.*} — and
 * hands each data entry to a visitor. Nothing is ever extracted onto the host file system; entries
 * whose names or hardlink targets would leave the root are refused.
 */
public final class DebFile {
    private static final long MAX_CONTROL = 16L << 20;
    private static final int MAX_NAME = 4096;

    /** Metadata from {@code control.tar}: the control paragraph, md5sums and conffiles as text. */
    public record Control(Deb822.Paragraph fields, String md5sums, String conffiles) {
    }

    /** Receives data entries in archive order; {@code content} is only readable during the call. */
    @FunctionalInterface
    public interface Visitor {
        void entry(DebEntry entry, InputStream content) throws IOException;
    }

    private DebFile() {
    }

    public static Control read(Path deb, String what, Visitor visitor) {
        try (InputStream file = new BufferedInputStream(Files.newInputStream(deb), 1 << 16)) {
            return read(file, what, visitor);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Cannot read package " + what + ": " + e.getMessage()
                    + "; the file is not a valid .deb — delete it from the cache and build again", e);
        }
    }

    /** Receives the decompressed {@code control.tar} and {@code data.tar} while a package is read. */
    public interface Repack {
        OutputStream control() throws IOException;

        OutputStream data() throws IOException;
    }

    static Control read(InputStream in, String what, Visitor visitor) throws IOException {
        return read(in, what, visitor, null);
    }

    /** Reads a package; when {@code repack} is given, the decompressed tars are copied to it as they are read. */
    public static Control read(InputStream in, String what, Visitor visitor, Repack repack) throws IOException {
        ArArchiveInputStream ar = new ArArchiveInputStream(in);
        Control control = null;
        boolean sawData = false;
        boolean sawMagic = false;
        ArArchiveEntry member;
        while ((member = ar.getNextEntry()) != null) {
            String name = member.getName();
            if (name.equals("debian-binary")) {
                String version = new String(ar.readNBytes(16), StandardCharsets.US_ASCII).strip();
                if (!version.startsWith("2.")) {
                    throw unsupported(what, "package format " + version);
                }
                sawMagic = true;
            } else if (name.startsWith("control.tar")) {
                if (member.getLength() > MAX_CONTROL) {
                    throw new LimitExceededException("control.tar size", MAX_CONTROL, what);
                }
                InputStream tar = tee(decompress(ar, name, what), repack == null ? null : repack.control());
                control = control(tar, what);
                drain(tar);
            } else if (name.startsWith("data.tar")) {
                InputStream tar = tee(decompress(ar, name, what), repack == null ? null : repack.data());
                data(tar, what, visitor);
                drain(tar);
                sawData = true;
            }
        }
        if (!sawMagic || control == null || !sawData) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Package " + what
                    + " is not a complete .deb (debian-binary, control.tar and data.tar are required)");
        }
        return control;
    }

    private static InputStream tee(InputStream in, OutputStream copy) {
        if (copy == null) {
            return in;
        }
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    copy.write(b);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int r = super.read(b, off, len);
                if (r > 0) {
                    copy.write(b, off, r);
                }
                return r;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = 0;
                byte[] buffer = new byte[8192];
                while (skipped < n) {
                    int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
                    if (r < 0) {
                        break;
                    }
                    skipped += r;
                }
                return skipped;
            }
        };
    }

    /** Reads what the tar reader left (end-of-archive padding) so a copy is complete. */
    private static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }

    private static InputStream decompress(InputStream member, String name, String what) throws IOException {
        if (name.endsWith(".xz")) {
            return new XZInputStream(member);
        }
        if (name.endsWith(".gz")) {
            return new GZIPInputStream(member, 1 << 16);
        }
        if (name.equals("control.tar") || name.equals("data.tar")) {
            return member;
        }
        throw unsupported(what, "member " + name + " (supported: .xz, .gz, uncompressed)");
    }

    private static Control control(InputStream in, String what) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        String control = null;
        String md5sums = "";
        String conffiles = "";
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            String name = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
            if (!e.isFile()) {
                continue;
            }
            String text = new String(tar.readNBytes((int) Math.min(e.getSize(), MAX_CONTROL)), StandardCharsets.UTF_8);
            switch (name) {
                case "control" -> control = text;
                case "md5sums" -> md5sums = text;
                case "conffiles" -> conffiles = text;
                default -> { }
            }
        }
        if (control == null) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Package " + what + " has no control file");
        }
        List<Deb822.Paragraph> paragraphs = Deb822.parse(control);
        if (paragraphs.isEmpty()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Package " + what + " has an empty control file");
        }
        return new Control(paragraphs.get(0), md5sums, conffiles);
    }

    private static void data(InputStream in, String what, Visitor visitor) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            String path = normalise(e.getName(), what);
            if (path.isEmpty()) {
                continue;
            }
            DebEntry.Type type;
            String target = null;
            if (e.isDirectory()) {
                type = DebEntry.Type.DIRECTORY;
            } else if (e.isSymbolicLink()) {
                type = DebEntry.Type.SYMLINK;
                target = e.getLinkName();
            } else if (e.isLink()) {
                type = DebEntry.Type.HARDLINK;
                if (e.getLinkName().startsWith("/")) {
                    throw traversal(what, e.getName() + " → " + e.getLinkName(), "an absolute hardlink target");
                }
                target = normalise(e.getLinkName(), what);
            } else if (e.isFile()) {
                type = DebEntry.Type.FILE;
            } else {
                throw unsupported(what, "entry " + e.getName() + " (devices, FIFOs and sockets are not allowed)");
            }
            visitor.entry(new DebEntry(path, type, e.getMode() & 07777, (int) e.getLongUserId(),
                    (int) e.getLongGroupId(), target, type == DebEntry.Type.FILE ? e.getSize() : 0), tar);
        }
    }

    /** Strips {@code ./} and slashes; refuses {@code ..} components and overlong names. */
    static String normalise(String name, String what) {
        if (name.length() > MAX_NAME) {
            throw new LimitExceededException("tar entry name length", MAX_NAME, what);
        }
        StringBuilder out = new StringBuilder();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw traversal(what, name, "a '..' component");
            }
            if (part.indexOf('\0') >= 0) {
                throw traversal(what, name, "a NUL byte");
            }
            out.append(out.isEmpty() ? "" : "/").append(part);
        }
        return out.toString();
    }

    private static TrustplaneException traversal(String what, String entry, String why) {
        return new TrustplaneException(ErrorKind.INTEGRITY, "Refusing package " + what + ": entry '" + entry
                + "' has " + why + " and would escape the image root; the package is malformed or malicious");
    }

    private static TrustplaneException unsupported(String what, String thing) {
        return new TrustplaneException(ErrorKind.UNSUPPORTED, "Package " + what + " uses an unsupported " + thing);
    }

}
