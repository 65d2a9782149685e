package dev.trustplane.sbom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The build information Go (1.18+) embeds in binaries: the toolchain version and the modules
 * linked in, read from a stream (the {@code \xff Go buildinf:} header sits at a 16-byte aligned
 * offset; version and module list follow inline as length-prefixed strings).
 */
final class GoBuildInfo {
    private static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
    private static final int CHUNK = 1 << 16;
    private static final int MAX_INFO = 1 << 20;

    /** One module: path and version ({@code stdlib} for the toolchain). */
    record Module(String path, String version) {
    }

    private GoBuildInfo() {
    }

    /**
     * Modules of a Go binary, or an empty list when the stream is not one (or uses the pre-1.18
     * format). The stream is scanned in one reused buffer: executables are read whole, and a
     * fresh array per chunk was most of what package detection allocated after the tar skips.
     */
    static List<Module> read(InputStream in) throws IOException {
        byte[] head = in.readNBytes(4);
        if (head.length < 4 || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') {
            return List.of();
        }
        byte[] buffer = new byte[CHUNK + 32];
        System.arraycopy(head, 0, buffer, 0, 4);
        int filled = 4;
        long bufferStart = 0; // stream offset of buffer[0]
        while (true) {
            int n = in.readNBytes(buffer, filled, buffer.length - filled);
            if (n <= 0) {
                return List.of();
            }
            filled += n;
            for (int i = (int) ((16 - bufferStart % 16) % 16); i + MAGIC.length <= filled; i += 16) {
                if (matches(buffer, i)) {
                    ByteArrayOutputStream info = new ByteArrayOutputStream();
                    info.write(buffer, i, filled - i);
                    info.write(in.readNBytes(Math.max(0, MAX_INFO - info.size())));
                    return parse(info.toByteArray());
                }
            }
            // keep a tail shorter than 32 bytes whose aligned positions were not all checkable yet
            int keep = Math.min(filled, 32);
            System.arraycopy(buffer, filled - keep, buffer, 0, keep);
            bufferStart += filled - keep;
            filled = keep;
        }
    }

    private static boolean matches(byte[] b, int at) {
        for (int k = 0; k < MAGIC.length; k++) {
            if (b[at + k] != MAGIC[k]) {
                return false;
            }
        }
        return true;
    }

    private static List<Module> parse(byte[] info) {
        if (info.length < 32 || (info[15] & 2) == 0) {
            return List.of(); // pointer-based pre-1.18 layout: not read
        }
        int[] pos = {32};
        String version = string(info, pos);
        String modinfo = string(info, pos);
        if (version == null) {
            return List.of();
        }
        Map<String, Module> modules = new LinkedHashMap<>();
        modules.put("stdlib", new Module("stdlib", version.startsWith("go") ? version.substring(2) : version));
        if (modinfo != null && modinfo.length() >= 33) {
            String body = modinfo.substring(16, modinfo.length() - 16);
            String last = null;
            for (String line : body.split("\n")) {
                String[] f = line.split("\t");
                if (f.length >= 3 && f[0].equals("dep")) {
                    modules.put(f[1], new Module(f[1], f[2]));
                    last = f[1];
                } else if (f.length >= 3 && f[0].equals("=>") && last != null) {
                    modules.remove(last);
                    modules.put(f[1], new Module(f[1], f[2]));
                }
            }
        }
        return new ArrayList<>(modules.values());
    }

    /** A uvarint-length-prefixed string at {@code pos[0]}, advancing it; null when it does not fit. */
    private static String string(byte[] b, int[] pos) {
        long length = 0;
        int shift = 0;
        while (pos[0] < b.length) {
            int x = b[pos[0]++] & 0xff;
            length |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                break;
            }
            shift += 7;
            if (shift > 28) {
                return null;
            }
        }
        if (length < 0 || pos[0] + length > b.length) {
            return null;
        }
        String s = new String(b, pos[0], (int) length, StandardCharsets.UTF_8);
        pos[0] += (int) length;
        return s;
    }
}
