package dev.trustplane.debian;

import dev.trustplane.error.TrustplaneException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Deb822 text as Packages indexes, Release files, dpkg status files and copyright files carry it,
 * and the fields read from it: Release fields, relations and versions. Versions compare as a
 * total order and print back to themselves; a paragraph formatted again parses to the same fields.
 */
public final class Deb822Fuzzer {
    private Deb822Fuzzer() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        List<Deb822.Paragraph> paragraphs;
        try {
            paragraphs = Deb822.parse(text);
        } catch (TrustplaneException refused) {
            return;
        }
        for (Deb822.Paragraph p : paragraphs) {
            String formatted = p.format();
            List<Deb822.Paragraph> again = Deb822.parse(formatted);
            if (again.size() != 1 || !again.get(0).fields().equals(p.fields())) {
                throw new IllegalStateException("a formatted paragraph does not parse back: " + p.fields());
            }
            for (String field : List.of("Depends", "Pre-Depends", "Built-Using")) {
                String value = p.get(field);
                if (value != null) {
                    try {
                        Relation.parseField(value);
                    } catch (TrustplaneException refused) {
                        // refused with a message
                    }
                }
            }
            version(p.get("Version"));
        }
        try {
            ReleaseFile.parse(text, "fuzz/Release");
        } catch (TrustplaneException refused) {
            // refused with a message
        }
        Copyright.licenses(text);
        String[] words = text.split("\\s+", 3);
        if (words.length >= 2) {
            DebianVersion a = version(words[0]);
            DebianVersion b = version(words[1]);
            if (a != null && b != null && Integer.signum(a.compareTo(b)) != -Integer.signum(b.compareTo(a))) {
                throw new IllegalStateException("versions " + a + " and " + b + " do not compare antisymmetrically");
            }
        }
    }

    private static DebianVersion version(String text) {
        if (text == null) {
            return null;
        }
        try {
            DebianVersion v = DebianVersion.parse(text);
            DebianVersion again = DebianVersion.parse(v.toString());
            if (again.compareTo(v) != 0 || !Objects.equals(again, v)) {
                throw new IllegalStateException("version " + text + " prints as " + v + ", which parses to " + again);
            }
            return v;
        } catch (TrustplaneException refused) {
            return null;
        }
    }

    public static List<byte[]> seeds() throws IOException {
        try (InputStream in = Deb822Fuzzer.class.getResourceAsStream("/debian/real-bookworm-security/InRelease")) {
            byte[] release = in.readAllBytes();
            String status = "Package: bash\nStatus: install ok installed\nVersion: 1:5.2.15-2+b2\nDepends: base-files"
                    + " (>= 2.1.12), debianutils (>= 5.6-0.1)\nPre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6) | x:any\n"
                    + "Description: GNU Bourne Again SHell\n Bash is an sh-compatible command language interpreter.\n .\n"
                    + " More.\n\nPackage: tzdata\nVersion: 2024a-0+deb12u1\n";
            String copyright = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\n"
                    + "License: GPL-2+ or Artistic\n\nFiles: debian/*\nLicense: BSD-3-clause\n";
            return List.of(release, status.getBytes(StandardCharsets.UTF_8),
                    copyright.getBytes(StandardCharsets.UTF_8), "1:2.36-9+deb12u4 2.36~rc1".getBytes(
                            StandardCharsets.UTF_8));
        }
    }
}
