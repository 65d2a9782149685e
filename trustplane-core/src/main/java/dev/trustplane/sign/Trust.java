package dev.trustplane.sign;

import java.security.PublicKey;
import java.util.List;

/**
 * What a verification trusts: public keys, and whether the transparency-log stage is skipped
 * (cosign's {@code --insecure-ignore-tlog}, Kyverno's {@code rekor.ignoreTlog}).
 */
public record Trust(List<PublicKey> keys, boolean ignoreTlog) {

    public Trust {
        keys = List.copyOf(keys);
    }

    public static Trust keys(List<PublicKey> keys, boolean ignoreTlog) {
        return new Trust(keys, ignoreTlog);
    }
}
