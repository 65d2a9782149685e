package dev.trustplane.server;

import dev.trustplane.policy.Decision;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The webhook's Prometheus metrics in the text exposition format (0.0.4): requests by phase and
 * result, decisions by policy, rule, verdict and mode, a latency histogram per phase, and gauges
 * read at scrape time (cache hits, misses and coalesced waits; ledger written, dropped, queued).
 */
final class Metrics {
    private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> decisions = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> counters = new TreeMap<>();
    private final Map<String, LongSupplier> gauges = new TreeMap<>();
    private final Map<String, String> help = new TreeMap<>();
    private final Map<String, Labelled> labelled = new TreeMap<>();

    /** A gauge family with one label: label value → value. */
    private record Labelled(String label, Supplier<Map<String, Long>> values) {
    }

    private static final class Histogram {
        final LongAdder[] buckets = new LongAdder[BUCKETS.length];
        final LongAdder count = new LongAdder();
        final AtomicLong sumNanos = new AtomicLong();

        Histogram() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void observe(long nanos) {
            double seconds = nanos / 1e9;
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    buckets[i].increment();
                }
            }
            count.increment();
            sumNanos.addAndGet(nanos);
        }
    }

    void counter(String name, String description, LongSupplier value) {
        counters.put(name, value);
        help.put(name, description);
    }

    void gauge(String name, String description, LongSupplier value) {
        gauges.put(name, value);
        help.put(name, description);
    }

    /** A gauge with one series per value of {@code label}. */
    void gauge(String name, String description, String label, Supplier<Map<String, Long>> values) {
        labelled.put(name, new Labelled(label, values));
        help.put(name, description);
    }

    void request(String phase, String result, long nanos) {
        requests.computeIfAbsent(label("phase", phase) + "," + label("result", result), k -> new LongAdder()).increment();
        latency.computeIfAbsent(phase, k -> new Histogram()).observe(nanos);
    }

    /** Forgets requests, decisions and latencies counted so far (the warm-up's own requests). */
    void clearRequests() {
        requests.clear();
        decisions.clear();
        latency.clear();
    }

    void decision(Decision d) {
        String key = label("policy", d.policy()) + "," + label("rule", d.rule()) + "," + label("verdict", d.verdict().name())
                + "," + label("mode", d.action().label());
        decisions.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    String render() {
        StringBuilder sb = new StringBuilder();
        family(sb, "trustplane_admission_requests_total", "counter", "AdmissionReviews answered, by webhook phase and result");
        new TreeMap<>(requests).forEach((k, v) -> sb.append("trustplane_admission_requests_total{").append(k).append("} ")
                .append(v.sum()).append('\n'));
        family(sb, "trustplane_admission_decisions_total", "counter", "Rule decisions, by policy, rule, verdict and mode");
        new TreeMap<>(decisions).forEach((k, v) -> sb.append("trustplane_admission_decisions_total{").append(k).append("} ")
                .append(v.sum()).append('\n'));
        family(sb, "trustplane_admission_duration_seconds", "histogram", "Time to answer an AdmissionReview");
        new TreeMap<>(latency).forEach((phase, h) -> {
            String p = label("phase", phase);
            for (int i = 0; i < BUCKETS.length; i++) {
                sb.append("trustplane_admission_duration_seconds_bucket{").append(p).append(",le=\"").append(BUCKETS[i])
                        .append("\"} ").append(h.buckets[i].sum()).append('\n');
            }
            sb.append("trustplane_admission_duration_seconds_bucket{").append(p).append(",le=\"+Inf\"} ")
                    .append(h.count.sum()).append('\n');
            sb.append("trustplane_admission_duration_seconds_sum{").append(p).append("} ")
                    .append(h.sumNanos.get() / 1e9).append('\n');
            sb.append("trustplane_admission_duration_seconds_count{").append(p).append("} ").append(h.count.sum())
                    .append('\n');
        });
        counters.forEach((name, v) -> {
            family(sb, name, "counter", help.get(name));
            sb.append(name).append(' ').append(v.getAsLong()).append('\n');
        });
        gauges.forEach((name, v) -> {
            family(sb, name, "gauge", help.get(name));
            sb.append(name).append(' ').append(v.getAsLong()).append('\n');
        });
        labelled.forEach((name, l) -> {
            family(sb, name, "gauge", help.get(name));
            new TreeMap<>(l.values().get()).forEach((value, n) -> sb.append(name).append('{')
                    .append(label(l.label(), value)).append("} ").append(n).append('\n'));
        });
        return sb.toString();
    }

    private static void family(StringBuilder sb, String name, String type, String description) {
        sb.append("# HELP ").append(name).append(' ').append(description).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String label(String name, String value) {
        String v = value == null ? "" : value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        return name + "=\"" + v + "\"";
    }
}
