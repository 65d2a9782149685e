package dev.trustplane.cli;

import dev.trustplane.feedback.FeedbackLoop;
import dev.trustplane.feedback.Sinks;
import dev.trustplane.feedback.Ticket;
import dev.trustplane.feedback.TicketBook;
import dev.trustplane.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "feedback", description = {"Turn drift findings and admission denials into actions: a rebuild",
        "request when the catalog publishes the image, a ticket for everything else."},
        subcommands = {FeedbackCommand.Sync.class, FeedbackCommand.Tickets.class})
final class FeedbackCommand implements Runnable {
    @Spec
    CommandSpec spec;

    FeedbackCommand(CliContext ctx) {
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: `trustplane feedback sync --sink SINK`"
                + " or `trustplane feedback tickets`");
    }

    @Command(name = "sync", description = {"One feedback pass over the store (what `serve` does continuously):",
            "request rebuilds, open, count and resolve tickets, and deliver what is due",
            "to the sinks. Failed deliveries stay queued and are retried by the next pass."})
    static final class Sync implements Callable<Integer> {
        private final CliContext ctx;

        @Option(names = "--sink", paramLabel = "SINK", description = "webhook:URL, github:OWNER/REPO or"
                + " jira:PROJECT@URL (repeatable); tokens from TRUSTPLANE_GITHUB_TOKEN, TRUSTPLANE_JIRA_TOKEN")
        List<String> sinks = new ArrayList<>();

        Sync(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            FeedbackLoop.Result r = new FeedbackLoop(Store.fromEnvironment(ctx.env()), Sinks.parse(sinks, ctx.env()),
                    Clock.systemUTC(), new ProgressRenderer(ctx.err(), false, false)).tick();
            ctx.out().println(r.rebuildRequests() + " rebuild requests, " + r.opened() + " tickets opened, "
                    + r.commented() + " commented, " + r.resolved() + " resolved; " + r.delivered() + " deliveries made, "
                    + r.failed() + " failed, " + r.pending() + " pending");
            return 0;
        }
    }

    @Command(name = "tickets", description = {"List the tickets, where each lives in each sink, and the deliveries",
            "still waiting (with their last error)."})
    static final class Tickets implements Callable<Integer> {
        private final CliContext ctx;

        @Option(names = "--all", description = "also list resolved tickets")
        boolean all;

        Tickets(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            TicketBook book = new TicketBook(Store.fromEnvironment(ctx.env()));
            Map<String, Map<String, String>> links = book.links();
            int shown = 0;
            for (Ticket t : book.tickets()) {
                if (!all && t.status() == Ticket.Status.RESOLVED) {
                    continue;
                }
                shown++;
                ctx.out().println(t.status().name().toLowerCase(Locale.ROOT) + "  " + t.title() + "  (" + t.occurrences()
                        + "×, since " + t.firstSeen() + ")");
                links.getOrDefault(t.key(), Map.of()).forEach((sink, ref) -> ctx.out().println("    " + sink + " "
                        + ref));
            }
            List<TicketBook.Delivery> pending = book.pending();
            for (TicketBook.Delivery d : pending) {
                ctx.out().println("pending  " + d.action() + " to " + d.sink() + " (" + d.attempts() + " attempts"
                        + (d.lastError() == null ? "" : ", last error: " + d.lastError()) + ", next "
                        + d.nextAttempt() + ")");
            }
            ctx.out().println(shown + " tickets" + (all ? "" : " open") + ", " + pending.size()
                    + " deliveries pending");
            return 0;
        }
    }
}
