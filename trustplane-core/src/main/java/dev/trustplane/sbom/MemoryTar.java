package dev.trustplane.sbom;

import dev.trustplane.io.ByteBufferInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tar held whole in memory (a layer decompressed by libdeflate), walked in place: headers are
 * parsed where they lie and skipping an entry moves an offset, where a streamed reader copies
 * every byte of the layer through its buffers.
 *
 * <p>It reads what image builders write: ustar (with its name prefix), POSIX pax headers
 * ({@code x}, {@code X} and global {@code g} records: {@code path}, {@code linkpath},
 * {@code size}), GNU long names and link names ({@code L}, {@code K}), v7 headers and base-256
 * sizes. It gives the entries commons-compress gives for the same tar: a zero block or an
 * incomplete last block ends the archive, an entry whose content runs past the end is an error,
 * and of several long-name headers before an entry the first one wins. Sparse files (GNU
 * {@code S}, pax {@code GNU.sparse.*}, star's {@code SCHILY.filetype=sparse}) need their map
 * applied: for those it throws {@link Declined} and the caller reads the tar with commons-compress.
 */
final class MemoryTar implements LayerTar {
    private static final int BLOCK = 512;
    private static final int NAME = 0;
    private static final int NAME_LENGTH = 100;
    private static final int MODE = 100;
    private static final int SIZE = 124;
    private static final int TYPE = 156;
    private static final int LINK_NAME = 157;
    private static final int MAGIC = 257;
    private static final int PREFIX = 345;
    private static final int PREFIX_LENGTH = 155;
    /** Long names, link names and pax records longer than this are refused (tar entry names are bounded). */
    static final int MAX_HEADER_DATA = 1 << 20;

    /** A tar this reader leaves to commons-compress (sparse files). */
    static final class Declined extends IOException {
        Declined(String message) {
            super(message);
        }
    }

    private final ByteBuffer tar;
    private final Map<String, String> global = new HashMap<>();
    /** Offset of the next header. */
    private int next;
    private int contentAt;
    private int contentSize;

    /** @param tar the archive, from its position to its limit (at most 2 GiB: one buffer) */
    MemoryTar(ByteBuffer tar) {
        this.tar = tar.slice().order(ByteOrder.BIG_ENDIAN);
    }

    @Override
    public Entry next() throws IOException {
        // of several long-name headers (L, K, pax path and linkpath) before an entry the first one wins
        String longName = null;
        String longLink = null;
        Map<String, String> pax = null;
        while (true) {
            int at = next;
            if (at > tar.limit() - BLOCK || zeroBlock(at)) {
                next = tar.limit();
                contentSize = 0;
                return null;
            }
            byte flag = tar.get(at + TYPE);
            long size = number(at + SIZE, 12, "size", at);
            int dataAt = at + BLOCK;
            if (flag == 'L' || flag == 'K' || flag == 'x' || flag == 'X' || flag == 'g') {
                if (size > Math.min(MAX_HEADER_DATA, tar.limit() - dataAt)) {
                    throw new IOException("the " + (char) flag + " header at offset " + at + " declares " + size
                            + " bytes of data" + (size > MAX_HEADER_DATA ? " (more than " + MAX_HEADER_DATA
                            + " allowed)" : ", more than the archive holds (truncated TAR archive)"));
                }
                next = (int) Math.min(tar.limit(), dataAt + padded(size));
                if (flag == 'L') {
                    longName = longName != null ? longName : string(dataAt, (int) size);
                } else if (flag == 'K') {
                    longLink = longLink != null ? longLink : string(dataAt, (int) size);
                } else if (flag == 'g') {
                    records(dataAt, (int) size, at).forEach((k, v) -> {
                        if (v.isEmpty()) {
                            global.remove(k);
                        } else {
                            global.put(k, v);
                        }
                    });
                } else {
                    Map<String, String> records = records(dataAt, (int) size, at);
                    if (longName == null && !records.getOrDefault("path", "").isEmpty()) {
                        longName = records.get("path");
                    }
                    if (longLink == null && !records.getOrDefault("linkpath", "").isEmpty()) {
                        longLink = records.get("linkpath");
                    }
                    if (pax == null) {
                        pax = records;
                    } else {
                        records.forEach(pax::putIfAbsent);
                    }
                }
                continue;
            }
            if (flag == 'S') {
                throw new Declined("GNU sparse file at offset " + at);
            }
            Map<String, String> headers = global;
            if (pax != null) {
                headers = new HashMap<>(global);
                for (Map.Entry<String, String> r : pax.entrySet()) {
                    if (r.getValue().isEmpty()) {
                        headers.remove(r.getKey());
                    } else {
                        headers.put(r.getKey(), r.getValue());
                    }
                }
            }
            String name = longName;
            String link = longLink;
            if (!headers.isEmpty()) {
                for (String key : headers.keySet()) {
                    if (key.startsWith("GNU.sparse.") || key.equals("SCHILY.realsize")
                            || (key.equals("SCHILY.filetype") && headers.get(key).equals("sparse"))) {
                        throw new Declined("sparse file (pax " + key + ") at offset " + at);
                    }
                }
                name = name != null ? name : headers.get("path");
                link = link != null ? link : headers.get("linkpath");
                if (headers.containsKey("size")) {
                    size = paxSize(headers.get("size"), at);
                }
            }
            name = name != null ? name : name(at);
            link = link != null ? link : string(at + LINK_NAME, NAME_LENGTH);
            if (size > tar.limit() - dataAt) {
                throw new IOException("the entry " + name + " at offset " + at + " declares " + size
                        + " bytes, more than the archive holds (truncated TAR archive)");
            }
            contentAt = dataAt;
            contentSize = (int) size;
            next = (int) Math.min(tar.limit(), dataAt + padded(size));
            int mode = (int) number(at + MODE, 8, "mode", at);
            return new Entry(name, Entry.type(flag, name), mode, size, link);
        }
    }

    @Override
    public InputStream content() {
        return new ByteBufferInputStream(tar.slice(contentAt, contentSize));
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) & -BLOCK;
    }

    private boolean zeroBlock(int at) {
        if (tar.get(at) != 0) {
            return false;
        }
        for (int i = 0; i < BLOCK; i += 8) {
            if (tar.getLong(at + i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The name field, after the ustar prefix when the header has one ("ustar\0": POSIX and star). */
    private String name(int at) {
        String name = string(at + NAME, NAME_LENGTH);
        boolean ustar = tar.get(at + MAGIC) == 'u' && tar.get(at + MAGIC + 1) == 's' && tar.get(at + MAGIC + 2) == 't'
                && tar.get(at + MAGIC + 3) == 'a' && tar.get(at + MAGIC + 4) == 'r' && tar.get(at + MAGIC + 5) == 0;
        if (ustar) {
            String prefix = string(at + PREFIX, PREFIX_LENGTH);
            if (!prefix.isEmpty()) {
                return prefix + "/" + name;
            }
        }
        return name;
    }

    /** The bytes at {@code at} up to the first NUL or {@code max} bytes, as UTF-8. */
    private String string(int at, int max) {
        int end = at;
        boolean ascii = true;
        while (end < at + max) {
            byte b = tar.get(end);
            if (b == 0) {
                break;
            }
            ascii &= b > 0;
            end++;
        }
        byte[] bytes = new byte[end - at];
        tar.get(at, bytes);
        return new String(bytes, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    /**
     * An octal header number as commons-compress reads it: a leading NUL means 0, leading spaces
     * and trailing NULs and spaces are ignored; a first byte with the high bit set marks GNU's
     * base-256 form (the value in the following bytes; 0xff, a negative number, is refused).
     */
    private long number(int at, int length, String field, int header) throws IOException {
        byte first = tar.get(at);
        if ((first & 0x80) != 0) {
            if (first == (byte) 0xff) {
                throw badNumber(field, header, "a negative base-256 number");
            }
            long value = 0;
            for (int i = 1; i < length; i++) {
                if (value >>> 55 != 0) {
                    throw badNumber(field, header, "a base-256 number above 2^63");
                }
                value = (value << 8) | (tar.get(at + i) & 0xff);
            }
            return value;
        }
        if (first == 0) {
            return 0;
        }
        int start = at;
        int end = at + length;
        while (start < end && tar.get(start) == ' ') {
            start++;
        }
        while (end > start && (tar.get(end - 1) == 0 || tar.get(end - 1) == ' ')) {
            end--;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            byte b = tar.get(i);
            if (b < '0' || b > '7') {
                throw badNumber(field, header, "the byte 0x" + Integer.toHexString(b & 0xff) + " in an octal number");
            }
            value = (value << 3) | (b - '0');
        }
        return value;
    }

    private static IOException badNumber(String field, int header, String what) {
        return new IOException("Error detected parsing the header at offset " + header + ": its " + field
                + " field holds " + what + " (not a tar archive, or a corrupt one)");
    }

    private static long paxSize(String value, int header) throws IOException {
        try {
            long size = Long.parseLong(value);
            if (size >= 0) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("the pax header at offset " + header + " gives the size \"" + value
                + "\", not a byte count");
    }

    /**
     * The records ({@code "LENGTH KEY=VALUE\n"}, LENGTH counting the whole record) of a pax
     * header's data; an empty value deletes the key. Blank lines are skipped; NUL padding ends them.
     */
    private Map<String, String> records(int at, int size, int header) throws IOException {
        Map<String, String> records = new LinkedHashMap<>();
        int end = at + size;
        int p = at;
        while (p < end) {
            byte b = tar.get(p);
            if (b == 0) {
                break; // NUL padding
            }
            if (b == '\n') {
                p++; // a blank line
                continue;
            }
            int length = 0;
            int q = p;
            while (q < end && tar.get(q) >= '0' && tar.get(q) <= '9' && length < size) {
                length = length * 10 + (tar.get(q) - '0');
                q++;
            }
            int recordEnd = p + length;
            if (q == p || q >= end || tar.get(q) != ' ' || length > end - p || recordEnd <= q + 2
                    || tar.get(recordEnd - 1) != '\n') {
                throw new IOException("the pax header at offset " + header + " has a malformed record at byte "
                        + (p - at) + " (expected \"LENGTH KEY=VALUE\\n\")");
            }
            int eq = q + 1;
            while (eq < recordEnd - 1 && tar.get(eq) != '=') {
                eq++;
            }
            if (eq == recordEnd - 1 || eq == q + 1) {
                throw new IOException("the pax header at offset " + header + " has a record without KEY= at byte "
                        + (p - at));
            }
            records.put(utf8(q + 1, eq), utf8(eq + 1, recordEnd - 1));
            p = recordEnd;
        }
        return records;
    }

    private String utf8(int from, int to) {
        byte[] bytes = new byte[to - from];
        tar.get(from, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
