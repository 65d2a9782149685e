package dev.trustplane.audit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The audit as one self-contained HTML page: no network (styles, SVG charts and the few lines of
 * script for sorting inline), every section of the report, sortable tables and a drill-down from
 * each workload to its reasons, containers, signers, CVEs and findings.
 */
public final class AuditHtml {
    private static final Map<String, String> GRADE_COLOURS = Map.of("A", "#2e7d32", "B", "#7cb342", "C", "#f9a825",
            "D", "#ef6c00", "F", "#c62828");

    private AuditHtml() {
    }

    public static byte[] render(AuditReport r) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline';"
                + " script-src 'unsafe-inline'; img-src data:\">"
                + "<title>Trustplane fleet audit ").append(e(r.takenAt().toString())).append("</title><style>")
                .append(CSS).append("</style></head><body>\n");
        h.append("<header><h1>Fleet audit</h1><p>").append(e(r.source())).append(" · taken ")
                .append(e(r.takenAt().toString())).append(" · ").append(r.workloads().size()).append(" workloads, ")
                .append(r.images().size()).append(" images</p></header>\n<main>\n");
        summary(h, r);
        trend(h, r);
        originBySigning(h, r);
        cveBySigning(h, r);
        groups(h, "scopes", "Compliance-scope risk concentration", "scope", r.scopes());
        groups(h, "teams", "Per-team profile", "team", r.teams());
        patchAge(h, r);
        remediation(h, r);
        images(h, r);
        h.append("</main>\n<script>").append(SCRIPT).append("</script>\n</body></html>\n");
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void summary(StringBuilder h, AuditReport r) {
        h.append("<section id=\"summary\"><h2>Fleet summary</h2><div class=\"cards\">");
        r.grades().forEach((g, n) -> h.append("<div class=\"card\" style=\"border-color:").append(GRADE_COLOURS.get(g))
                .append("\"><span class=\"big\">").append(n).append("</span>grade ").append(g).append("</div>"));
        r.signingStates().forEach((s, n) -> h.append("<div class=\"card\"><span class=\"big\">").append(n)
                .append("</span>").append(e(s.toLowerCase(Locale.ROOT))).append(" images</div>"));
        h.append("</div></section>\n");
    }

    private static void trend(StringBuilder h, AuditReport r) {
        h.append("<section id=\"trend\"><h2>Since the previous audit</h2>");
        AuditReport.Trend t = r.trend();
        if (t == null) {
            h.append("<p>This is the first stored audit: the next one shows what got better and what got worse.</p>");
        } else {
            h.append("<p>Compared with ").append(e(t.previous().toString())).append(": <b>").append(t.better())
                    .append("</b> better, <b>").append(t.worse()).append("</b> worse, ").append(t.same())
                    .append(" unchanged, ").append(t.added()).append(" new, ").append(t.gone()).append(" gone.</p>");
            Map<String, int[]> series = new LinkedHashMap<>();
            for (String g : AuditReport.GRADES) {
                series.put(g, new int[] {t.previousGrades().getOrDefault(g, 0), r.grades().get(g)});
            }
            h.append(lines(series, List.of("previous", "now")));
            if (!t.changes().isEmpty()) {
                h.append("<table class=\"sortable\"><thead><tr><th>workload</th><th>before</th><th>now</th></tr>"
                        + "</thead><tbody>");
                for (AuditReport.Change c : t.changes()) {
                    h.append("<tr><td>").append(e(c.workload())).append("</td><td>").append(c.from() == null ? "new"
                            : grade(c.from())).append("</td><td>").append(c.to() == null ? "gone" : grade(c.to()))
                            .append("</td></tr>");
                }
                h.append("</tbody></table>");
            }
        }
        h.append("</section>\n");
    }

    private static void originBySigning(StringBuilder h, AuditReport r) {
        h.append("<section id=\"origins\"><h2>Origin × signing state</h2><table class=\"heat\"><thead><tr>"
                + "<th>origin</th>");
        for (ImageAudit.SigningState s : ImageAudit.SigningState.values()) {
            h.append("<th>").append(s.name().toLowerCase(Locale.ROOT)).append("</th>");
        }
        h.append("</tr></thead><tbody>");
        int max = 1;
        for (Map<String, Integer> row : r.originBySigning().values()) {
            for (int n : row.values()) {
                max = Math.max(max, n);
            }
        }
        for (Map.Entry<String, Map<String, Integer>> row : r.originBySigning().entrySet()) {
            h.append("<tr><th>").append(e(row.getKey())).append("</th>");
            for (Map.Entry<String, Integer> cell : row.getValue().entrySet()) {
                boolean good = cell.getKey().equals("VERIFIED");
                double a = cell.getValue() == 0 ? 0 : 0.15 + 0.85 * cell.getValue() / max;
                h.append("<td style=\"background:rgba(").append(good ? "46,125,50," : "198,40,40,")
                        .append(String.format(Locale.ROOT, "%.2f", a)).append(")\">").append(cell.getValue())
                        .append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void cveBySigning(StringBuilder h, AuditReport r) {
        h.append("<section id=\"cves\"><h2>CVEs by signing state</h2>");
        Map<String, Double> bars = new LinkedHashMap<>();
        for (AuditReport.Accumulation a : r.cveBySigning()) {
            bars.put(a.state().toLowerCase(Locale.ROOT) + " (mean of " + a.scanned() + ")", a.mean());
        }
        h.append(bars(bars, "%.1f"));
        h.append("<table class=\"sortable\"><thead><tr><th>state</th><th>images</th><th>scanned</th><th>mean</th>"
                + "<th>max</th><th>total</th><th>critical</th></tr></thead><tbody>");
        for (AuditReport.Accumulation a : r.cveBySigning()) {
            h.append("<tr><td>").append(a.state().toLowerCase(Locale.ROOT)).append("</td><td>").append(a.digests())
                    .append("</td><td>").append(a.scanned()).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f", a.mean())).append("</td><td>").append(a.max())
                    .append("</td><td>").append(a.total()).append("</td><td>").append(a.critical()).append("</td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void groups(StringBuilder h, String id, String title, String what, List<AuditReport.Group> groups) {
        h.append("<section id=\"").append(id).append("\"><h2>").append(title).append("</h2>"
                + "<table class=\"sortable\"><thead><tr><th>").append(what).append("</th><th>workloads</th>"
                + "<th>mean score</th><th>grade D or F</th><th>critical CVEs</th><th>not verified</th></tr></thead>"
                + "<tbody>");
        for (AuditReport.Group g : groups) {
            h.append("<tr><td>").append(e(g.name())).append("</td><td>").append(g.workloads()).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f", g.meanScore())).append("</td><td>").append(g.failing())
                    .append("</td><td>").append(g.critical()).append("</td><td>").append(g.unverified())
                    .append("</td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void patchAge(StringBuilder h, AuditReport r) {
        h.append("<section id=\"age\"><h2>Patch age</h2><p>Images by how long a newer build of their tag or catalog"
                + " entry has existed (0 when they are the newest).</p>");
        Map<String, Double> bars = new LinkedHashMap<>();
        r.patchAge().forEach((k, v) -> bars.put(k, (double) v));
        h.append(bars(bars, "%.0f")).append("</section>\n");
    }

    private static void remediation(StringBuilder h, AuditReport r) {
        Map<String, ImageAudit> byDigest = new LinkedHashMap<>();
        r.images().forEach(i -> byDigest.put(i.digest(), i));
        h.append("<section id=\"remediation\"><h2>Remediation order</h2><p>Ranked by the rule in ADR 013: points per"
                + " reason, ×1.5 in production, ×1.25 in a compliance scope. Open a row for its reasons.</p>"
                + "<table class=\"sortable\" id=\"order\"><thead><tr><th>#</th><th>workload</th><th>team</th>"
                + "<th>scope</th><th>environment</th><th>score</th><th>grade</th></tr></thead><tbody>");
        int rank = 1;
        for (WorkloadAudit w : r.workloads()) {
            h.append("<tr><td>").append(rank++).append("</td><td><details><summary>").append(e(w.label()))
                    .append("</summary><div class=\"drill\"><h4>Reasons</h4><ul>");
            for (WorkloadAudit.Reason x : w.reasons()) {
                h.append("<li>").append(x.rule().endsWith("Percent") ? "" : "+" + (int) x.points() + " ")
                        .append(e(x.text())).append("</li>");
            }
            if (w.reasons().isEmpty()) {
                h.append("<li>nothing to fix</li>");
            }
            h.append("</ul><h4>Containers</h4><ul>");
            for (WorkloadAudit.Container c : w.containers()) {
                ImageAudit i = c.digest() == null ? null : byDigest.get(c.digest());
                h.append("<li><b>").append(e(c.container())).append("</b> ").append(e(c.image()));
                if (i != null) {
                    h.append(" — ").append(e(i.signing().state().name().toLowerCase(Locale.ROOT)));
                    if (!i.signing().signers().isEmpty()) {
                        h.append(" by ").append(e(String.join(", ", i.signing().signers())));
                    }
                    if (i.signing().detail() != null) {
                        h.append(" (").append(e(i.signing().detail())).append(")");
                    }
                    h.append("; CVEs: ").append(i.vulnerabilities().known() ? i.vulnerabilities().critical()
                            + " critical, " + i.vulnerabilities().high() + " high" + (i.vulnerabilities().worst()
                            .isEmpty() ? "" : " (" + e(String.join(", ", i.vulnerabilities().worst())) + ")")
                            : "unknown");
                }
                if (c.note() != null) {
                    h.append(" (").append(e(c.note())).append(")");
                }
                h.append("</li>");
            }
            h.append("</ul>");
            if (!w.findings().isEmpty()) {
                h.append("<h4>Drift findings</h4><ul>");
                w.findings().forEach(f -> h.append("<li>").append(e(f.kind())).append(": ").append(e(f.message()))
                        .append("</li>"));
                h.append("</ul>");
            }
            h.append("</div></details></td><td>").append(e(w.team() == null ? "" : w.team())).append("</td><td>")
                    .append(e(String.join(", ", w.compliance()))).append("</td><td>").append(e(w.environment()))
                    .append("</td><td>").append(w.score()).append("</td><td>").append(grade(w.grade()))
                    .append("</td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void images(StringBuilder h, AuditReport r) {
        h.append("<section id=\"images\"><h2>Images</h2><table class=\"sortable\"><thead><tr><th>image</th>"
                + "<th>origin</th><th>signing</th><th>critical</th><th>high</th><th>age (days)</th>"
                + "<th>behind (days)</th><th>workloads</th></tr></thead><tbody>");
        for (ImageAudit i : r.images()) {
            h.append("<tr><td title=\"").append(e(i.digest())).append("\">")
                    .append(e(i.images().isEmpty() ? i.digest() : i.images().get(0)))
                    .append(i.abandoned() != null ? " <span class=\"tag\">abandoned</span>" : "").append("</td><td>")
                    .append(e(i.origin() == null ? "" : i.origin())).append("</td><td>")
                    .append(e(i.signing().state().name().toLowerCase(Locale.ROOT))).append("</td><td>")
                    .append(i.vulnerabilities().known() ? String.valueOf(i.vulnerabilities().critical()) : "?")
                    .append("</td><td>")
                    .append(i.vulnerabilities().known() ? String.valueOf(i.vulnerabilities().high()) : "?")
                    .append("</td><td>").append(i.ageDays(r.takenAt())).append("</td><td>")
                    .append(i.behindDays(r.takenAt())).append("</td><td>").append(i.workloads()).append("</td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private static String grade(String g) {
        return "<span class=\"grade\" style=\"background:" + GRADE_COLOURS.getOrDefault(g, "#777") + "\">" + g
                + "</span>";
    }

    /** Horizontal bars, one per entry, as inline SVG. */
    static String bars(Map<String, Double> values, String format) {
        double max = values.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        int row = 24;
        StringBuilder s = new StringBuilder("<svg class=\"chart\" role=\"img\" width=\"640\" height=\""
                + (values.size() * row + 8) + "\" viewBox=\"0 0 640 " + (values.size() * row + 8) + "\">");
        int y = 4;
        for (Map.Entry<String, Double> v : values.entrySet()) {
            double w = max <= 0 ? 0 : 380 * v.getValue() / max;
            s.append("<text x=\"0\" y=\"").append(y + 16).append("\">").append(e(v.getKey())).append("</text>")
                    .append("<rect x=\"200\" y=\"").append(y + 3).append("\" height=\"16\" width=\"")
                    .append(String.format(Locale.ROOT, "%.1f", w)).append("\"></rect><text x=\"")
                    .append(String.format(Locale.ROOT, "%.1f", 206 + w)).append("\" y=\"").append(y + 16).append("\">")
                    .append(String.format(Locale.ROOT, format, v.getValue())).append("</text>");
            y += row;
        }
        return s.append("</svg>").toString();
    }

    /** One line per series over the points named in {@code labels}, as inline SVG. */
    static String lines(Map<String, int[]> series, List<String> labels) {
        int max = 1;
        for (int[] v : series.values()) {
            for (int n : v) {
                max = Math.max(max, n);
            }
        }
        StringBuilder s = new StringBuilder("<svg class=\"chart lines\" role=\"img\" width=\"640\" height=\"180\""
                + " viewBox=\"0 0 640 180\">");
        int n = labels.size();
        for (int i = 0; i < n; i++) {
            s.append("<text x=\"").append(80 + i * 400 / Math.max(1, n - 1)).append("\" y=\"175\">")
                    .append(e(labels.get(i))).append("</text>");
        }
        List<String> legend = new ArrayList<>();
        for (Map.Entry<String, int[]> e : series.entrySet()) {
            StringBuilder points = new StringBuilder();
            int[] v = e.getValue();
            for (int i = 0; i < v.length; i++) {
                points.append(90 + i * 400 / Math.max(1, v.length - 1)).append(',').append(150 - 130 * v[i] / max)
                        .append(' ');
            }
            String colour = GRADE_COLOURS.getOrDefault(e.getKey(), "#555");
            s.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"")
                    .append(points.toString().strip()).append("\"></polyline>");
            legend.add("<text x=\"540\" y=\"" + (20 + legend.size() * 18) + "\" fill=\"" + colour + "\">" + e(e.getKey())
                    + ": " + v[v.length - 1] + "</text>");
        }
        legend.forEach(s::append);
        return s.append("</svg>").toString();
    }

    static String e(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static final String CSS = """
            body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
            header{background:#263238;color:#fff;padding:12px 24px}header h1{margin:0;font-size:22px}
            header p{margin:4px 0 0;opacity:.8}main{padding:8px 24px 40px;max-width:1200px}
            section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 16px 16px;margin:16px 0}
            h2{font-size:17px;margin:8px 0 12px}.cards{display:flex;flex-wrap:wrap;gap:8px}
            .card{border:2px solid #90a4ae;border-radius:6px;padding:6px 12px;min-width:90px}
            .big{display:block;font-size:22px;font-weight:600}table{border-collapse:collapse;width:100%;margin-top:8px}
            th,td{border-bottom:1px solid #eee;padding:4px 8px;text-align:left;vertical-align:top}
            table.sortable th{cursor:pointer;user-select:none}table.sortable th:after{content:" ⇅";opacity:.3}
            .heat td{text-align:center;font-weight:600}.grade{color:#fff;border-radius:3px;padding:0 6px;font-weight:700}
            .chart text{font-size:12px}.chart rect{fill:#546e7a}.tag{background:#c62828;color:#fff;border-radius:3px;
            padding:0 4px;font-size:11px}details summary{cursor:pointer}.drill{background:#f5f5f5;padding:4px 12px;
            margin:4px 0}.drill h4{margin:6px 0 2px}
            """;

    private static final String SCRIPT = """
            document.querySelectorAll('table.sortable').forEach(function (table) {
              table.querySelectorAll('thead th').forEach(function (th, col) {
                th.addEventListener('click', function () {
                  var body = table.tBodies[0];
                  var rows = Array.prototype.slice.call(body.rows);
                  var asc = th.getAttribute('data-sort') !== 'asc';
                  table.querySelectorAll('thead th').forEach(function (o) { o.removeAttribute('data-sort'); });
                  th.setAttribute('data-sort', asc ? 'asc' : 'desc');
                  function key(row) {
                    var cell = row.cells[col];
                    var summary = cell.querySelector('summary');
                    var text = (summary ? summary.textContent : cell.textContent).trim();
                    var n = parseFloat(text);
                    return isNaN(n) || String(n) !== text.split(' ')[0] ? text.toLowerCase() : n;
                  }
                  rows.sort(function (a, b) {
                    var x = key(a), y = key(b);
                    var c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
                    return asc ? c : -c;
                  });
                  rows.forEach(function (r) { body.appendChild(r); });
                });
              });
            });
            """;
}
