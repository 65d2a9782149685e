package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.sign.CertificateIdentity;
import dev.trustplane.sign.TrustedRoot;
import dev.trustplane.sign.Trust;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            + " Rekor and CT log keys (needed for keyless, and to check a key-based signature's tlog entry)")
    Path trustedRoot;

    @Option(names = "--insecure-ignore-tlog", description = "accept signatures without checking a transparency-log"
            + " entry (needed for key-based signatures kept off the log, as cosign's --tlog-upload=false makes)")
    boolean ignoreTlog;

    @Option(names = "--insecure-ignore-sct", description = "keyless: do not require an embedded SCT")
    boolean ignoreSct;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE})")
    Output output;

    Trust trust() {
        boolean keyless = identity != null || identityRegexp != null || issuer != null || issuerRegexp != null;
        if (keys.isEmpty() && !keyless) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Nothing to verify against: pass --key FILE with"
                    + " the signer's public key, or --certificate-identity and --certificate-oidc-issuer (with"
                    + " --trusted-root) for keyless signatures");
        }
        TrustedRoot root = trustedRoot == null ? null : TrustedRoot.parse(read(trustedRoot), trustedRoot.toString());
        List<CertificateIdentity> identities = new ArrayList<>();
        if (keyless) {
            if ((identity == null) == (identityRegexp == null)) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Keyless verification needs exactly one of"
                        + " --certificate-identity or --certificate-identity-regexp");
            }
            if ((issuer == null) == (issuerRegexp == null)) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Keyless verification needs exactly one of"
                        + " --certificate-oidc-issuer or --certificate-oidc-issuer-regexp");
            }
            if (root == null) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Keyless verification needs --trusted-root"
                        + " FILE (the trusted_root.json of your Sigstore deployment); nothing is fetched from the"
                        + " public-good instance");
            }
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
            identities.add(new CertificateIdentity(identity, identityRegexp == null ? null
                    : CertificateIdentity.regex(identityRegexp, "--certificate-identity-regexp"), issuer,
                    issuerRegexp == null ? null : CertificateIdentity.regex(issuerRegexp,
                            "--certificate-oidc-issuer-regexp"), ext));
        }
        return new Trust(KeyPasswords.publicKeys(keys), identities, root, ignoreTlog, ignoreSct);
    }

    /** Resolves IMAGE, runs {@code what} against its evidence and prints the report; the verb's exit code. */
    int run(CliContext ctx, RegistryOptions registry, String image,
            java.util.function.BiFunction<dev.trustplane.sign.Verifier, SigningTarget,
                    dev.trustplane.sign.VerificationReport> what) {
        Trust trust = trust();
        ProgressRenderer renderer = registry.renderer(ctx);
        dev.trustplane.sign.VerificationReport report;
        try {
            SigningTarget target = SigningTarget.resolve(image, registry.client(ctx, renderer));
            report = what.apply(new dev.trustplane.sign.Verifier(target.store(), trust,
                    dev.trustplane.sign.VerifierLimits.DEFAULT), target);
        } finally {
            renderer.finish();
        }
        return VerificationOutput.print(report, output, ctx);
    }

    private static byte[] read(Path file) {
        try {
            if (Files.size(file) > TrustedRoot.MAX_BYTES) {
                throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "Trusted root " + file + " has more than "
                        + TrustedRoot.MAX_BYTES + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Trusted root " + file + " does not exist");
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read trusted root " + file + ": " + e.getMessage(), e);
        }
    }
}
