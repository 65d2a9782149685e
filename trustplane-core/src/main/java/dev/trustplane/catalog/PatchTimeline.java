package dev.trustplane.catalog;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.vuln.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For every (image, CVE) a rebuild fixed: when the fixed package appeared in the archive (the
 * watcher's first sighting), when the rebuilt image was published, and the difference — image
 * level time-to-patch — with an SLA per severity (default critical ≤ 24 h, high ≤ 7 days).
 */
public record PatchTimeline(List<Row> rows, Map<Severity, Duration> sla) {
    public static final Map<Severity, Duration> DEFAULT_SLA = Map.of(Severity.CRITICAL, Duration.ofHours(24),
            Severity.HIGH, Duration.ofDays(7));
    private static final Pattern DURATION = Pattern.compile("(\\d+)([mhd])");

    public PatchTimeline {
        rows = List.copyOf(rows);
        sla = Map.copyOf(sla);
    }

    /**
     * One fix. {@code timeToPatch} is null when the watcher never saw the fixed version appear;
     * {@code baseline} when it was already in the archive at the first poll (the true time is longer).
     */
    public record Row(String image, String variant, String digest, String cve, Severity severity, String source,
            String fixedVersion, Instant appearedAt, boolean baseline, Instant publishedAt, Duration timeToPatch,
            Duration sla) {
        /** Null when there is no SLA for the severity or no time to measure. */
        public Boolean withinSla() {
            return sla == null || timeToPatch == null ? null : timeToPatch.compareTo(sla) <= 0;
        }
    }

    /** Per severity: how many fixes, the median and worst time-to-patch, and how many missed the SLA. */
    public record Summary(Severity severity, int fixes, int measured, Duration median, Duration worst, Duration sla,
            int misses) {
    }

    public static PatchTimeline of(List<CatalogStore.Fix> fixes, Map<Severity, Duration> sla) {
        List<Row> rows = new ArrayList<>();
        for (CatalogStore.Fix f : fixes) {
            Severity s = Severity.valueOf(f.severity());
            Duration ttp = f.appearedAt() == null ? null : Duration.between(f.appearedAt(), f.publishedAt());
            rows.add(new Row(f.image(), f.variant(), f.digest(), f.cve(), s, f.source(), f.fixedVersion(),
                    f.appearedAt(), f.appearedBaseline(), f.publishedAt(), ttp, sla.get(s)));
        }
        return new PatchTimeline(rows, sla);
    }

    public List<Row> misses() {
        return rows.stream().filter(r -> Boolean.FALSE.equals(r.withinSla())).toList();
    }

    public List<Summary> summary() {
        Map<Severity, List<Row>> by = new EnumMap<>(Severity.class);
        rows.forEach(r -> by.computeIfAbsent(r.severity(), s -> new ArrayList<>()).add(r));
        List<Summary> out = new ArrayList<>();
        for (Severity s : Severity.values()) {
            List<Row> list = by.get(s);
            if (list == null) {
                continue;
            }
            List<Duration> times = list.stream().map(Row::timeToPatch).filter(d -> d != null).sorted().toList();
            out.add(0, new Summary(s, list.size(), times.size(), times.isEmpty() ? null : times.get(times.size() / 2),
                    times.isEmpty() ? null : times.get(times.size() - 1), sla.get(s),
                    (int) list.stream().filter(r -> Boolean.FALSE.equals(r.withinSla())).count()));
        }
        return out;
    }

    /** Parses {@code critical=24h,high=7d} (units m, h, d) over the defaults. */
    public static Map<Severity, Duration> parseSla(String text) {
        Map<Severity, Duration> sla = new EnumMap<>(DEFAULT_SLA);
        if (text == null || text.isBlank()) {
            return sla;
        }
        for (String part : text.split(",")) {
            String[] kv = part.strip().split("=", 2);
            Matcher m = kv.length == 2 ? DURATION.matcher(kv[1].strip()) : null;
            if (m == null || !m.matches()) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "SLA '" + part.strip() + "' is not SEVERITY="
                        + "DURATION; write e.g. --sla critical=24h,high=7d (units m, h, d)");
            }
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            sla.put(Severity.parse(kv[0]), d);
        }
        return sla;
    }

    /** {@code 3h 12m}, {@code 2d 4h}, {@code 45s}. */
    public static String human(Duration d) {
        if (d == null) {
            return "-";
        }
        long s = d.toSeconds();
        if (s < 120) {
            return s + "s";
        }
        if (s < 7200) {
            return (s / 60) + "m";
        }
        if (s < 172_800) {
            return (s / 3600) + "h " + (s % 3600 / 60) + "m";
        }
        return (s / 86_400) + "d " + (s % 86_400 / 3600) + "h";
    }

    static String lower(Severity s) {
        return s.name().toLowerCase(Locale.ROOT);
    }
}
