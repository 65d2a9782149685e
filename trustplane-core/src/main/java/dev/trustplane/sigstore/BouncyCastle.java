package dev.trustplane.sigstore;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * BouncyCastle as a JCA provider for certificates, used directly and never installed globally.
 * The JDK's X.509 parser refuses certificates whose URI SAN has no scheme, which Fulcio
 * deployments issue for some identity providers; BouncyCastle reads them.
 */
public final class BouncyCastle {
    public static final Provider PROVIDER = new BouncyCastleProvider();

    private BouncyCastle() {
    }
}
