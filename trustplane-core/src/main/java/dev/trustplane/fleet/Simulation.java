package dev.trustplane.fleet;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.Outcome;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.policy.Decision;
import dev.trustplane.policy.Evaluation;
import dev.trustplane.policy.FailureAction;
import dev.trustplane.policy.ImageVerifier;
import dev.trustplane.policy.Policy;
import dev.trustplane.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The runway from Audit to Enforce, and a policy change judged before it is applied: what runs
 * (or what admission let in since a time) evaluated against a policy directory with the admission
 * engine. Every failing rule is a {@link Breakage}: an Audit rule's failure is what switching it
 * to Enforce would deny; an Enforce rule's failure is what applying the directory would deny at
 * the workload's next admission. With a baseline (the policies in force now), each breakage says
 * whether the baseline already had it. Nothing is recorded.
 */
public final class Simulation {

    /**
     * One workload a rule would deny.
     *
     * @param team    the namespace's or workload's team label, or "-"
     * @param mode    the rule's mode in the simulated policies: {@code Audit} (denied once it is
     *                Enforce) or {@code Enforce} (denied once the policies are applied)
     * @param known   the baseline denies or warns about it already (false without a baseline)
     * @param reason  the rule's message
     */
    public record Breakage(String policy, String rule, String mode, String namespace, String team, String workload,
            String container, String image, boolean known, String reason) {
    }

    /** The simulation: every breakage, what could not be judged, and how much was looked at. */
    public record Result(List<Breakage> breakages, List<String> undecided, int judged) {
    }

    private Simulation() {
    }

    /**
     * What {@code policies} would deny in {@code inventory}.
     *
     * @param baseline  the policies in force now, or null
     * @param teamLabel the namespace (else workload) label naming a team
     */
    public static Result running(Inventory inventory, List<Policy> policies, List<Policy> baseline,
            ImageVerifier verifier, String teamLabel, Duration budget) {
        List<Breakage> out = new ArrayList<>();
        List<String> undecided = new ArrayList<>();
        AdmissionHistory none = AdmissionHistory.empty();
        Pass pass = new Pass(inventory, none, policies, verifier, Clock.systemUTC(), budget);
        Pass before = baseline == null ? null : new Pass(inventory, none, baseline, verifier, Clock.systemUTC(), budget);
        int judged = 0;
        for (RunningWorkload w : inventory.workloads()) {
            String team = inventory.namespaceLabels().getOrDefault(w.namespace(), Map.of())
                    .getOrDefault(teamLabel, w.labels().getOrDefault(teamLabel, "-"));
            for (Samples.Sample sample : Samples.of(w).samples()) {
                judged++;
                Evaluation now = pass.judge(w, sample.pod(), sample.digests());
                Set<String> failingBefore = new HashSet<>();
                if (before != null) {
                    for (Decision d : before.judge(w, sample.pod(), sample.digests()).decisions()) {
                        if (d.verdict() == Outcome.FAIL || d.verdict() == Outcome.ERROR) {
                            failingBefore.add(d.policy() + "\0" + d.rule() + "\0" + d.container());
                        }
                    }
                }
                for (Decision d : now.decisions()) {
                    if (d.policy().equals("trustplane")) {
                        continue;
                    }
                    if (d.verdict() == Outcome.ERROR) {
                        undecided.add(w.label() + ": " + d.message());
                    } else if (d.verdict() == Outcome.FAIL) {
                        out.add(new Breakage(d.policy(), d.rule(), original(d).label(), w.namespace(), team,
                                w.kind() + "/" + w.name(), d.container(), d.image(),
                                failingBefore.contains(d.policy() + "\0" + d.rule() + "\0" + d.container()), d.message()));
                    }
                }
            }
        }
        out.sort(Comparator.comparing(Breakage::policy).thenComparing(Breakage::rule).thenComparing(Breakage::namespace)
                .thenComparing(Breakage::team).thenComparing(Breakage::workload));
        return new Result(out, undecided, judged);
    }

    /**
     * What switching every Audit rule to Enforce would have denied among the requests admitted
     * since {@code since}, from the ledger (the rules as they were then).
     */
    public static Result fromLedger(Store store, Instant since) {
        List<Breakage> out = new ArrayList<>();
        int judged;
        try (Connection c = store.connect()) {
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(DISTINCT request_uid) FROM admission_decisions"
                    + " WHERE decided_at_ms >= ? AND allowed = 1 AND dry_run = 0")) {
                s.setLong(1, since.toEpochMilli());
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    judged = r.getInt(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT policy, rule_name, namespace, kind, name, container,"
                    + " image, MAX(message) FROM admission_decisions WHERE decided_at_ms >= ? AND allowed = 1 AND"
                    + " dry_run = 0 AND mode = 'Audit' AND verdict IN ('FAIL', 'ERROR') AND policy <> 'trustplane'"
                    + " GROUP BY policy, rule_name, namespace, kind, name, container, image")) {
                s.setLong(1, since.toEpochMilli());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new Breakage(r.getString(1), r.getString(2), "Audit", nz(r.getString(3)), "-",
                                r.getString(4) + "/" + r.getString(5), r.getString(6), r.getString(7), false,
                                r.getString(8)));
                    }
                }
            }
        } catch (SQLException e) {
            throw new TrustplaneException(ErrorKind.IO, "The admission ledger in " + store.location() + " could not be"
                    + " read: " + e.getMessage());
        }
        out.sort(Comparator.comparing(Breakage::policy).thenComparing(Breakage::rule).thenComparing(Breakage::namespace)
                .thenComparing(Breakage::workload));
        return new Result(out, List.of(), judged);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** A break-glass exception turns Enforce into Audit with a tag; the simulation reports the rule's own mode. */
    private static FailureAction original(Decision d) {
        return d.message().startsWith("[break-glass ") ? FailureAction.ENFORCE : d.action();
    }
}
