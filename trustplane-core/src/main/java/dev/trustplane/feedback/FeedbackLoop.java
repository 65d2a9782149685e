package dev.trustplane.feedback;

import dev.trustplane.admission.AdmissionLedger;
import dev.trustplane.catalog.CatalogStore;
import dev.trustplane.event.EventListener;
import dev.trustplane.fleet.Finding;
import dev.trustplane.fleet.FindingKind;
import dev.trustplane.fleet.FindingStore;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * The feedback loop: every open drift finding about an image the catalog publishes becomes a
 * rebuild request (once per finding: the catalog loop rebuilds, re-signs and re-tags it); every
 * other finding, and every admission denial, becomes a ticket per (image, cause) that is
 * counted on repeats and closed when the cause is gone; then the outbox is delivered to the sinks.
 * Process findings ({@code NOT_ADMITTED}, {@code BREAK_GLASS}) are tickets even for catalog images:
 * a rebuild cannot fix them.
 */
public final class FeedbackLoop {
    static final Set<FindingKind> REBUILDABLE = EnumSet.of(FindingKind.DIGEST_DRIFT, FindingKind.REVOKED_SIGNER,
            FindingKind.TAG_MOVED, FindingKind.POLICY_REGRESSION);
    private final Store store;
    private final Map<String, TicketSink> sinks = new LinkedHashMap<>();
    private final TicketBook book;
    private final CatalogStore catalog;
    private final Clock clock;
    private final EventListener listener;
    private volatile BooleanSupplier leading = () -> true;
    private volatile long lastRunEpochSeconds;
    private volatile long lastDurationMillis;

    /** What one tick did. */
    public record Result(int rebuildRequests, int opened, int commented, int resolved, int delivered, int failed,
            int pending) {
        /** A tick on a replica that does not lead: nothing done. */
        public static final Result IDLE = new Result(0, 0, 0, 0, 0, 0, 0);
    }

    public FeedbackLoop(Store store, List<TicketSink> sinks, Clock clock, EventListener listener) {
        this.store = store;
        sinks.forEach(s -> this.sinks.put(s.name(), s));
        this.book = new TicketBook(store);
        this.catalog = new CatalogStore(store);
        this.clock = clock;
        this.listener = listener;
    }

    public TicketBook book() {
        return book;
    }

    /**
     * Ticks only while {@code leader} says this replica leads (the installation's Lease): of N
     * replicas sharing the store, one requests rebuilds and delivers tickets, so none is sent twice.
     */
    public FeedbackLoop onlyWhen(BooleanSupplier leader) {
        this.leading = leader;
        return this;
    }

    /** When the last tick that ran started (epoch seconds; 0 before the first). */
    public long lastRunEpochSeconds() {
        return lastRunEpochSeconds;
    }

    /** How long the last tick that ran took. */
    public long lastDurationMillis() {
        return lastDurationMillis;
    }

    public synchronized Result tick() {
        if (!leading.getAsBoolean()) {
            return Result.IDLE;
        }
        long started = System.nanoTime();
        lastRunEpochSeconds = clock.instant().getEpochSecond();
        try {
            return run();
        } finally {
            lastDurationMillis = (System.nanoTime() - started) / 1_000_000;
        }
    }

    private Result run() {
        Instant now = clock.instant();
        int requests = 0;
        Map<String, List<Finding>> byCause = new LinkedHashMap<>();
        CatalogStore.Owners owners = catalog.owners();
        for (Finding f : new FindingStore(store).list(Finding.Status.OPEN)) {
            Optional<String> owner = owner(f, owners);
            if (owner.isPresent() && REBUILDABLE.contains(f.kind())) {
                if (catalog.requestRebuild(owner.get(), f.kind() + " " + f.workloadLabel() + ": " + f.message(), f.id(),
                        now)) {
                    requests++;
                    listener.info("feedback: rebuild of catalog image " + owner.get() + " requested (" + f.kind()
                            + " in " + f.workloadLabel() + ")");
                }
                continue;
            }
            byCause.computeIfAbsent(f.kind() + "\n" + withoutDigest(f.image()), k -> new ArrayList<>()).add(f);
        }
        List<TicketBook.Cause> causes = new ArrayList<>();
        byCause.forEach((k, findings) -> causes.add(driftCause(findings)));
        for (AdmissionLedger.RejectionTicket t : AdmissionLedger.rejectionTickets(store)) {
            if (!t.admittedSince()) {
                causes.add(new TicketBook.Cause("admission-" + t.key(), Ticket.Origin.ADMISSION, t.image(),
                        "denied by " + t.policy(), "[trustplane] " + t.image() + " denied by " + t.policy(),
                        "Admission denied " + t.image() + " under policy " + t.policy() + (t.rule() == null ? ""
                                : " (rule " + t.rule() + ")") + ": " + t.message() + "\n\nLast seen " + t.lastSeen()
                                + " for " + t.kind() + " " + t.namespace() + "/" + t.name() + "; " + t.occurrences()
                                + " denials since " + t.firstSeen() + ".\nThe ticket closes when the image is admitted.",
                        t.occurrences()));
            }
        }
        TicketBook.Changes changes = book.sync(causes, EnumSet.allOf(Ticket.Origin.class),
                new ArrayList<>(sinks.keySet()), now);
        int[] delivered = book.deliver(sinks, now);
        if (delivered[1] > 0) {
            listener.warn("feedback: " + delivered[1] + " ticket deliveries failed; they are retried (see"
                    + " `trustplane feedback tickets`)");
        }
        return new Result(requests, changes.opened(), changes.commented(), changes.resolved(), delivered[0],
                delivered[1], book.pending().size());
    }

    private static Optional<String> owner(Finding f, CatalogStore.Owners owners) {
        if (f.image() == null) {
            return Optional.empty();
        }
        try {
            ImageReference ref = ImageReference.parse(f.image());
            String digest = f.runningDigest() != null ? f.runningDigest()
                    : ref.digest() == null ? "" : ref.digest().toString();
            return owners.owner(ref.name(), digest, ref.tag());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static TicketBook.Cause driftCause(List<Finding> findings) {
        Finding first = findings.get(0);
        String image = withoutDigest(first.image());
        Set<String> workloads = new TreeSet<>();
        findings.forEach(f -> workloads.add(f.workloadLabel() + " (" + f.container() + ")"));
        StringBuilder body = new StringBuilder(first.kind() + " for " + image + ": " + first.message() + "\n\n"
                + "Workloads (" + workloads.size() + "):\n");
        workloads.stream().limit(50).forEach(w -> body.append("- ").append(w).append('\n'));
        if (workloads.size() > 50) {
            body.append("- … and ").append(workloads.size() - 50).append(" more\n");
        }
        body.append("\nThe ticket closes when no workload shows this finding any more.");
        return new TicketBook.Cause("drift-" + sha256(first.kind() + "\n" + image), Ticket.Origin.DRIFT, image,
                first.kind().name(), "[trustplane] " + first.kind() + ": " + image, body.toString(), workloads.size());
    }

    static String withoutDigest(String image) {
        if (image == null) {
            return "(no image)";
        }
        int at = image.indexOf('@');
        return at < 0 ? image : image.substring(0, at);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 40);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
