package dev.trustplane.verify;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.TrustedRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
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
        Map<String, String> extensions, Path trustedRoot, boolean ignoreTlog, boolean ignoreSct) {

    public TrustSpec {
        keys = keys == null ? List.of() : List.copyOf(keys);
        extensions = extensions == null ? Map.of() : new LinkedHashMap<>(extensions);
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
        List<CertificateIdentity> identities = new ArrayList<>();
        if (keyless()) {
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
            identities.add(new CertificateIdentity(identity, identityRegexp == null ? null
                    : CertificateIdentity.regex(identityRegexp, "--certificate-identity-regexp"), issuer,
                    issuerRegexp == null ? null : CertificateIdentity.regex(issuerRegexp,
                            "--certificate-oidc-issuer-regexp"), extensions));
        }
        return new Trust(publicKeys(keys), identities, root, ignoreTlog, ignoreSct);
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
