package dev.trustplane.verify;

import dev.trustplane.sigstore.TrustedRoot;
import java.security.PublicKey;
import java.util.List;

/**
 * What a verification trusts: public keys, and/or keyless identities checked against a trusted
 * root (Fulcio authorities, Rekor and CT logs). {@code ignoreTlog} skips the transparency-log
 * stage (cosign's {@code --insecure-ignore-tlog}, Kyverno's {@code rekor.ignoreTlog});
 * {@code ignoreSct} skips the certificate-transparency stage ({@code --insecure-ignore-sct}).
 * {@code revocations} are the signers no longer trusted: a signature by one of them fails its
 * "revocation" stage. {@code signedIdentity}, when set, checks the docker-reference a signature
 * names against the image's name (containers/image's semantics).
 */
public record Trust(List<PublicKey> keys, List<CertificateIdentity> identities, TrustedRoot root,
        boolean ignoreTlog, boolean ignoreSct, Revocations revocations, SignedIdentity signedIdentity) {

    public Trust {
        revocations = revocations == null ? Revocations.NONE : revocations;
        keys = List.copyOf(keys);
        identities = List.copyOf(identities);
        if (!identities.isEmpty() && root == null) {
            throw new IllegalArgumentException("keyless identities need a trusted root");
        }
    }

    public Trust(List<PublicKey> keys, List<CertificateIdentity> identities, TrustedRoot root, boolean ignoreTlog,
            boolean ignoreSct, Revocations revocations) {
        this(keys, identities, root, ignoreTlog, ignoreSct, revocations, null);
    }

    /** Trust with nothing revoked. */
    public Trust(List<PublicKey> keys, List<CertificateIdentity> identities, TrustedRoot root, boolean ignoreTlog,
            boolean ignoreSct) {
        this(keys, identities, root, ignoreTlog, ignoreSct, Revocations.NONE);
    }

    /** The same trust, minus the signers {@code list} revokes. */
    public Trust withRevocations(Revocations list) {
        return new Trust(keys, identities, root, ignoreTlog, ignoreSct, list, signedIdentity);
    }

    /**
     * The same trust, where a signature's signed identity (its docker-reference) must also fit the
     * image's name as {@code identity} says; null for no such check.
     */
    public Trust withSignedIdentity(SignedIdentity identity) {
        return new Trust(keys, identities, root, ignoreTlog, ignoreSct, revocations, identity);
    }

    public static Trust keys(List<PublicKey> keys, boolean ignoreTlog) {
        return new Trust(keys, List.of(), null, ignoreTlog, false);
    }

    public static Trust keyless(List<CertificateIdentity> identities, TrustedRoot root, boolean ignoreTlog,
            boolean ignoreSct) {
        return new Trust(List.of(), identities, root, ignoreTlog, ignoreSct);
    }

    boolean keyless() {
        return !identities.isEmpty();
    }
}
