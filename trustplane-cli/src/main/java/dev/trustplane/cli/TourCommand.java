package dev.trustplane.cli;

import dev.trustplane.oci.RawManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "tour", description = {
        "A short end-to-end tour of what Trustplane does today, on the embedded default (OCI layouts on disk,",
        "no services): make a demo image, inspect it, copy it, attach an artifact, list referrers, sign it and",
        "verify the signature, collect garbage.",
        "With --registry it also pushes to and pulls from that registry; with --build it also builds a hardened",
        "image from the signed Debian archive (deb.debian.org) and shows that it is reproducible."})
final class TourCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Option(names = "--dir", paramLabel = "DIR", description = "Working directory (default: a new temporary directory)")
    Path dir;

    @Option(names = "--registry", paramLabel = "HOST[:PORT]", description = "Also copy through this registry")
    String registry;

    @Option(names = "--build", description = "Also build a hardened image from the Debian archive (needs"
            + " deb.debian.org)")
    boolean build;

    TourCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("trustplane-tour");
        String store = "oci:" + work.resolve("store");
        String mirror = "oci:" + work.resolve("mirror");
        step("1. Write a deterministic demo image into the OCI layout " + store);
        RawManifest image = TourImage.write(work.resolve("store"), "demo");
        ctx.out().println("   " + image.digest());
        step("2. Inspect it");
        run("inspect", store + ":demo");
        step("3. Copy it to a second layout: the digest is unchanged");
        run("copy", store + ":demo", mirror + ":demo");
        step("4. Attach an artifact (a note) to the copy as an OCI 1.1 referrer");
        Path note = work.resolve("note.json");
        Files.writeString(note, "{\"note\":\"evidence travels with the image\"}\n");
        run("attach", mirror + ":demo", "--artifact-type", "application/vnd.trustplane.tour.note+json",
                note + ":application/json");
        step("5. List the referrers of the copy");
        run("referrers", mirror + ":demo");
        step("6. Copy again: every blob is already there");
        run("copy", store + ":demo", mirror + ":demo");
        step("7. Make a key pair in cosign's format and sign the image: a .sig tag and a Sigstore bundle referrer");
        String key = work.resolve("tour").toString();
        signing(() -> {
            run("keygen", "--force", "--output-key-prefix", key);
            run("sign", "--key", key + ".key", store + ":demo");
        });
        step("8. Verify: every signature is found and checked stage by stage");
        run("verify", "--key", key + ".pub", "--insecure-ignore-tlog", store + ":demo");
        if (registry != null) {
            step("9. Push to the registry " + registry + " and pull back");
            run("copy", store + ":demo", registry + "/trustplane/tour:demo");
            run("copy", registry + "/trustplane/tour:demo", "oci:" + work.resolve("pulled") + ":demo");
            run("tags", registry + "/trustplane/tour");
        }
        int n = registry != null ? 10 : 9;
        step(n++ + ". Admission: lint a Kyverno policy and try it on images with the webhook's engine"
                + " (a trusted-registry allow-list in Enforce" + (registry != null ? ", and a signature by the tour key" : "")
                + ")");
        String allowed = registry != null ? registry : "registry.example.com";
        Path policy = work.resolve("policy.yaml");
        Files.writeString(policy, TourFiles.policies(allowed, registry, registry == null ? null
                : Files.readString(Path.of(key + ".pub"))));
        run("policy", "lint", policy.toString());
        run("policy", "test", policy.toString(), "--image", allowed + "/team/app:1");
        runExpecting(ExitCode.DENIED, "policy", "test", policy.toString(), "--image", "docker.io/library/nginx:latest");
        if (registry != null) {
            signing(() -> run("sign", "--key", key + ".key", registry + "/trustplane/tour:demo"));
            run("policy", "test", policy.toString(), "--image", registry + "/trustplane/tour:demo");
        }
        step(n++ + ". Keep watching what runs: a drift pass over a fleet (as `kubectl get … -o json` writes it)"
                + " against the ledger and the policy, then the tour key revoked");
        Path fleet = work.resolve("fleet.json");
        Files.writeString(fleet, TourFiles.fleet(allowed));
        withEnvironment(Map.of("TRUSTPLANE_DATA", work.resolve("state").toString()), () -> {
            runExpecting(ExitCode.DRIFT, "drift", "--inventory", fleet.toString(), "--policies", policy.toString());
            run("trust", "revoke", "--key", key + ".pub", "--reason", "tour: the key was rotated");
            run("trust", "list");
            if (registry != null) {
                runExpecting(ExitCode.DENIED, "policy", "test", policy.toString(), "--image",
                        registry + "/trustplane/tour:demo");
            }
            run("trust", "unrevoke", "1", "--reason", "tour: done");
        });
        step(n++ + ". Feedback: each finding about an image nobody here builds becomes one ticket per image and"
                + " cause (add --sink github:OWNER/REPO, jira:PROJECT@URL or webhook:URL to deliver them)");
        withEnvironment(Map.of("TRUSTPLANE_DATA", work.resolve("state").toString()), () -> {
            run("feedback", "sync");
            run("feedback", "tickets");
        });
        step(n++ + ". Audit the fleet: origin, signing, CVEs, scope and age per image, a remediation order with"
                + " reasons (images that cannot be reached are unknown, never clean), as a page: audit.html");
        withEnvironment(Map.of("TRUSTPLANE_DATA", work.resolve("state").toString()), () -> {
            run("audit", "--inventory", fleet.toString());
            run("audit", "--inventory", fleet.toString(), "-o", "html", "--output-file",
                    work.resolve("audit.html").toString());
        });
        if (build) {
            Path spec = Files.createDirectories(work.resolve("images")).resolve("static-bookworm.yaml");
            Files.writeString(spec, TourFiles.STATIC_SPEC);
            step(n++ + ". Lock a hardened image spec against the signed Debian archive (InRelease verified)");
            run("lock", spec.toString());
            step(n++ + ". Build it daemonless and sign it: nonroot, no maintainer scripts, SBOMs attached as"
                    + " referrers, SLSA provenance and SBOMs as signed attestations");
            signing(() -> run("build", spec.toString(), "-o", store + ":static", "--sign", "--key", key + ".key"));
            run("referrers", store + ":static");
            run("verify-attestation", "--key", key + ".pub", "--insecure-ignore-tlog", "--type", "slsaprovenance1",
                    store + ":static");
            step(n++ + ". Build it again from the lockfile: the same digest, to the byte");
            run("build", spec.toString(), "-o", "oci:" + work.resolve("rebuild") + ":static");
            step(n++ + ". Keep it patched: watch the archive (conditional GETs), plan what a new package would change"
                    + (registry == null ? "" : ", publish the catalog with its evidence and read the patch timeline"));
            Path catalog = spec.getParent();
            withEnvironment(Map.of("TRUSTPLANE_DATA", work.resolve("state").toString()), () -> {
                run("catalog", "watch", catalog.toString());
                run("catalog", "plan", catalog.toString());
                if (registry != null) {
                    signing(() -> run("catalog", "update", catalog.toString(), "-o", registry + "/trustplane-tour",
                            "--sign", "--key", key + ".key"));
                    run("catalog", "timeline");
                }
            });
        }
        step(n + ". Collect garbage in the mirror layout");
        run("gc", mirror);
        ctx.out().println();
        ctx.out().println("Tour done. Files are in " + work);
        return 0;
    }

    /** Runs steps with the tour key's password, unless the user set one. */
    private void signing(Runnable steps) {
        withEnvironment(Map.of("TRUSTPLANE_PASSWORD", ctx.env().getOrDefault("TRUSTPLANE_PASSWORD", "trustplane-tour")),
                steps);
    }

    /** Runs steps with {@code extra} added to the environment. */
    private void withEnvironment(Map<String, String> extra, Runnable steps) {
        CliContext outer = tourContext != null ? tourContext : ctx;
        Map<String, String> env = new HashMap<>(outer.env());
        env.putAll(extra);
        CliContext previous = tourContext;
        tourContext = new CliContext(outer.out(), outer.err(), outer.in(), env, false);
        try {
            steps.run();
        } finally {
            tourContext = previous;
        }
    }

    private CliContext tourContext;

    private void step(String text) {
        ctx.out().println();
        ctx.out().println("== " + text);
        ctx.out().flush();
    }

    private void run(String... args) {
        runExpecting(ExitCode.OK, args);
    }

    /** Runs a step that must end with {@code expected} (a denial the tour shows on purpose). */
    private void runExpecting(ExitCode expected, String... args) {
        List<String> shown = new ArrayList<>(List.of("trustplane"));
        shown.addAll(List.of(args));
        ctx.out().println("$ " + String.join(" ", shown));
        ctx.out().flush();
        CliContext use = tourContext != null ? tourContext : ctx;
        int code = Main.commandLine(use, args).execute(args);
        if (expected != ExitCode.OK) {
            ctx.out().println("   (exit " + code + ": " + (code == expected.code() ? "as expected — " + expected.meaning().replace("`", "")
                    : "expected " + expected.code()) + ")");
        }
        if (code != expected.code()) {
            throw new CommandLine.ExecutionException(new CommandLine(this), "tour step failed with exit code " + code
                    + ": trustplane " + String.join(" ", args));
        }
    }
}
