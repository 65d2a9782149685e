package dev.trustplane.cli;

import dev.trustplane.trust.RevocationStore;
import dev.trustplane.trust.TufClient;
import dev.trustplane.verify.Revocations;
import dev.trustplane.verify.SignedIdentity;
import dev.trustplane.verify.Trust;
import dev.trustplane.verify.TrustSpec;
import dev.trustplane.verify.VerificationReport;
import dev.trustplane.verify.Verifier;
import dev.trustplane.verify.VerifierLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import picocli.CommandLine.Option;

/** The trust flags verify and verify-attestation share, named as cosign names them. */
final class VerifyOptions {
    enum Output { TEXT, JSON }

    @Option(names = "--key", paramLabel = "FILE", description = "trusted public key (PEM; repeatable)")
    List<Path> keys = new ArrayList<>();

    @Option(names = "--certificate-identity", paramLabel = "SAN",
            description = "keyless: the signer's identity (email or URI SAN), exactly")
    String identity;

    @Option(names = "--certificate-identity-regexp", paramLabel = "REGEX",
            description = "keyless: a regular expression the identity must match (unanchored, as in cosign)")
    String identityRegexp;

    @Option(names = "--certificate-oidc-issuer", paramLabel = "URL", description = "keyless: the OIDC issuer, exactly")
    String issuer;

    @Option(names = "--certificate-oidc-issuer-regexp", paramLabel = "REGEX",
            description = "keyless: a regular expression the OIDC issuer must match")
    String issuerRegexp;

    @Option(names = "--certificate-github-workflow-repository", paramLabel = "OWNER/REPO",
            description = "keyless: the GitHub workflow repository extension must be this")
    String workflowRepository;

    @Option(names = "--certificate-github-workflow-ref", paramLabel = "REF",
            description = "keyless: the GitHub workflow ref extension must be this")
    String workflowRef;

    @Option(names = "--certificate-github-workflow-trigger", paramLabel = "EVENT",
            description = "keyless: the GitHub workflow trigger extension must be this")
    String workflowTrigger;

    @Option(names = "--certificate-extension", paramLabel = "NAME|OID=VALUE",
            description = "keyless: any other Fulcio extension that must have this value (repeatable)")
    Map<String, String> extensions = new LinkedHashMap<>();

    @Option(names = "--trusted-root", paramLabel = "FILE", description = "trusted_root.json: Fulcio authorities,"
            + " Rekor and CT log keys (for keyless, and to check a key-based signature's tlog entry); default: the"
            + " root `trust init` verified through TUF, else for keyless the Sigstore public-good root embedded in"
            + " Trustplane")
    Path trustedRoot;

    @Option(names = "--ca-roots", paramLabel = "FILE", description = "keyless with your own PKI: PEM root"
            + " certificates to check signing certificates against, instead of the trusted root's Fulcio CAs")
    Path caRoots;

    @Option(names = "--ca-intermediates", paramLabel = "FILE",
            description = "keyless with your own PKI: PEM intermediate certificates leading to --ca-roots")
    Path caIntermediates;

    @Option(names = "--certificate-chain", paramLabel = "FILE", description = "keyless with your own PKI: the"
            + " signing certificate's chain (PEM, parent first, root last); its root is trusted")
    Path certificateChain;

    @Option(names = "--insecure-ignore-tlog", description = "accept signatures without checking a transparency-log"
            + " entry (needed for key-based signatures kept off the log, as cosign's --tlog-upload=false makes)")
    boolean ignoreTlog;

    @Option(names = "--insecure-ignore-sct", description = "keyless: do not require an embedded SCT")
    boolean ignoreSct;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE})")
    Output output;

    Trust trust(CliContext ctx) {
        Map<String, String> ext = new LinkedHashMap<>(extensions);
        if (workflowRepository != null) {
            ext.put("github-workflow-repository", workflowRepository);
        }
        if (workflowRef != null) {
            ext.put("github-workflow-ref", workflowRef);
        }
        if (workflowTrigger != null) {
            ext.put("github-workflow-trigger", workflowTrigger);
        }
        Path root = trustedRoot != null ? trustedRoot
                : TufClient.trustedRoot(TrustInitCommand.stateDir(ctx)).orElse(null);
        return new TrustSpec(keys, identity, identityRegexp, issuer, issuerRegexp, ext, root, ignoreTlog,
                ignoreSct, new TrustSpec.Pki(caRoots, caIntermediates, certificateChain)).toTrust();
    }

    /**
     * The signers revoked with {@code trust revoke}, when a store exists (verifying never creates
     * one): a signature by one of them fails, as in admission.
     */
    static Revocations revoked(CliContext ctx) {
        try (RevocationStore revocations = RevocationStore.existing(ctx.env())) {
            return revocations.current();
        }
    }

    /** Resolves IMAGE, runs {@code what} against its evidence and prints the report; the verb's exit code. */
    int run(CliContext ctx, RegistryOptions registry, String image,
            BiFunction<Verifier, SigningTarget,
                    VerificationReport> what) {
        return run(ctx, registry, image, null, what);
    }

    /** The same, where each signature's docker-reference must also fit IMAGE as {@code signedIdentity} says. */
    int run(CliContext ctx, RegistryOptions registry, String image, SignedIdentity signedIdentity,
            BiFunction<Verifier, SigningTarget,
                    VerificationReport> what) {
        Trust trust = trust(ctx).withRevocations(revoked(ctx)).withSignedIdentity(signedIdentity);
        ProgressRenderer renderer = registry.renderer(ctx);
        VerificationReport report;
        try {
            SigningTarget target = SigningTarget.resolve(image, registry.client(ctx, renderer));
            report = what.apply(new Verifier(target.store(), trust,
                    VerifierLimits.DEFAULT), target);
        } finally {
            renderer.finish();
        }
        return VerificationOutput.print(report, output, ctx);
    }
}
