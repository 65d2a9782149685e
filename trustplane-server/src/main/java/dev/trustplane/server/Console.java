package dev.trustplane.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.admission.AdmissionLedger;
import dev.trustplane.audit.AuditHtml;
import dev.trustplane.audit.AuditJson;
import dev.trustplane.audit.AuditReport;
import dev.trustplane.catalog.CatalogJson;
import dev.trustplane.catalog.CatalogStore;
import dev.trustplane.catalog.PatchTimeline;
import dev.trustplane.fleet.Finding;
import dev.trustplane.fleet.FindingStore;
import dev.trustplane.fleet.FindingsJson;
import dev.trustplane.io.Json;
import dev.trustplane.store.Store;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The read-only console: pages under {@code /ui/} (fleet audit, drift findings, admission ledger
 * with filters, catalog and its patch timeline) and the JSON API under {@code /api/v1/} that the
 * findings, ledger and catalog pages read. Served by the webhook's server, behind its TLS. No
 * JavaScript build: each page is one HTML document with a few lines of inline script.
 */
final class Console {
    private static final ObjectMapper JSON = Json.pretty();
    private static final String SECURITY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline';"
            + " connect-src 'self'; img-src data:";
    private final Store store;
    private final Supplier<AuditReport> audit;

    /** {@code audit} gives the current fleet audit, or null when the server watches no cluster. */
    Console(Store store, Supplier<AuditReport> audit) {
        this.store = store;
        this.audit = audit;
    }

    void routes(HttpRules r) {
        r.get("/ui", (req, res) -> redirect(res))
                .get("/ui/", (req, res) -> page(res, INDEX))
                .get("/ui/fleet", (req, res) -> fleet(res))
                .get("/ui/findings", (req, res) -> page(res, FINDINGS))
                .get("/ui/ledger", (req, res) -> page(res, LEDGER))
                .get("/ui/catalog", (req, res) -> page(res, CATALOG))
                .get("/api/v1/findings", this::findings)
                .get("/api/v1/ledger", this::ledger)
                .get("/api/v1/catalog", this::catalog)
                .get("/api/v1/audit", this::auditJson);
    }

    private static void redirect(ServerResponse res) {
        res.status(Status.MOVED_PERMANENTLY_301).header(HeaderNames.LOCATION, "/ui/").send();
    }

    private static void page(ServerResponse res, String body) {
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                .header("Content-Security-Policy", SECURITY).header("X-Content-Type-Options", "nosniff")
                .send((HEAD + body + "</main></body></html>\n").getBytes(StandardCharsets.UTF_8));
    }

    private void fleet(ServerResponse res) {
        AuditReport report = audit == null ? null : audit.get();
        if (report == null) {
            page(res, "<h1>Fleet</h1><p>This server watches no cluster: start it with <code>--drift-interval</code>"
                    + " (and <code>--kube-api</code>, or inside the cluster) to see the fleet audit here, or run"
                    + " <code>trustplane audit -o html</code>.</p>");
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8").header("Content-Security-Policy", SECURITY)
                .send(AuditHtml.render(report));
    }

    private void auditJson(ServerRequest req, ServerResponse res) {
        AuditReport report = audit == null ? null : audit.get();
        if (report == null) {
            json(res, 404, JSON.createObjectNode().put("error", "this server watches no cluster; start it with"
                    + " --drift-interval"));
            return;
        }
        json(res, 200, AuditJson.of(report));
    }

    private void findings(ServerRequest req, ServerResponse res) {
        String kind = req.query().first("kind").orElse(null);
        String namespace = req.query().first("namespace").orElse(null);
        boolean all = req.query().first("all").map("true"::equals).orElse(false);
        var list = new FindingStore(store).list(all ? Finding.Status.values()
                : new Finding.Status[] {Finding.Status.OPEN, Finding.Status.SUPPRESSED}).stream()
                .filter(f -> kind == null || kind.isBlank() || f.kind().name().equalsIgnoreCase(kind))
                .filter(f -> namespace == null || namespace.isBlank() || f.namespace().equals(namespace))
                .toList();
        ObjectNode body = JSON.createObjectNode();
        body.set("findings", FindingsJson.of(list));
        json(res, 200, body);
    }

    private void ledger(ServerRequest req, ServerResponse res) {
        String allowed = req.query().first("allowed").orElse("");
        int limit;
        try {
            limit = Integer.parseInt(req.query().first("limit").orElse("200"));
        } catch (NumberFormatException e) {
            json(res, 400, JSON.createObjectNode().put("error", "limit must be a number"));
            return;
        }
        var decisions = AdmissionLedger.decisions(store, req.query().first("namespace").orElse(null),
                allowed.equals("true") ? Boolean.TRUE : allowed.equals("false") ? Boolean.FALSE : null,
                req.query().first("image").orElse(null), limit);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode out = body.putArray("decisions");
        for (AdmissionLedger.Recorded d : decisions) {
            out.addObject().put("decidedAt", d.decidedAt().toString()).put("phase", d.phase())
                    .put("operation", d.operation()).put("dryRun", d.dryRun()).put("namespace", d.namespace())
                    .put("kind", d.kind()).put("name", d.name()).put("container", d.container())
                    .put("image", d.image()).put("digest", d.digest()).put("signers", d.signers())
                    .put("policy", d.policy()).put("rule", d.rule()).put("verdict", d.verdict())
                    .put("mode", d.mode()).put("allowed", d.allowed()).put("message", d.message());
        }
        json(res, 200, body);
    }

    private void catalog(ServerRequest req, ServerResponse res) {
        CatalogStore catalog = new CatalogStore(store);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode pubs = body.putArray("publications");
        for (CatalogStore.Publication p : catalog.publications()) {
            ObjectNode n = pubs.addObject().put("image", p.image()).put("variant", p.variant())
                    .put("release", p.release()).put("digest", p.digest()).put("repository", p.repository())
                    .put("previousDigest", p.previousDigest()).put("publishedAt", p.publishedAt().toString());
            p.tags().forEach(n.putArray("tags")::add);
        }
        body.set("timeline", CatalogJson.timeline(PatchTimeline.of(catalog.fixes(), PatchTimeline.DEFAULT_SLA)));
        json(res, 200, body);
    }

    private static void json(ServerResponse res, int status, Object body) {
        try {
            res.status(Status.create(status)).header(HeaderNames.CONTENT_TYPE, "application/json")
                    .header("Cache-Control", "no-store").send(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static final String HEAD = """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Trustplane</title><style>
            body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
            nav{background:#263238;padding:10px 24px}nav a{color:#fff;margin-right:18px;text-decoration:none}
            main{padding:8px 24px 40px;max-width:1300px}table{border-collapse:collapse;width:100%;margin-top:8px}
            th,td{border-bottom:1px solid #eee;padding:4px 8px;text-align:left;vertical-align:top}
            td{overflow-wrap:anywhere}td:last-child{max-width:520px;font-size:13px}form{margin:8px 0}input,select{margin-right:8px}.denied{color:#c62828;font-weight:600}
            .allowed{color:#2e7d32}.miss{color:#c62828;font-weight:600}.empty{color:#777}
            </style></head><body><nav><a href="/ui/">Trustplane</a><a href="/ui/fleet">Fleet audit</a>
            <a href="/ui/findings">Findings</a><a href="/ui/ledger">Admission ledger</a><a href="/ui/catalog">Catalog</a>
            </nav><main>
            """;

    private static final String SCRIPT_HELPERS = """
            function esc(s){return s==null?'':String(s).replace(/[&<>"']/g,function(c){return {'&':'&amp;','<':'&lt;',
            '>':'&gt;','"':'&quot;',"'":'&#39;'}[c];});}
            function load(url, render){fetch(url,{credentials:'same-origin'}).then(function(r){if(!r.ok){throw new Error(
            'HTTP '+r.status);}return r.json();}).then(render).catch(function(e){document.getElementById('status')
            .textContent='Could not load '+url+': '+e.message;});}
            """;

    private static final String INDEX = """
            <h1>Trustplane console</h1><p>Read-only views of what this control plane knows.</p><ul>
            <li><a href="/ui/fleet">Fleet audit</a>: origin, signing, CVEs, scope and age of what runs, and what to fix
            first.</li><li><a href="/ui/findings">Drift findings</a>: what admission could not see.</li>
            <li><a href="/ui/ledger">Admission ledger</a>: every decision, with filters.</li>
            <li><a href="/ui/catalog">Catalog</a>: published images and the patch timeline.</li></ul>
            <p>The same data as JSON: <code>/api/v1/findings</code>, <code>/api/v1/ledger</code>,
            <code>/api/v1/catalog</code>, <code>/api/v1/audit</code>.</p>
            """;

    private static final String FINDINGS = "<h1>Drift findings</h1><form id=\"f\">kind <select name=\"kind\">"
            + "<option value=\"\">any</option><option>DIGEST_DRIFT</option><option>NOT_ADMITTED</option>"
            + "<option>REVOKED_SIGNER</option><option>TAG_MOVED</option><option>POLICY_REGRESSION</option>"
            + "<option>BREAK_GLASS</option></select> namespace <input name=\"namespace\"> <button>Filter</button>"
            + "</form><p id=\"status\"></p><table><thead><tr><th>kind</th><th>workload</th><th>container</th>"
            + "<th>image</th><th>status</th><th>first seen</th><th>message</th></tr></thead><tbody id=\"rows\"></tbody>"
            + "</table><script>" + SCRIPT_HELPERS + """
            function show(){var f=document.getElementById('f');var q=new URLSearchParams(new FormData(f)).toString();
            load('/api/v1/findings?'+q,function(d){var h='';d.findings.forEach(function(x){h+='<tr><td>'+esc(x.kind)
            +'</td><td>'+esc(x.workloadKind+' '+x.namespace+'/'+x.workload)+'</td><td>'+esc(x.container)+'</td><td>'
            +esc(x.image)+'</td><td>'+esc(x.status)+'</td><td>'+esc(x.firstSeen)+'</td><td>'+esc(x.message)
            +'</td></tr>';});document.getElementById('rows').innerHTML=h;document.getElementById('status').textContent=
            d.findings.length+' findings';});}
            document.getElementById('f').addEventListener('submit',function(e){e.preventDefault();show();});show();
            </script>""";

    private static final String LEDGER = "<h1>Admission ledger</h1><form id=\"f\">namespace <input name=\"namespace\">"
            + " image <input name=\"image\"> verdict <select name=\"allowed\"><option value=\"\">any</option>"
            + "<option value=\"false\">denied</option><option value=\"true\">allowed</option></select>"
            + " <button>Filter</button></form><p id=\"status\"></p><table><thead><tr><th>time</th><th>request</th>"
            + "<th>image</th><th>policy / rule</th><th>decision</th><th>message</th></tr></thead>"
            + "<tbody id=\"rows\"></tbody></table><script>" + SCRIPT_HELPERS + """
            function show(){var f=document.getElementById('f');var q=new URLSearchParams(new FormData(f)).toString();
            load('/api/v1/ledger?'+q,function(d){var h='';d.decisions.forEach(function(x){h+='<tr><td>'+esc(x.decidedAt)
            +'</td><td>'+esc(x.operation+' '+x.kind+' '+x.namespace+'/'+x.name)+'</td><td>'+esc(x.image)+'</td><td>'
            +esc((x.policy||'')+(x.rule?' / '+x.rule:''))+'</td><td class="'+(x.allowed?'allowed':'denied')+'">'
            +(x.allowed?'allowed':'denied')+(x.mode?' ('+esc(x.mode)+')':'')+'</td><td>'+esc(x.message)+'</td></tr>';});
            document.getElementById('rows').innerHTML=h;document.getElementById('status').textContent=
            d.decisions.length+' decisions (newest first)';});}
            document.getElementById('f').addEventListener('submit',function(e){e.preventDefault();show();});show();
            </script>""";

    private static final String CATALOG = "<h1>Catalog</h1><p id=\"status\"></p><h2>Patch timeline</h2><table><thead>"
            + "<tr><th>image</th><th>CVE</th><th>severity</th><th>appeared</th><th>published</th><th>time to patch</th>"
            + "<th>SLA</th></tr></thead><tbody id=\"fixes\"></tbody></table><h2>Publications</h2><table><thead><tr>"
            + "<th>image</th><th>variant</th><th>digest</th><th>tags</th><th>published</th></tr></thead>"
            + "<tbody id=\"pubs\"></tbody></table><script>" + SCRIPT_HELPERS + """
            function hours(s){return s==null?'-':s<7200?Math.round(s/60)+' min':(s/3600).toFixed(1)+' h';}
            load('/api/v1/catalog',function(d){var h='';d.timeline.fixes.forEach(function(x){h+='<tr><td>'+esc(x.image)
            +'</td><td>'+esc(x.cve)+'</td><td>'+esc(x.severity)+'</td><td>'+esc(x.appearedAt)+'</td><td>'
            +esc(x.publishedAt)+'</td><td>'+(x.appearedAtBaseline?'&ge; ':'')+hours(x.timeToPatchSeconds)+'</td><td'
            +(x.withinSla===false?' class="miss">missed':'>'+(x.withinSla?'met':'-'))+'</td></tr>';});
            document.getElementById('fixes').innerHTML=h||'<tr><td class="empty" colspan="7">no fixes published yet</td></tr>';
            var p='';d.publications.forEach(function(x){p+='<tr><td>'+esc(x.image)+'</td><td>'+esc(x.variant)+'</td><td>'
            +esc(x.digest)+'</td><td>'+esc((x.tags||[]).join(', '))+'</td><td>'+esc(x.publishedAt)+'</td></tr>';});
            document.getElementById('pubs').innerHTML=p||'<tr><td class="empty" colspan="5">nothing published</td></tr>';
            document.getElementById('status').textContent=d.publications.length+' publications, '
            +d.timeline.fixes.length+' fixes, '+d.timeline.misses+' SLA misses';});
            </script>""";
}
