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
        remediation(h);
        images(h);
        h.append("</main>\n<script type=\"application/json\" id=\"audit-data\">").append(data(r))
                .append("</script>\n<script>").append(SCRIPT).append(PAGED).append("</script>\n</body></html>\n");
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

    /**
     * The remediation order and the images as tables a page at a time: the rows travel as one
     * inline JSON document (reasons and images shared, not repeated per workload) that a few lines
     * of script sort, filter, page and open — a fleet of 10,000 workloads stays a small page that
     * is interactive at once.
     */
    private static void remediation(StringBuilder h) {
        h.append("<section id=\"remediation\"><h2>Remediation order</h2><p>Ranked by the rule in ADR 013: points per"
                + " reason, ×1.5 in production, ×1.25 in a compliance scope. Open a row for its reasons.</p>"
                + "<p class=\"pager\"><input id=\"order-filter\" placeholder=\"filter: workload, team, scope\">"
                + " <button id=\"order-prev\">previous</button> <span id=\"order-range\"></span>"
                + " <button id=\"order-next\">next</button></p>"
                + "<table class=\"paged\" id=\"order\"><thead><tr><th>#</th><th>workload</th><th>team</th>"
                + "<th>scope</th><th>environment</th><th>score</th><th>grade</th></tr></thead><tbody></tbody></table>"
                + "</section>\n");
    }

    private static void images(StringBuilder h) {
        h.append("<section id=\"images\"><h2>Images</h2><p class=\"pager\"><input id=\"images-filter\""
                + " placeholder=\"filter: image, origin, signing\"> <button id=\"images-prev\">previous</button>"
                + " <span id=\"images-range\"></span> <button id=\"images-next\">next</button></p>"
                + "<table class=\"paged\" id=\"imagetable\"><thead><tr><th>image</th><th>origin</th><th>signing</th>"
                + "<th>critical</th><th>high</th><th>age (days)</th><th>behind (days)</th><th>workloads</th></tr>"
                + "</thead><tbody></tbody></table></section>\n");
    }

    /** The rows of both tables as compact JSON: shared reason texts and images referenced by index. */
    private static String data(AuditReport r) {
        StringBuilder j = new StringBuilder(r.workloads().size() * 120 + r.images().size() * 300);
        Map<String, Integer> reasons = new LinkedHashMap<>();
        Map<String, Integer> images = new LinkedHashMap<>();
        for (int i = 0; i < r.images().size(); i++) {
            images.put(r.images().get(i).digest(), i);
        }
        StringBuilder rows = new StringBuilder();
        int rank = 1;
        for (WorkloadAudit w : r.workloads()) {
            rows.append(rows.length() == 0 ? "" : ",").append('[').append(rank++).append(',').append(str(w.label()))
                    .append(',').append(str(w.team() == null ? "" : w.team())).append(',')
                    .append(str(String.join(", ", w.compliance()))).append(',').append(str(w.environment()))
                    .append(',').append(w.score()).append(',').append(str(w.grade())).append(",[");
            boolean first = true;
            for (WorkloadAudit.Reason x : w.reasons()) {
                String text = (x.rule().endsWith("Percent") ? "" : "+" + (int) x.points() + " ") + x.text();
                Integer id = reasons.computeIfAbsent(text, t -> reasons.size());
                rows.append(first ? "" : ",").append(id);
                first = false;
            }
            rows.append("],[");
            first = true;
            for (WorkloadAudit.Container c : w.containers()) {
                Integer id = c.digest() == null ? null : images.get(c.digest());
                rows.append(first ? "" : ",").append('[').append(str(c.container())).append(',')
                        .append(id == null ? -1 : id).append(',').append(str(c.image())).append(',')
                        .append(str(c.note() == null ? "" : c.note())).append(']');
                first = false;
            }
            rows.append("],[");
            first = true;
            for (WorkloadAudit.Finding f : w.findings()) {
                rows.append(first ? "" : ",").append('[').append(str(f.kind())).append(',').append(str(f.message()))
                        .append(']');
                first = false;
            }
            rows.append("]]");
        }
        j.append("{\"reasons\":[");
        boolean first = true;
        for (String text : reasons.keySet()) {
            j.append(first ? "" : ",").append(str(text));
            first = false;
        }
        j.append("],\"images\":[");
        first = true;
        for (ImageAudit i : r.images()) {
            ImageAudit.Vulnerabilities v = i.vulnerabilities();
            j.append(first ? "" : ",").append('[').append(str(i.images().isEmpty() ? i.digest() : i.images().get(0)))
                    .append(',').append(str(i.digest())).append(',').append(str(i.origin() == null ? "" : i.origin()))
                    .append(',').append(str(i.signing().state().name().toLowerCase(Locale.ROOT))).append(',')
                    .append(str(String.join(", ", i.signing().signers()))).append(',')
                    .append(str(i.signing().detail() == null ? "" : i.signing().detail())).append(',')
                    .append(v.known() ? v.critical() : -1).append(',').append(v.known() ? v.high() : -1).append(',')
                    .append(str(String.join(", ", v.worst()))).append(',').append(i.ageDays(r.takenAt())).append(',')
                    .append(i.behindDays(r.takenAt())).append(',').append(i.workloads()).append(',')
                    .append(str(i.abandoned() == null ? "" : i.abandoned())).append(']');
            first = false;
        }
        j.append("],\"rows\":[").append(rows).append("]}");
        return j.toString();
    }

    /** A JSON string literal, safe inside a script element. */
    private static String str(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<' -> out.append("\\u003c");
                case '>' -> out.append("\\u003e");
                case '&' -> out.append("\\u0026");
                case '\u2028' -> out.append("\\u2028");
                case '\u2029' -> out.append("\\u2029");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
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
            table.paged th{cursor:pointer;user-select:none}table.paged th:after{content:" ⇅";opacity:.3}
            .pager input{width:260px}
            """;

    private static final String PAGED = """
            (function () {
              var data = JSON.parse(document.getElementById('audit-data').textContent);
              function esc(s) { return String(s).replace(/[&<>"']/g, function (c) {
                return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]; }); }
              var colours = {A: '#2e7d32', B: '#7cb342', C: '#f9a825', D: '#ef6c00', F: '#c62828'};
              function grade(g) { return '<span class="grade" style="background:' + colours[g] + '">' + g + '</span>'; }
              function drill(row) {
                var h = '<h4>Reasons</h4><ul>';
                row[7].forEach(function (i) { h += '<li>' + esc(data.reasons[i]) + '</li>'; });
                if (!row[7].length) { h += '<li>nothing to fix</li>'; }
                h += '</ul><h4>Containers</h4><ul>';
                row[8].forEach(function (c) {
                  h += '<li><b>' + esc(c[0]) + '</b> ' + esc(c[2]);
                  var i = c[1] >= 0 ? data.images[c[1]] : null;
                  if (i) {
                    h += ' — ' + esc(i[3]) + (i[4] ? ' by ' + esc(i[4]) : '') + (i[5] ? ' (' + esc(i[5]) + ')' : '')
                      + '; CVEs: ' + (i[6] < 0 ? 'unknown' : i[6] + ' critical, ' + i[7] + ' high'
                      + (i[8] ? ' (' + esc(i[8]) + ')' : ''));
                  }
                  if (c[3]) { h += ' (' + esc(c[3]) + ')'; }
                  h += '</li>';
                });
                h += '</ul>';
                if (row[9].length) {
                  h += '<h4>Drift findings</h4><ul>';
                  row[9].forEach(function (f) { h += '<li>' + esc(f[0]) + ': ' + esc(f[1]) + '</li>'; });
                  h += '</ul>';
                }
                return h;
              }
              function paged(id, rows, cells, text, withDrill) {
                var table = document.getElementById(id), body = table.tBodies[0], size = 100;
                var state = {page: 0, col: -1, asc: true, filter: '', view: rows.slice()};
                var prefix = id === 'order' ? 'order' : 'images';
                function render() {
                  var start = state.page * size, end = Math.min(state.view.length, start + size), h = '';
                  for (var k = start; k < end; k++) { h += cells(state.view[k], k); }
                  body.innerHTML = h;
                  document.getElementById(prefix + '-range').textContent = state.view.length
                    ? (start + 1) + '–' + end + ' of ' + state.view.length : 'none';
                  if (withDrill) {
                    body.querySelectorAll('summary').forEach(function (s) {
                      s.addEventListener('click', function () {
                        var d = s.nextElementSibling;
                        if (!d.innerHTML) { d.innerHTML = drill(state.view[+s.getAttribute('data-i')]); }
                      });
                    });
                  }
                }
                table.querySelectorAll('thead th').forEach(function (th, col) {
                  th.addEventListener('click', function () {
                    state.asc = state.col === col ? !state.asc : true;
                    state.col = col;
                    table.querySelectorAll('thead th').forEach(function (o) { o.removeAttribute('data-sort'); });
                    th.setAttribute('data-sort', state.asc ? 'asc' : 'desc');
                    state.view.sort(function (a, b) {
                      var x = a[col], y = b[col];
                      var c = typeof x === 'number' && typeof y === 'number' ? x - y
                        : String(x).localeCompare(String(y));
                      return state.asc ? c : -c;
                    });
                    state.page = 0;
                    render();
                  });
                });
                document.getElementById(prefix + '-filter').addEventListener('input', function (e) {
                  var f = e.target.value.toLowerCase();
                  state.view = rows.filter(function (row) { return text(row).toLowerCase().indexOf(f) >= 0; });
                  state.page = 0;
                  render();
                });
                document.getElementById(prefix + '-prev').addEventListener('click', function () {
                  if (state.page > 0) { state.page--; render(); }
                });
                document.getElementById(prefix + '-next').addEventListener('click', function () {
                  if ((state.page + 1) * size < state.view.length) { state.page++; render(); }
                });
                render();
              }
              paged('order', data.rows, function (r, k) {
                return '<tr><td>' + r[0] + '</td><td><details><summary data-i="' + k + '">' + esc(r[1])
                  + '</summary><div class="drill"></div></details></td><td>' + esc(r[2]) + '</td><td>' + esc(r[3])
                  + '</td><td>' + esc(r[4]) + '</td><td>' + r[5] + '</td><td>' + grade(r[6]) + '</td></tr>';
              }, function (r) { return r[1] + ' ' + r[2] + ' ' + r[3]; }, true);
              paged('imagetable', data.images.map(function (i) {
                return [i[0], i[2], i[3], i[6] < 0 ? '?' : i[6], i[7] < 0 ? '?' : i[7], i[9], i[10], i[11], i[12], i[1]];
              }), function (i, k) {
                return '<tr><td title="' + esc(i[9]) + '">' + esc(i[0]) + (i[8] ? ' <span class="tag">abandoned</span>'
                  : '') + '</td><td>' + esc(i[1]) + '</td><td>' + esc(i[2]) + '</td><td>' + i[3] + '</td><td>' + i[4]
                  + '</td><td>' + i[5] + '</td><td>' + i[6] + '</td><td>' + i[7] + '</td></tr>';
              }, function (i) { return i[0] + ' ' + i[1] + ' ' + i[2]; }, false);
            })();
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
