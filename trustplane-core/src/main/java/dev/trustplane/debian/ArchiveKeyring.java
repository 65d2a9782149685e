package dev.trustplane.debian;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPDetachedSignatureProcessor;
import org.bouncycastle.openpgp.api.OpenPGPKeyReader;
import org.bouncycastle.openpgp.api.OpenPGPSignature;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPImplementation;

/**
 * The OpenPGP certificates an archive's {@code InRelease} must be signed with (like apt's
 * {@code Signed-By}). Verification checks the signature and that the signing key was valid —
 * not expired, not revoked, properly bound — when it signed.
 */
public final class ArchiveKeyring {
    public static final Path DEBIAN_DEFAULT = Path.of("/usr/share/keyrings/debian-archive-keyring.gpg");

    private final String source;
    private final List<OpenPGPCertificate> certificates;

    private ArchiveKeyring(String source, List<OpenPGPCertificate> certificates) {
        this.source = source;
        this.certificates = List.copyOf(certificates);
    }

    public static ArchiveKeyring load(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "Keyring " + file + " does not exist; install the"
                    + " package debian-archive-keyring or set `keyring:` in the image spec to a key file", e);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read keyring " + file + ": " + e, e);
        }
    }

    /** Reads binary or ASCII-armoured public keys (one or many). */
    public static ArchiveKeyring parse(byte[] keys, String source) {
        try {
            List<OpenPGPCertificate> certs = new OpenPGPKeyReader(new BcOpenPGPImplementation())
                    .parseKeysOrCertificates(keys);
            if (certs.isEmpty()) {
                throw new IOException("no public keys found");
            }
            return new ArchiveKeyring(source, certs);
        } catch (IOException | RuntimeException e) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Keyring " + source
                    + " holds no readable OpenPGP public keys (" + e.getMessage() + "); pass a keyring exported with"
                    + " `gpg --export` (binary) or `gpg --export --armor`", e);
        }
    }

    public String source() {
        return source;
    }

    public int size() {
        return certificates.size();
    }

    /**
     * Checks a cleartext-signed {@code InRelease} and returns the signed text. Refuses it unless at
     * least one signature is from a key in this keyring that was valid when it signed, and no
     * signature from a key of this keyring is bad. Synchronized: BouncyCastle's certificates cache
     * their validity lazily and are not safe to evaluate from several threads at once.
     */
    public synchronized String verify(byte[] inRelease, String what, Instant now) {
        Cleartext signed = Cleartext.split(inRelease, what);
        try {
            OpenPGPDetachedSignatureProcessor processor = new OpenPGPDetachedSignatureProcessor(
                    new BcOpenPGPImplementation());
            processor.verifyNotAfter(Date.from(now.plusSeconds(86_400)));
            for (OpenPGPCertificate cert : certificates) {
                processor.addVerificationCertificate(cert);
            }
            List<String> problems = new ArrayList<>();
            processor.setExceptionCallback(e -> problems.add(e.getMessage()));
            processor.addSignatures(new ArmoredInputStream(new ByteArrayInputStream(signed.signatureBlock())));
            List<OpenPGPSignature.OpenPGPDocumentSignature> signatures =
                    processor.process(new ByteArrayInputStream(signed.canonicalData()));
            int good = 0;
            for (OpenPGPSignature.OpenPGPDocumentSignature sig : signatures) {
                boolean valid = sig.getIssuerCertificate() != null && sig.isValid();
                if (valid) {
                    good++;
                } else if (sig.getIssuerCertificate() != null) {
                    throw refused(what, "a signature by key " + sig.getKeyIdentifier() + " from " + source
                            + " is bad or the key was not valid when it signed");
                }
            }
            if (good == 0) {
                throw refused(what, "no valid signature by a key in " + source
                        + (problems.isEmpty() ? "" : " (" + String.join("; ", problems) + ")"));
            }
            return signed.text();
        } catch (TrustplaneException e) {
            throw e;
        } catch (IOException | PGPException | RuntimeException e) {
            // Bouncy Castle reports some malformed packets (an unknown packet version, a bad
            // length) with unchecked exceptions: a signature it cannot read is refused all the same
            throw refused(what, "its signature cannot be read (" + e.getMessage() + ")");
        }
    }

    private TrustplaneException refused(String what, String why) {
        return new TrustplaneException(ErrorKind.INTEGRITY, "Refusing " + what + ": " + why
                + "; check the archive URL and the keyring (`keyring:` in the image spec)");
    }

    /** A cleartext-signed message split into its text and its signature block (RFC 9580 §7). */
    record Cleartext(String text, byte[] canonicalData, byte[] signatureBlock) {
        static Cleartext split(byte[] bytes, String what) {
            String all = new String(bytes, StandardCharsets.UTF_8);
            String[] lines = all.split("\r?\n", -1);
            int i = 0;
            if (lines.length == 0 || !lines[0].strip().equals("-----BEGIN PGP SIGNED MESSAGE-----")) {
                throw new TrustplaneException(ErrorKind.INTEGRITY, "Refusing " + what
                        + ": it is not an OpenPGP cleartext-signed file; the archive must serve a signed InRelease");
            }
            i++;
            while (i < lines.length && !lines[i].isEmpty()) {
                i++;
            }
            i++;
            List<String> body = new ArrayList<>();
            while (i < lines.length && !lines[i].equals("-----BEGIN PGP SIGNATURE-----")) {
                String line = lines[i++];
                body.add(line.startsWith("- ") ? line.substring(2) : line);
            }
            if (i >= lines.length) {
                throw new TrustplaneException(ErrorKind.INTEGRITY, "Refusing " + what + ": it has no signature block");
            }
            ByteArrayOutputStream sig = new ByteArrayOutputStream();
            for (int k = i; k < lines.length; k++) {
                sig.writeBytes((lines[k] + "\n").getBytes(StandardCharsets.UTF_8));
            }
            ByteArrayOutputStream canonical = new ByteArrayOutputStream();
            StringBuilder text = new StringBuilder();
            for (int k = 0; k < body.size(); k++) {
                String stripped = body.get(k).replaceAll("[ \t\r]+$", "");
                if (k > 0) {
                    canonical.writeBytes(new byte[] {'\r', '\n'});
                }
                canonical.writeBytes(stripped.getBytes(StandardCharsets.UTF_8));
                text.append(body.get(k)).append('\n');
            }
            return new Cleartext(text.toString(), canonical.toByteArray(), sig.toByteArray());
        }
    }
}
