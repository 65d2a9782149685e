package dev.trustplane.verify;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.TrustedRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a user says to trust, as cosign's flags say it: public key files, a keyless identity
 * (exactly or by regular expression) with its issuer and certificate extensions, a trusted root,
 * and the two escape hatches. {@link #toTrust()} reads the files and applies the rules every
 * front end shares.
 *
 * @param extensions certificate extensions by name or OID ({@code github-workflow-repository} …)
 */
public record TrustSpec(List<Path> keys, String identity, String identityRegexp, String issuer, String issuerRegexp,
        Map<String, String> extensions, Path trustedRoot, boolean ignoreTlog, boolean ignoreSct, Pki pki) {

    /**
     * Bring-your-own PKI, as cosign's flags name it: {@code --ca-roots} (PEM roots),
     * {@code --ca-intermediates} (PEM intermediates) and {@code --certificate-chain} (the signing
     * certificate's chain, parent first, root last). Given any, keyless certificates are checked
     * against these CAs instead of the trusted root's Fulcio authorities, and may carry no OIDC issuer
     * when no issuer flag is given.
     */
    public record Pki(Path caRoots, Path caIntermediates, Path certificateChain) {
        public static final Pki NONE = new Pki(null, null, null);

        public boolean given() {
            return caRoots != null || caIntermediates != null || certificateChain != null;
        }
    }

    public TrustSpec {
        keys = keys == null ? List.of() : List.copyOf(keys);
        extensions = extensions == null ? Map.of() : new LinkedHashMap<>(extensions);
        pki = pki == null ? Pki.NONE : pki;
    }

    public TrustSpec(List<Path> keys, String identity, String identityRegexp, String issuer, String issuerRegexp,
            Map<String, String> extensions, Path trustedRoot, boolean ignoreTlog, boolean ignoreSct) {
        this(keys, identity, identityRegexp, issuer, issuerRegexp, extensions, trustedRoot, ignoreTlog, ignoreSct,
                Pki.NONE);
    }

    /** Whether any keyless flag was given. */
    public boolean keyless() {
        return identity != null || identityRegexp != null || issuer != null || issuerRegexp != null;
    }

    /** The trust these flags describe; an incomplete or contradictory set is an error naming the flags. */
    public Trust toTrust() {
        if (keys.isEmpty() && !keyless()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Nothing to verify against: pass --key FILE with"
                    + " the signer's public key, or --certificate-identity and --certificate-oidc-issuer (with"
                    + " --trusted-root) for keyless signatures");
        }
        TrustedRoot root = trustedRoot == null ? null : TrustedRoot.parse(readRoot(trustedRoot), trustedRoot.toString());
        if (pki.given()) {
            if (!keyless()) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--ca-roots, --ca-intermediates and"
                        + " --certificate-chain check signing certificates: pass --certificate-identity (or"
                        + " --certificate-identity-regexp) with them");
            }
            root = withOwnCa(root);
        }
        List<CertificateIdentity> identities = new ArrayList<>();
        if (keyless()) {
            if ((identity == null) == (identityRegexp == null)) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Keyless verification needs exactly one of"
                        + " --certificate-identity or --certificate-identity-regexp");
            }
            if (issuer != null && issuerRegexp != null || issuer == null && issuerRegexp == null && !pki.given()) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Keyless verification needs exactly one of"
                        + " --certificate-oidc-issuer or --certificate-oidc-issuer-regexp (only with your own CA,"
                        + " --ca-roots or --certificate-chain, may certificates carry no OIDC issuer)");
            }
            if (root == null) {
                // as cosign and Kyverno: the public-good instance unless told otherwise (ADR 015)
                root = TrustedRoot.publicGood();
            }
            identities.add(new CertificateIdentity(identity, identityRegexp == null ? null
                    : CertificateIdentity.regex(identityRegexp, "--certificate-identity-regexp"), issuer,
                    issuerRegexp == null ? null : CertificateIdentity.regex(issuerRegexp,
                            "--certificate-oidc-issuer-regexp"), extensions));
        }
        return new Trust(publicKeys(keys), identities, root, ignoreTlog, ignoreSct);
    }

    /**
     * {@code base}'s logs and timestamp authorities with the user's CAs as the only certificate
     * authority: intermediates first, roots last (every self-signed certificate is an anchor).
     */
    private TrustedRoot withOwnCa(TrustedRoot base) {
        List<X509Certificate> intermediates = new ArrayList<>();
        List<X509Certificate> roots = new ArrayList<>();
        if (pki.certificateChain() != null) {
            List<X509Certificate> chain = certificates(pki.certificateChain(), "--certificate-chain");
            intermediates.addAll(chain.subList(0, chain.size() - 1));
            roots.add(chain.get(chain.size() - 1));
        }
        if (pki.caIntermediates() != null) {
            intermediates.addAll(certificates(pki.caIntermediates(), "--ca-intermediates"));
        }
        if (pki.caRoots() != null) {
            roots.addAll(certificates(pki.caRoots(), "--ca-roots"));
        }
        if (roots.isEmpty()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "--ca-intermediates needs the roots they lead to:"
                    + " pass --ca-roots FILE (PEM) or --certificate-chain FILE (ending with the root)");
        }
        List<X509Certificate> chain = new ArrayList<>(intermediates);
        chain.addAll(roots);
        TrustedRoot logs = base != null ? base : new TrustedRoot(List.of(), List.of(), List.of());
        return new TrustedRoot(List.of(new TrustedRoot.Authority(pki.caRoots() != null ? "--ca-roots"
                : "--certificate-chain", chain, Instant.EPOCH, null)), logs.tlogs(), logs.ctlogs(), logs.tsas());
    }

    private static List<X509Certificate> certificates(Path file, String flag) {
        if (!Files.isRegularFile(file)) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, flag + " " + file + " does not exist or is not a"
                    + " regular file; give a PEM file of certificates");
        }
        byte[] pem = readKeyFile(file, "certificate");
        List<X509Certificate> certs = Keys.readCertificates(new String(pem, StandardCharsets.UTF_8),
                flag + " " + file);
        if (certs.isEmpty()) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, flag + " " + file + " holds no PEM certificate");
        }
        return certs;
    }

    /** Public keys from PEM files (cosign's or Trustplane's), each at most {@link Keys#MAX_KEY_FILE_BYTES}. */
    public static List<PublicKey> publicKeys(List<Path> files) {
        List<PublicKey> out = new ArrayList<>();
        for (Path f : files) {
            out.add(Keys.readPublic(readKeyFile(f, "public key"), f.toString()));
        }
        return out;
    }

    /** A key file's bytes, refusing anything larger than a key file can be. */
    public static byte[] readKeyFile(Path file, String what) {
        try {
            if (Files.size(file) > Keys.MAX_KEY_FILE_BYTES) {
                throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, "Key file " + file + " has more than "
                        + Keys.MAX_KEY_FILE_BYTES + " bytes; it is not a " + what);
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "The " + what + " file " + file + " does not exist;"
                    + " make a pair with `trustplane keygen`");
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readRoot(Path file) {
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
