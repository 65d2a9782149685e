package dev.trustplane.server;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.sigstore.Keys;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The serving key and certificate chain, read from PEM files and read again when either file
 * changes (cert-manager and kubelet rotate mounted Secrets in place): checked at most every
 * {@code checkMillis} during handshakes. A half-written or broken pair is reported and the
 * previous pair kept, so a rotation in progress never takes the webhook down.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
    private final Path certFile;
    private final Path keyFile;
    private final long checkMillis;
    private final AtomicReference<Loaded> current = new AtomicReference<>();
    private volatile long nextCheck;
    private final Consumer<String> warn;

    private record Loaded(X509ExtendedKeyManager manager, FileTime certTime, FileTime keyTime, X509Certificate leaf) {
    }

    ReloadingKeyManager(Path certFile, Path keyFile, long checkMillis, Consumer<String> warn) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.checkMillis = checkMillis;
        this.warn = warn;
        current.set(load());
    }

    /** The certificate being served now. */
    X509Certificate certificate() {
        maybeReload();
        return current.get().leaf();
    }

    private Loaded load() {
        try {
            FileTime ct = Files.getLastModifiedTime(certFile);
            FileTime kt = Files.getLastModifiedTime(keyFile);
            List<X509Certificate> chain = Keys.readCertificates(Files.readString(certFile, StandardCharsets.US_ASCII),
                    certFile.toString());
            PrivateKey key = Keys.readPrivate(Files.readAllBytes(keyFile), keyFile.toString(), prompt -> {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "TLS key " + keyFile + " is encrypted;"
                        + " the webhook needs an unencrypted PKCS#8 or EC key (as `trustplane admission certs` writes)");
            }).privateKey();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] none = new char[0];
            ks.setKeyEntry("serving", key, none, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, none);
            X509ExtendedKeyManager m = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
            if (!chain.get(0).getPublicKey().equals(derivePublic(m))) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, "TLS key " + keyFile
                        + " does not belong to the certificate in " + certFile);
            }
            return new Loaded(m, ct, kt, chain.get(0));
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Could not read the TLS files " + certFile + " and " + keyFile
                    + ": " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "The TLS files " + certFile + " and " + keyFile
                    + " do not make a usable key pair: " + e.getMessage());
        }
    }

    private static PublicKey derivePublic(X509ExtendedKeyManager m) {
        X509Certificate[] chain = m.getCertificateChain("serving");
        return chain == null || chain.length == 0 ? null : chain[0].getPublicKey();
    }

    private void maybeReload() {
        long now = System.currentTimeMillis();
        if (now < nextCheck) {
            return;
        }
        nextCheck = now + checkMillis;
        try {
            Loaded l = current.get();
            if (Files.getLastModifiedTime(certFile).equals(l.certTime()) && Files.getLastModifiedTime(keyFile).equals(l.keyTime())) {
                return;
            }
            current.set(load());
            warn.accept("TLS certificate reloaded from " + certFile + " (serial "
                    + current.get().leaf().getSerialNumber().toString(16) + ")");
        } catch (IOException | RuntimeException e) {
            warn.accept("TLS files changed but could not be loaded (" + e.getMessage() + "); still serving the previous"
                    + " certificate");
        }
    }

    private X509ExtendedKeyManager delegate() {
        maybeReload();
        return current.get().manager();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate().getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return delegate().chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate().getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return delegate().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return delegate().chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return current.get().manager().getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return current.get().manager().getPrivateKey(alias);
    }
}
