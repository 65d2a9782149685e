package dev.trustplane.vuln;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * OSV advisories in a compact local file ({@code osv.db}, ADR 005), replaced atomically on import.
 * Imports a single OSV JSON file (one advisory or an array), a directory of them (as osv.dev's
 * per-ecosystem dumps unpack), or such a {@code .zip} read as a stream.
 */
public final class OsvDb {
    static final String FILE = "osv.db";
    private static final int MAGIC = 0x54504f53; // "TPOS"
    private static final int VERSION = 3;
    private static final long MAX_DOCUMENT = 64L << 20;

    /** What was imported. */
    public record Info(String source, Instant takenAt, Instant importedAt, Instant newestRecord, int advisories,
            List<String> ecosystems, int skipped, List<String> skippedExamples) {
        public Info {
            ecosystems = List.copyOf(ecosystems);
            skippedExamples = List.copyOf(skippedExamples);
        }
    }

    /** An advisory's entry for one package. */
    public record Match(OsvRecord record, OsvRecord.Affected affected) {
    }

    private final Info info;
    private final Map<String, List<Match>> byPackage;

    private OsvDb(Info info, Map<String, List<Match>> byPackage) {
        this.info = info;
        this.byPackage = byPackage;
    }

    public Info info() {
        return info;
    }

    /** Advisory entries for a package of an ecosystem ({@code Debian:12}, {@code npm}, {@code Maven}…). */
    public List<Match> entries(String ecosystem, String name) {
        return byPackage.getOrDefault(key(ecosystem, name), List.of());
    }

    private static String key(String ecosystem, String name) {
        return ecosystem + "\u0000" + name;
    }

    /** The database in {@code dir}, or empty when none was imported. */
    public static Optional<OsvDb> openIfPresent(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE)) ? Optional.of(open(dir)) : Optional.empty();
    }

    public static Info importFrom(Path dir, Path source, Instant takenAt, Instant now) {
        List<OsvRecord> records = new ArrayList<>();
        SkipLog skip = new SkipLog();
        try {
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.walk(source)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                        if (Files.size(f) > MAX_DOCUMENT) {
                            throw new LimitExceededException("OSV document size", MAX_DOCUMENT, f.toString());
                        }
                        try (InputStream in = Files.newInputStream(f)) {
                            records.addAll(OsvFeed.read(in, f.toString(), skip));
                        }
                    }
                }
            } else if (source.toString().endsWith(".zip")) {
                try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(Files.newInputStream(source),
                        1 << 16))) {
                    ZipEntry e;
                    while ((e = zip.getNextEntry()) != null) {
                        if (!e.isDirectory() && e.getName().endsWith(".json")) {
                            byte[] doc = zip.readNBytes((int) MAX_DOCUMENT + 1);
                            if (doc.length > MAX_DOCUMENT) {
                                throw new LimitExceededException("OSV document size", MAX_DOCUMENT,
                                        source + "!" + e.getName());
                            }
                            records.addAll(OsvFeed.read(new ByteArrayInputStream(doc), source + "!" + e.getName(),
                                    skip));
                        }
                    }
                }
            } else {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(source), 1 << 16)) {
                    records.addAll(OsvFeed.read(in, source.toString(), skip));
                }
            }
        } catch (NoSuchFileException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "OSV source " + source + " does not exist", e);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read OSV source " + source + ": " + e, e);
        }
        if (records.isEmpty()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "OSV source " + source + " holds no advisories"
                    + skip.summary("of OSV's shape")
                    + "; nothing was imported and the previous database is unchanged");
        }
        TreeSet<String> ecosystems = new TreeSet<>();
        records.forEach(r -> r.affected().forEach(a -> ecosystems.add(a.ecosystem())));
        Instant newest = records.stream().map(OsvRecord::modified).filter(Objects::nonNull)
                .max(Instant::compareTo).orElse(Instant.EPOCH);
        Info info = new Info(source.toString(), takenAt, now, newest, records.size(), new ArrayList<>(ecosystems),
                skip.count(), skip.examples());
        write(dir, info, records);
        return info;
    }

    private static void write(Path dir, Info info, List<OsvRecord> records) {
        Path target = dir.resolve(FILE);
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(target, stream -> {
                DataOutputStream out = new DataOutputStream(stream);
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeUTF(info.source());
                out.writeLong(info.takenAt().toEpochMilli());
                out.writeLong(info.importedAt().toEpochMilli());
                out.writeLong(info.newestRecord().toEpochMilli());
                strings(out, info.ecosystems());
                out.writeInt(info.skipped());
                strings(out, info.skippedExamples());
                out.writeInt(records.size());
                for (OsvRecord r : records) {
                    out.writeUTF(r.id());
                    strings(out, r.aliases());
                    strings(out, r.upstream());
                    out.writeUTF(r.summary());
                    out.writeUTF(r.cvssVector() == null ? "" : r.cvssVector());
                    out.writeDouble(r.cvssScore());
                    out.writeLong(r.modified() == null ? Long.MIN_VALUE : r.modified().toEpochMilli());
                    out.writeInt(r.affected().size());
                    for (OsvRecord.Affected a : r.affected()) {
                        out.writeUTF(a.ecosystem());
                        out.writeUTF(a.name());
                        out.writeInt(a.ranges().size());
                        for (OsvRecord.Range range : a.ranges()) {
                            out.writeUTF(range.type());
                            out.writeInt(range.events().size());
                            for (OsvRecord.Event e : range.events()) {
                                out.writeUTF(e.kind());
                                out.writeUTF(e.version());
                            }
                        }
                        strings(out, a.versions());
                    }
                }
                out.writeInt(MAGIC);
                out.flush();
            });
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot write the OSV database " + target + ": " + e, e);
        }
    }

    private static void strings(DataOutputStream out, List<String> list) throws IOException {
        out.writeInt(list.size());
        for (String s : list) {
            out.writeUTF(s);
        }
    }

    private static List<String> strings(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(in.readUTF());
        }
        return list;
    }

    public static OsvDb open(Path dir) {
        Path file = dir.resolve(FILE);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new TrustplaneException(ErrorKind.UNSUPPORTED, "OSV database " + file + " has an unknown format;"
                        + " import the feed again with `trustplane db import --osv SOURCE`");
            }
            String source = in.readUTF();
            Instant taken = Instant.ofEpochMilli(in.readLong());
            Instant imported = Instant.ofEpochMilli(in.readLong());
            Instant newest = Instant.ofEpochMilli(in.readLong());
            List<String> ecosystems = strings(in);
            int skipped = in.readInt();
            List<String> skippedExamples = strings(in);
            int count = in.readInt();
            Map<String, List<Match>> byPackage = new HashMap<>();
            for (int i = 0; i < count; i++) {
                String id = in.readUTF();
                List<String> aliases = strings(in);
                List<String> upstream = strings(in);
                String summary = in.readUTF();
                String vector = in.readUTF();
                double score = in.readDouble();
                long modifiedMs = in.readLong();
                List<OsvRecord.Affected> affected = new ArrayList<>();
                for (int a = in.readInt(); a > 0; a--) {
                    String ecosystem = in.readUTF();
                    String name = in.readUTF();
                    List<OsvRecord.Range> ranges = new ArrayList<>();
                    for (int r = in.readInt(); r > 0; r--) {
                        String type = in.readUTF();
                        List<OsvRecord.Event> events = new ArrayList<>();
                        for (int e = in.readInt(); e > 0; e--) {
                            events.add(new OsvRecord.Event(in.readUTF(), in.readUTF()));
                        }
                        ranges.add(new OsvRecord.Range(type, events));
                    }
                    affected.add(new OsvRecord.Affected(ecosystem, name, ranges, strings(in)));
                }
                OsvRecord record = new OsvRecord(id, aliases, upstream, summary, vector.isEmpty() ? null : vector, score,
                        modifiedMs == Long.MIN_VALUE ? null : Instant.ofEpochMilli(modifiedMs), affected);
                for (OsvRecord.Affected a : affected) {
                    byPackage.computeIfAbsent(key(a.ecosystem(), a.name()), k -> new ArrayList<>())
                            .add(new Match(record, a));
                }
            }
            if (in.readInt() != MAGIC) {
                throw new EOFException("no end marker");
            }
            return new OsvDb(new Info(source, taken, imported, newest, count, ecosystems, skipped,
                    skippedExamples), byPackage);
        } catch (NoSuchFileException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "No OSV database in " + dir, e);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INTEGRITY, "OSV database " + file + " is damaged (" + e.getMessage()
                    + "); import the feed again with `trustplane db import --osv SOURCE`", e);
        }
    }
}
