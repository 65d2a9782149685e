package dev.trustplane.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One audit: every running digest ({@link ImageAudit}) and every workload ({@link WorkloadAudit},
 * in remediation order), with the sections computed from them and the trend against the
 * previous stored audit (null for the first one).
 */
public record AuditReport(Instant takenAt, String source, List<ImageAudit> images, List<WorkloadAudit> workloads,
        Map<String, Integer> weights, Trend trend) {

    public AuditReport {
        images = List.copyOf(images);
        workloads = List.copyOf(workloads);
        weights = Map.copyOf(weights);
    }

    /** What changed since the previous audit. */
    public record Trend(Instant previous, int better, int worse, int same, int added, int gone,
            Map<String, Integer> previousGrades, List<Change> changes) {
        public Trend {
            previousGrades = Map.copyOf(previousGrades);
            changes = List.copyOf(changes);
        }
    }

    /** A workload whose grade moved, or that appeared or disappeared. */
    public record Change(String workload, String from, String to) {
    }

    public static final List<String> GRADES = List.of("A", "B", "C", "D", "F");

    /** Workloads per grade, A to F. */
    public Map<String, Integer> grades() {
        Map<String, Integer> out = new LinkedHashMap<>();
        GRADES.forEach(g -> out.put(g, 0));
        workloads.forEach(w -> out.merge(w.grade(), 1, Integer::sum));
        return out;
    }

    /** Digests per signing state. */
    public Map<String, Integer> signingStates() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (ImageAudit.SigningState s : ImageAudit.SigningState.values()) {
            out.put(s.name(), 0);
        }
        images.forEach(i -> out.merge(i.signing().state().name(), 1, Integer::sum));
        return out;
    }

    /** Origin (or "unknown") × signing state: digest counts. */
    public Map<String, Map<String, Integer>> originBySigning() {
        Map<String, Map<String, Integer>> out = new TreeMap<>();
        for (ImageAudit i : images) {
            Map<String, Integer> row = out.computeIfAbsent(i.origin() == null ? "(no origin)" : i.origin(), o -> {
                Map<String, Integer> r = new LinkedHashMap<>();
                for (ImageAudit.SigningState s : ImageAudit.SigningState.values()) {
                    r.put(s.name(), 0);
                }
                return r;
            });
            row.merge(i.signing().state().name(), 1, Integer::sum);
        }
        return out;
    }

    /** Per signing state: digests, CVEs (critical+high+medium+low) mean, max and total, over digests whose CVEs are known. */
    public record Accumulation(String state, int digests, int scanned, double mean, int max, int total,
            int critical) {
    }

    public List<Accumulation> cveBySigning() {
        List<Accumulation> out = new ArrayList<>();
        for (ImageAudit.SigningState s : ImageAudit.SigningState.values()) {
            int digests = 0;
            int scanned = 0;
            int max = 0;
            int total = 0;
            int critical = 0;
            for (ImageAudit i : images) {
                if (i.signing().state() != s) {
                    continue;
                }
                digests++;
                if (i.vulnerabilities().known()) {
                    scanned++;
                    int n = i.vulnerabilities().total();
                    max = Math.max(max, n);
                    total += n;
                    critical += i.vulnerabilities().critical();
                }
            }
            out.add(new Accumulation(s.name(), digests, scanned, scanned == 0 ? 0 : (double) total / scanned, max,
                    total, critical));
        }
        return out;
    }

    /** A group of workloads (a compliance scope, a team): size, mean score, failing grades, critical CVEs, unverified. */
    public record Group(String name, int workloads, double meanScore, int failing, int critical, int unverified) {
    }

    /** Per compliance scope ("(none)" for workloads without one). */
    public List<Group> scopes() {
        Map<String, List<WorkloadAudit>> by = new TreeMap<>();
        for (WorkloadAudit w : workloads) {
            if (w.compliance().isEmpty()) {
                by.computeIfAbsent("(none)", k -> new ArrayList<>()).add(w);
            }
            w.compliance().forEach(c -> by.computeIfAbsent(c, k -> new ArrayList<>()).add(w));
        }
        return groups(by);
    }

    /** Per team ("(no team)" for workloads without the label). */
    public List<Group> teams() {
        Map<String, List<WorkloadAudit>> by = new TreeMap<>();
        workloads.forEach(w -> by.computeIfAbsent(w.team() == null ? "(no team)" : w.team(),
                k -> new ArrayList<>()).add(w));
        return groups(by);
    }

    private List<Group> groups(Map<String, List<WorkloadAudit>> by) {
        Map<String, ImageAudit> byDigest = new LinkedHashMap<>();
        images.forEach(i -> byDigest.put(i.digest(), i));
        List<Group> out = new ArrayList<>();
        by.forEach((name, list) -> {
            int critical = 0;
            int unverified = 0;
            for (WorkloadAudit w : list) {
                boolean bad = false;
                for (WorkloadAudit.Container c : w.containers()) {
                    ImageAudit i = c.digest() == null ? null : byDigest.get(c.digest());
                    if (i == null || i.signing().state() != ImageAudit.SigningState.VERIFIED) {
                        bad = true;
                    }
                    if (i != null) {
                        critical += i.vulnerabilities().critical();
                    }
                }
                unverified += bad ? 1 : 0;
            }
            out.add(new Group(name, list.size(), list.stream().mapToInt(WorkloadAudit::score).average().orElse(0),
                    (int) list.stream().filter(w -> w.grade().equals("D") || w.grade().equals("F")).count(), critical,
                    unverified));
        });
        return out;
    }

    public static final List<String> AGE_BUCKETS = List.of("0-7 days", "8-30 days", "31-90 days", "91-180 days",
            "over 180 days", "unknown");

    /** Digests by how far behind a newer build they are (up to date counts as 0 days), "unknown" without a build time. */
    public Map<String, Integer> patchAge() {
        Map<String, Integer> out = new LinkedHashMap<>();
        AGE_BUCKETS.forEach(b -> out.put(b, 0));
        for (ImageAudit i : images) {
            long days = i.newerSince() != null ? i.behindDays(takenAt) : i.created() != null ? 0 : -1;
            String bucket = days < 0 ? "unknown" : days <= 7 ? "0-7 days" : days <= 30 ? "8-30 days"
                    : days <= 90 ? "31-90 days" : days <= 180 ? "91-180 days" : "over 180 days";
            out.merge(bucket, 1, Integer::sum);
        }
        return out;
    }
}
