package dev.trustplane.vuln;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Severity and exploitation data per CVE (ADR 014): NVD CVSS, CISA KEV and FIRST EPSS, each
 * imported on its own ({@code db import --nvd|--kev|--epss}) into one compact file beside the
 * tracker database. An import replaces that feed's part and keeps the others; the file is replaced
 * atomically, so a failed import leaves the previous one.
 */
public final class IntelDb {
    static final String FILE = "cve-intel.db";
    private static final int MAGIC = 0x54504349; // "TPCI"
    private static final int VERSION = 2;

    /** The feeds it holds. */
    public enum Feed { NVD, KEV, EPSS }

    /** One document to import: its stream, its name, and when it was taken (null: its own date or now). */
    public record Source(InputStream stream, String name, Instant takenAt) {
    }

    /** What one feed's import brought: when taken, when imported, how many CVEs, what was skipped. */
    public record FeedInfo(Feed feed, String file, Instant takenAt, Instant importedAt, int records, int skipped,
            List<String> skippedExamples) {
        public FeedInfo {
            skippedExamples = List.copyOf(skippedExamples);
        }
    }

    /** Bytes per CVE record: key (8), five string references (20), three floats (12). */
    private static final int RECORD = 40;

    private final Map<Feed, FeedInfo> feeds;
    private final String[] strings;
    /** The records, sorted by {@link #key}: searched in place, never expanded into objects. */
    private final ByteBuffer records;
    private final int count;

    private IntelDb(Map<Feed, FeedInfo> feeds, String[] strings, ByteBuffer records, int count) {
        this.feeds = feeds;
        this.strings = strings;
        this.records = records;
        this.count = count;
    }

    public Map<Feed, FeedInfo> feeds() {
        return Map.copyOf(feeds);
    }

    /** What is known of {@code cve}, or empty. */
    public Optional<CveIntel> get(String cve) {
        long key = key(cve);
        if (key < 0) {
            return Optional.empty();
        }
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long k = records.getLong(mid * RECORD);
            if (k < key) {
                lo = mid + 1;
            } else if (k > key) {
                hi = mid - 1;
            } else {
                return Optional.of(record(mid));
            }
        }
        return Optional.empty();
    }

    public int size() {
        return count;
    }

    private CveIntel record(int i) {
        int at = i * RECORD;
        return new CveIntel(cve(records.getLong(at)), str(strings, records.getInt(at + 8)),
                rounded(records.getFloat(at + 28), 10), str(strings, records.getInt(at + 12)),
                str(strings, records.getInt(at + 16)), str(strings, records.getInt(at + 20)),
                str(strings, records.getInt(at + 24)), rounded(records.getFloat(at + 32), 100_000),
                rounded(records.getFloat(at + 36), 100_000));
    }

    /**
     * A CVE id as an ordered number: year, digit count and number ({@code CVE-2024-3094} →
     * 2024·10¹⁰ + 4·10⁹ + 3094), so that ids that differ only in leading zeros stay apart; -1 when
     * {@code cve} is not a CVE id.
     */
    static long key(String cve) {
        if (cve == null || !IntelFeeds.CVE.matcher(cve).matches()) {
            return -1;
        }
        String digits = cve.substring(9);
        if (digits.length() > 9) {
            return -1;
        }
        return Long.parseLong(cve.substring(4, 8)) * 10_000_000_000L + digits.length() * 1_000_000_000L
                + Long.parseLong(digits);
    }

    static String cve(long key) {
        long year = key / 10_000_000_000L;
        int digits = (int) (key / 1_000_000_000L % 10);
        long number = key % 1_000_000_000L;
        String n = Long.toString(number);
        return "CVE-" + year + "-" + "0".repeat(Math.max(0, digits - n.length())) + n;
    }

    /**
     * Imports {@code sources} (all of one feed) into the database in {@code dir}, replacing what
     * that feed held before and keeping the other feeds' data.
     */
    public static FeedInfo importFeed(Path dir, Feed feed, List<Source> sources, Instant now) {
        Map<Feed, FeedInfo> feeds = new EnumMap<>(Feed.class);
        Map<String, CveIntel> byCve = new HashMap<>();
        openIfPresent(dir).ifPresent(db -> {
            feeds.putAll(db.feeds);
            for (int i = 0; i < db.count; i++) {
                CveIntel intel = db.record(i);
                String cve = intel.cve();
                CveIntel kept = switch (feed) {
                    case NVD -> intel.withCvss(null, Double.NaN, null, null);
                    case KEV -> intel.withKev(null, null);
                    case EPSS -> intel.withEpss(Double.NaN, Double.NaN);
                };
                if (kept.hasCvss() || kept.kev() || kept.hasEpss()) {
                    byCve.put(cve, kept);
                }
            }
        });
        int[] records = new int[1];
        SkipLog skipped = new SkipLog();
        Instant taken = null;
        List<String> names = new ArrayList<>();
        for (Source s : sources) {
            IntelFeeds.Sink sink = new IntelFeeds.Sink() {
                @Override
                public void accept(String cve, Consumer<CveIntel[]> update) {
                    if (key(cve) < 0) {
                        skipped(cve, "is not a CVE id Trustplane can index (at most 9 digits)");
                        return;
                    }
                    CveIntel[] cell = {byCve.getOrDefault(cve, CveIntel.none(cve))};
                    update.accept(cell);
                    byCve.put(cve, cell[0]);
                    records[0]++;
                }

                @Override
                public void skipped(String record, String problem) {
                    skipped.accept(s.name() + ": " + record + ": " + problem);
                }
            };
            Instant own = switch (feed) {
                case NVD -> IntelFeeds.nvd(s.stream(), s.name(), sink);
                case KEV -> IntelFeeds.kev(s.stream(), s.name(), sink);
                case EPSS -> IntelFeeds.epss(s.stream(), s.name(), sink);
            };
            Instant t = s.takenAt() != null ? s.takenAt() : own != null ? own : now;
            taken = taken == null || t.isBefore(taken) ? t : taken;
            names.add(s.name());
        }
        if (records[0] == 0) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "The " + feed + " import (" + String.join(", ", names)
                    + ") holds no usable record" + (skipped.count() == 0 ? "" : " (" + skipped.count() + " skipped,"
                    + " e.g. " + skipped.examples().get(0) + ")") + "; nothing was imported and the previous database"
                    + " is unchanged");
        }
        String file = names.size() == 1 ? names.get(0) : names.size() + " files (" + names.get(0) + ", …)";
        FeedInfo info = new FeedInfo(feed, file, taken == null ? now : taken, now, records[0], skipped.count(),
                skipped.examples());
        feeds.put(feed, info);
        write(dir, feeds, byCve);
        return info;
    }

    private static void write(Path dir, Map<Feed, FeedInfo> feeds, Map<String, CveIntel> byCve) {
        Path target = dir.resolve(FILE);
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(target, stream -> {
                DataOutputStream out = new DataOutputStream(stream);
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeInt(feeds.size());
                for (FeedInfo f : feeds.values()) {
                    out.writeUTF(f.feed().name());
                    out.writeUTF(clip(f.file()));
                    out.writeLong(f.takenAt().toEpochMilli());
                    out.writeLong(f.importedAt().toEpochMilli());
                    out.writeInt(f.records());
                    out.writeInt(f.skipped());
                    out.writeInt(f.skippedExamples().size());
                    for (String x : f.skippedExamples()) {
                        out.writeUTF(clip(x));
                    }
                }
                Map<String, Integer> index = new HashMap<>();
                List<String> strings = new ArrayList<>();
                for (CveIntel i : byCve.values()) {
                    for (String s : new String[] {i.cvssVector(), i.cvssVersion(), i.cvssSource(), i.kevDateAdded(),
                            i.kevRansomware()}) {
                        if (s != null && !index.containsKey(s)) {
                            index.put(s, strings.size());
                            strings.add(s);
                        }
                    }
                }
                out.writeInt(strings.size());
                for (String s : strings) {
                    out.writeUTF(clip(s));
                }
                List<CveIntel> sorted = new ArrayList<>(byCve.values());
                sorted.sort(Comparator.comparingLong(i -> key(i.cve())));
                out.writeInt(sorted.size());
                for (CveIntel i : sorted) {
                    out.writeLong(key(i.cve()));
                    out.writeInt(ref(index, i.cvssVector()));
                    out.writeInt(ref(index, i.cvssVersion()));
                    out.writeInt(ref(index, i.cvssSource()));
                    out.writeInt(ref(index, i.kevDateAdded()));
                    out.writeInt(ref(index, i.kevRansomware()));
                    out.writeFloat((float) i.cvssScore());
                    out.writeFloat((float) i.epss());
                    out.writeFloat((float) i.epssPercentile());
                }
                out.writeInt(MAGIC);
                out.flush();
            });
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot write the CVE database " + target + ": " + e, e);
        }
    }

    private static int ref(Map<String, Integer> index, String s) {
        return s == null ? -1 : index.get(s);
    }

    private static String clip(String s) {
        return s.length() <= 8_000 ? s : s.substring(0, 8_000);
    }

    /** The database in {@code dir}, or empty when none was imported. */
    public static Optional<IntelDb> openIfPresent(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE)) ? Optional.of(open(dir)) : Optional.empty();
    }

    /** What each feed's last import brought, read from the file's header only; empty when there is no database. */
    public static Map<Feed, FeedInfo> feedsIfPresent(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 8192))) {
            return header(in, file);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "CVE database " + file + " is damaged (" + e
                    + "); import the feeds again", e);
        }
    }

    /** Magic, version and the feeds' infos. */
    private static Map<Feed, FeedInfo> header(DataInputStream in, Path file) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC || in.readInt() != VERSION) {
            throw new TrustplaneException(ErrorKind.UNSUPPORTED, "CVE database " + file + " has an unknown format;"
                    + " import the NVD, KEV and EPSS feeds again with `trustplane db import --nvd|--kev|--epss`");
        }
        Map<Feed, FeedInfo> feeds = new EnumMap<>(Feed.class);
        for (int n = in.readInt(); n > 0; n--) {
            Feed feed = Feed.valueOf(in.readUTF());
            String name = in.readUTF();
            Instant taken = Instant.ofEpochMilli(in.readLong());
            Instant imported = Instant.ofEpochMilli(in.readLong());
            int records = in.readInt();
            int skipped = in.readInt();
            List<String> examples = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                examples.add(in.readUTF());
            }
            feeds.put(feed, new FeedInfo(feed, name, taken, imported, records, skipped, examples));
        }
        return feeds;
    }

    public static IntelDb open(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            byte[] bytes = Files.readAllBytes(file);
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            Map<Feed, FeedInfo> feeds = header(in, file);
            String[] strings = new String[in.readInt()];
            for (int i = 0; i < strings.length; i++) {
                strings[i] = in.readUTF();
            }
            int count = in.readInt();
            int start = bytes.length - in.available();
            long end = start + (long) count * RECORD;
            if (count < 0 || end + 4 != bytes.length || ByteBuffer.wrap(bytes).getInt((int) end) != MAGIC) {
                throw new EOFException("the records do not end with the end marker");
            }
            ByteBuffer records = ByteBuffer.wrap(bytes, start, count * RECORD).slice().asReadOnlyBuffer();
            return new IntelDb(feeds, strings, records, count);
        } catch (NoSuchFileException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "No CVE database in " + dir
                    + "; import NVD, KEV or EPSS with `trustplane db import --nvd|--kev|--epss`", e);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "CVE database " + file + " is damaged (" + e
                    + "); import the feeds again", e);
        }
    }

    /** A float read back as the decimal it was written from (scores have 1 decimal, EPSS 5). */
    private static double rounded(float f, double scale) {
        return Float.isNaN(f) ? Double.NaN : Math.round(f * scale) / scale;
    }

    private static String str(String[] strings, int i) {
        return i < 0 ? null : strings[i];
    }
}
