package dev.trustplane.sigstore;

import java.math.BigInteger;
import java.security.Provider;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.RSAPublicKeySpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
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

    /** The public point s·G of the curve {@code spec}: what an EC private key without its public part implies. */
    static ECPoint publicPoint(ECParameterSpec spec, BigInteger s) {
        var q = EC5Util.convertSpec(spec).getG().multiply(s).normalize();
        return new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
    }

    /** The modulus and exponent of a PKCS#1 {@code RSAPublicKey} (RFC 8017 A.1.1), as trusted roots may hold keys. */
    static RSAPublicKeySpec pkcs1Rsa(byte[] der) {
        RSAPublicKey k = RSAPublicKey.getInstance(der);
        return new RSAPublicKeySpec(k.getModulus(), k.getPublicExponent());
    }

    /** An SEC 1 EC private key structure (RFC 5915), as PEM "EC PRIVATE KEY" and PKCS#8 hold it. */
    static ECPrivateKey sec1(ASN1Encodable encoded) {
        return ECPrivateKey.getInstance(encoded);
    }
}
