package dev.trustplane.debian;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.Printable;
import dev.trustplane.error.TrustplaneException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.Optional;

/**
 * The verified content of a suite's {@code InRelease}: its dates and the SHA256 of every index it
 * lists. Only built from text whose signature was checked ({@link ArchiveKeyring#verify}).
 */
public record ReleaseFile(
        String origin,
        String suite,
        String codename,
        Instant date,
        Instant validUntil,
        List<String> architectures,
        List<String> components,
        boolean acquireByHash,
        Map<String, IndexEntry> sha256) {

    /** One file listed under {@code SHA256:}. */
    public record IndexEntry(String path, long size, String sha256) {
    }

    public ReleaseFile {
        architectures = List.copyOf(architectures);
        components = List.copyOf(components);
        sha256 = Map.copyOf(sha256);
    }

    private static final DateTimeFormatter RFC_2822 = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT);

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern SIZE = Pattern.compile("[0-9]{1,18}");

    static ReleaseFile parse(String verifiedText, String source) {
        List<Deb822.Paragraph> paragraphs = Deb822.parse(verifiedText);
        if (paragraphs.isEmpty()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, source + " is empty after its signature");
        }
        Deb822.Paragraph p = paragraphs.get(0);
        Map<String, IndexEntry> sums = new HashMap<>();
        String block = p.get("SHA256");
        if (block == null) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, source + " lists no SHA256 checksums;"
                    + " Trustplane refuses archives that only offer weaker hashes");
        }
        for (String line : block.split("\n")) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 3) {
                if (!SHA256.matcher(parts[0]).matches() || !SIZE.matcher(parts[1]).matches()) {
                    throw new TrustplaneException(ErrorKind.INVALID_INPUT, source + " has a SHA256 line that is not"
                            + " '<64 hex digits> <size> <path>': '" + Printable.of(line.strip(), 200) + "'; check the"
                            + " archive URL (this is not a Debian archive's Release file)");
                }
                sums.put(parts[2], new IndexEntry(parts[2], Long.parseLong(parts[1]), parts[0].toLowerCase(Locale.ROOT)));
            }
        }
        return new ReleaseFile(
                p.get("Origin", ""),
                p.get("Suite", ""),
                p.get("Codename", ""),
                date(p.get("Date"), "Date", source),
                p.get("Valid-Until") == null ? null : date(p.get("Valid-Until"), "Valid-Until", source),
                words(p.get("Architectures")),
                words(p.get("Components")),
                "yes".equalsIgnoreCase(p.get("Acquire-By-Hash", "no")),
                sums);
    }

    public Optional<IndexEntry> entry(String path) {
        return Optional.ofNullable(sha256.get(path));
    }

    private static List<String> words(String value) {
        return value == null || value.isBlank() ? List.of() : List.of(value.strip().split("\\s+"));
    }

    private static Instant date(String value, String field, String source) {
        if (value == null) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, source + " has no " + field + " field");
        }
        try {
            return ZonedDateTime.parse(value.strip().replace(" UTC", " +0000"), RFC_2822).toInstant();
        } catch (DateTimeParseException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT,
                    source + " has an unreadable " + field + " '" + value + "'", e);
        }
    }
}
