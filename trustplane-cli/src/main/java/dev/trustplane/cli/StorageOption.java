package dev.trustplane.cli;

import dev.trustplane.sign.Signer;
import java.util.EnumSet;
import java.util.Set;

/** {@code --storage}: which formats signatures and attestations are written in. */
enum StorageOption {
    BOTH(EnumSet.allOf(Signer.Format.class)),
    TAG(EnumSet.of(Signer.Format.TAG)),
    BUNDLE(EnumSet.of(Signer.Format.BUNDLE));

    static final String HELP = "where to store: tag (cosign's sha256-<hex>.sig/.att tags), bundle (a Sigstore"
            + " bundle v0.3 as an OCI 1.1 referrer) or both (default: ${DEFAULT-VALUE})";

    private final Set<Signer.Format> formats;

    StorageOption(Set<Signer.Format> formats) {
        this.formats = formats;
    }

    Set<Signer.Format> formats() {
        return formats;
    }
}
