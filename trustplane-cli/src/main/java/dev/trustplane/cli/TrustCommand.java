package dev.trustplane.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.store.Store;
import dev.trustplane.trust.RevocationStore;
import dev.trustplane.verify.Revocations.Revocation;
import dev.trustplane.verify.TrustSpec;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "trust", description = {"Revoke signing keys and keyless identities, and list what is revoked;",
        "update the Sigstore trusted root through TUF (`trust init`).",
        "A revocation is in force for the next admission request, `policy test` and drift pass."},
        subcommands = {TrustCommand.Revoke.class, TrustCommand.Unrevoke.class, TrustCommand.ListRevocations.class,
                TrustInitCommand.class})
final class TrustCommand implements Runnable {
    @Spec
    CommandSpec spec;

    TrustCommand(CliContext ctx) {
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: `trustplane trust revoke`,"
                + " `trustplane trust list`, `trustplane trust unrevoke ID` or `trustplane trust init`");
    }

    @Command(name = "revoke", description = {"Revoke a public key or a keyless identity (SAN and OIDC issuer).",
            "Signatures by it fail verification in admission, `policy test`, and drift, which then lists every",
            "running workload that only revoked signers vouch for."})
    static final class Revoke implements Callable<Integer> {
        private final CliContext ctx;

        static final class Who {
            @Option(names = "--key", paramLabel = "PUB.pem", description = "the public key (PEM) to revoke")
            Path key;

            @ArgGroup(exclusive = false)
            Identity identity;
        }

        static final class Identity {
            @Option(names = "--identity", required = true, paramLabel = "SAN",
                    description = "the certificate subject (e-mail or URI SAN) to revoke")
            String subject;

            @Option(names = "--issuer", required = true, paramLabel = "URL", description = "its OIDC issuer")
            String issuer;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Who who;

        @Option(names = "--since", paramLabel = "RFC3339",
                description = "revoke only signatures made from then on (proven by the transparency log or a"
                        + " timestamp); default: every signature")
        String since;

        @Option(names = "--reason", required = true, paramLabel = "TEXT",
                description = "why: shown in every denial and finding the revocation causes")
        String reason;

        Revoke(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Instant from = since == null ? null : instant(since, "--since");
            String by = ctx.env().getOrDefault("USER", null);
            try (RevocationStore store = new RevocationStore(Store.fromEnvironment(ctx.env()))) {
                Revocation r;
                if (who.key != null) {
                    byte[] pem = TrustSpec.readKeyFile(who.key, "--key");
                    PublicKey key = Keys.readPublic(pem, who.key.toString());
                    r = store.revokeKey(key, Keys.publicPem(key), from, reason, by);
                } else {
                    r = store.revokeIdentity(who.identity.subject, who.identity.issuer, from, reason, by);
                }
                ctx.out().println("Revoked " + r.signer() + " (revocation " + r.id() + (from == null
                        ? ", every signature" : ", signatures from " + from) + ") in " + store.store().location());
                ctx.out().println("In force from the next admission request and drift pass; run `trustplane drift`"
                        + " to list what runs that only revoked signers vouch for.");
            }
            return 0;
        }
    }

    @Command(name = "unrevoke", description = "Lift a revocation (by the number `trust list` shows); it stays listed"
            + " with `trust list --all`.")
    static final class Unrevoke implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "ID", description = "the revocation's number")
        long id;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "why it is lifted")
        String reason;

        Unrevoke(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            try (RevocationStore store = new RevocationStore(Store.fromEnvironment(ctx.env()))) {
                if (!store.unrevoke(id, reason)) {
                    throw new TrustplaneException(ErrorKind.NOT_FOUND, "No revocation " + id + " is in force in "
                            + store.store().location() + "; `trustplane trust list --all` shows every revocation");
                }
                ctx.out().println("Revocation " + id + " lifted; signatures by its signer verify again from the next"
                        + " request and drift pass.");
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List the revocations in force (with --all, also those lifted).")
    static final class ListRevocations implements Callable<Integer> {
        private final CliContext ctx;

        @Option(names = "--all", description = "include lifted revocations")
        boolean all;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
                description = "table or json (default: ${DEFAULT-VALUE})")
        Formats.Listing output;

        ListRevocations(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            List<RevocationStore.Listed> listed;
            try (RevocationStore store = new RevocationStore(Store.fromEnvironment(ctx.env()))) {
                listed = store.list(all);
            }
            if (output == Formats.Listing.JSON) {
                ArrayNode array = Json.mapper().createArrayNode();
                for (RevocationStore.Listed l : listed) {
                    Revocation r = l.revocation();
                    ObjectNode o = array.addObject();
                    o.put("id", r.id());
                    o.put("keyHint", r.keyHint());
                    o.put("publicKey", l.publicKeyPem());
                    o.put("identity", r.subject());
                    o.put("issuer", r.issuer());
                    o.put("since", r.since() == null ? null : r.since().toString());
                    o.put("reason", r.reason());
                    o.put("revokedAt", r.revokedAt().toString());
                    o.put("revokedBy", l.revokedBy());
                    o.put("active", l.active());
                    o.put("unrevokedAt", l.unrevokedAt() == null ? null : l.unrevokedAt().toString());
                    o.put("unrevokeReason", l.unrevokeReason());
                }
                ctx.out().println(Formats.json(array));
                return 0;
            }
            if (listed.isEmpty()) {
                ctx.out().println(all ? "No revocations." : "No revocations in force.");
                return 0;
            }
            ctx.out().printf("%-4s %-8s %-58s %-22s %s%n", "ID", "STATUS", "SIGNER", "SINCE", "REASON");
            for (RevocationStore.Listed l : listed) {
                Revocation r = l.revocation();
                ctx.out().printf("%-4d %-8s %-58s %-22s %s%n", r.id(), l.active() ? "revoked" : "lifted", r.signer(),
                        r.since() == null ? "always" : r.since().toString(), r.reason());
            }
            return 0;
        }
    }

    static Instant instant(String text, String flag) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, flag + " '" + text + "' is not an RFC 3339 time;"
                    + " write it like 2026-12-01T00:00:00Z");
        }
    }
}
