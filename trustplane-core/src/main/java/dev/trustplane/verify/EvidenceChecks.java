package dev.trustplane.verify;

import dev.trustplane.error.Outcome;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Digest;
import dev.trustplane.sigstore.Bundle;
import dev.trustplane.sigstore.CosignTags;
import dev.trustplane.sigstore.Dsse;
import dev.trustplane.sigstore.FulcioCertificate;
import dev.trustplane.sigstore.Keys;
import dev.trustplane.sigstore.MalformedEvidenceException;
import dev.trustplane.sigstore.SignatureAlgorithms;
import dev.trustplane.sigstore.SimpleSigning;
import dev.trustplane.sigstore.TlogEntry;
import dev.trustplane.sigstore.TrustedRoot;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Verifies one candidate as ordered stages, stopping at the first that fails. Key-based:
 * payload/envelope → signature → statement → subject → type → tlog. Keyless: payload/envelope →
 * signature (with the certificate's key) → tlog (gives the signing time) → certificate (chain to
 * the trusted root at that time) → sct → identity → statement → subject → type. Then, when any
 * signer is revoked, revocation (see {@link Revocations}). Malformed input of
 * any shape ends in a failed stage, never in an exception or an acceptance.
 */
public final class EvidenceChecks {
    private final Trust trust;
    private final Digest image;
    private final String wantedType;
    private final Instant now;
    private final BlobSubject blob;
    private final String reference;

    public EvidenceChecks(Trust trust, Digest image, String wantedType) {
        this(trust, image, wantedType, Instant.now());
    }

    public EvidenceChecks(Trust trust, Digest image, String wantedType, Instant now) {
        this(trust, image, wantedType, now, null);
    }

    /**
     * With {@code blob} non-null the subject is that file (verify-blob): a message signature may
     * then cover its SHA-384 or SHA-512 digest, or the file itself (pure Ed25519).
     */
    public EvidenceChecks(Trust trust, Digest image, String wantedType, Instant now, BlobSubject blob) {
        this(trust, image, wantedType, now, blob, null);
    }

    private EvidenceChecks(Trust trust, Digest image, String wantedType, Instant now, BlobSubject blob,
            String reference) {
        this.trust = trust;
        this.image = image;
        this.wantedType = wantedType;
        this.now = now;
        this.blob = blob;
        this.reference = reference;
    }

    /**
     * The same checks for an image called {@code imageReference} (as the user or the workload
     * names it): what a {@link Trust#signedIdentity()} check compares a signature's docker-reference with.
     */
    public EvidenceChecks named(String imageReference) {
        return new EvidenceChecks(trust, image, wantedType, now, blob, imageReference);
    }

    public Evidence check(Candidate c) {
        CheckRun run = new CheckRun(c);
        run.stage = switch (c.content()) {
            case Candidate.Unreadable u -> "read";
            case Candidate.SimpleSig s -> "payload";
            case Candidate.Envelope e -> "envelope";
            case Candidate.BundleBytes b -> "envelope";
        };
        try {
            switch (c.content()) {
                case Candidate.Unreadable u -> run.add(Check.error("read", u.reason()));
                case Candidate.SimpleSig s -> simpleSigning(run, s);
                case Candidate.Envelope e -> envelope(run, Dsse.parse(e.json()), e.annotations());
                case Candidate.BundleBytes b -> bundle(run, Bundle.parse(b.json()));
            }
        } catch (MalformedEvidenceException e) {
            run.add(Check.fail(run.stage, e.getMessage()));
        } catch (TrustplaneException e) {
            run.add(Check.fail(run.stage, e.getMessage()));
        } catch (RuntimeException e) {
            run.add(Check.fail(run.stage, "malformed: " + e.getClass().getSimpleName()));
        }
        revocation(run);
        return run.result();
    }

    /**
     * The last stage, when anything is revoked: evidence that passed every other stage fails here
     * when its signer was revoked for a signature made at its proven signing time (or at all,
     * when no log or timestamp proves one).
     */
    private void revocation(CheckRun run) {
        Revocations revoked = trust.revocations();
        if (revoked.isEmpty() || run.signer == null || !run.ok() || run.checks.isEmpty()) {
            return;
        }
        Check check = revoked.check(run.signer, run.issuer, run.signedAt);
        run.revoked = check.status() == Outcome.FAIL;
        run.add(check);
    }

    /** The tlog stage was skipped: it gives no signing time. */
    private static final Instant NO_TIME = Instant.MIN;
    /** The tlog stage's answer for a Rekor v2 entry: logged, at no time of its own. */
    private static final Instant REKOR_V2 = Instant.MIN.plusSeconds(1);

    private void simpleSigning(CheckRun run, Candidate.SimpleSig s) throws MalformedEvidenceException {
        var payload = SimpleSigning.parse(s.payload());
        if (payload.isEmpty()) {
            run.add(Check.fail("payload", "the layer is not a cosign simple-signing payload"));
            return;
        }
        run.add(Check.pass("payload", "simple signing, type \"" + payload.get().type() + "\""));
        run.stage = "signature";
        String b64 = s.annotations().getOrDefault(CosignTags.SIGNATURE_ANNOTATION, "");
        if (b64.isEmpty()) {
            run.add(Check.fail("signature", "the layer has no " + CosignTags.SIGNATURE_ANNOTATION + " annotation"));
            return;
        }
        byte[] sig = Dsse.base64(b64, "signature");
        Material material = Material.of(s.annotations());
        if (!signed(run, material, key -> SignatureAlgorithms.verify(key, s.payload(), sig), null,
                new TlogCheck.Signed(sha256Hex(s.payload()), List.of(sig), null))) {
            return;
        }
        run.stage = "subject";
        Digest signedDigest = payload.get().manifestDigest();
        if (!signedDigest.equals(image)) {
            run.add(Check.fail("subject", "the payload signs " + signedDigest + ", not this image " + image));
            return;
        }
        run.add(Check.pass("subject", "signs " + image + " (identity " + payload.get().dockerReference() + ")"));
        signedIdentity(run, payload.get().dockerReference());
    }

    /**
     * The identity stage of a signature when the trust asks for one: the docker-reference it signs
     * ({@code null}: it names none, as a bundle's message signature) must fit the image's name.
     */
    private void signedIdentity(CheckRun run, String dockerReference) {
        SignedIdentity rule = trust.signedIdentity();
        if (rule == null) {
            return;
        }
        run.stage = "signed-identity";
        if (reference == null) {
            run.add(Check.fail("signed-identity", "the image's name is not known here, so its signed identity"
                    + " cannot be checked"));
        } else if (dockerReference == null) {
            run.add(Check.fail("signed-identity", "the signature names no docker-reference (a message signature"
                    + " over the digest); a signed-identity check needs a simple-signing signature"));
        } else {
            String why = rule.mismatch(reference, dockerReference);
            run.add(why == null ? Check.pass("signed-identity", dockerReference + " may vouch for " + reference)
                    : Check.fail("signed-identity", why));
        }
    }

    private void envelope(CheckRun run, Dsse dsse, Map<String, String> annotations) throws MalformedEvidenceException {
        run.add(Check.pass("envelope", "DSSE, payload type " + dsse.payloadType()));
        if (dsseSigned(run, dsse, Material.of(annotations), null)) {
            StatementCheck.check(run, dsse, image, wantedType);
        }
    }

    private void bundle(CheckRun run, Bundle bundle) throws MalformedEvidenceException {
        run.add(Check.pass("envelope", "Sigstore bundle " + bundle.mediaType().replaceFirst(".*bundle[.+]?", "")
                + (bundle.envelope() != null ? " with a DSSE envelope" : " with a message signature")));
        Material material = Material.of(bundle);
        if (bundle.envelope() != null) {
            if (bundle.envelope().signatures().size() != 1) {
                run.add(Check.fail("envelope", "the bundle's DSSE envelope has " + bundle.envelope().signatures().size()
                        + " signatures; a Sigstore bundle carries exactly one (sigstore-go's rule), since its log"
                        + " entry and certificate vouch for a single signature"));
                return;
            }
            if (dsseSigned(run, bundle.envelope(), material, bundle.publicKeyHint())) {
                StatementCheck.check(run, bundle.envelope(), image, wantedType);
            }
            return;
        }
        message(run, bundle.message(), material, bundle.publicKeyHint());
    }

    /**
     * A message signature: over the digest the bundle names (SHA-256/384/512; ECDSA, RSA PKCS#1
     * v1.5 or PSS, Ed25519ph), or for pure Ed25519 over the file itself; the digest must be the
     * artifact's in that algorithm.
     */
    private void message(CheckRun run, Bundle.MessageSignature m, Material material, String hint) {
        String hash = BlobSubject.jcaHash(m.algorithm());
        if (hash == null) {
            run.add(Check.fail("signature", "message digest algorithm " + m.algorithm()
                    + " is not one of SHA2_256, SHA2_384, SHA2_512"));
            return;
        }
        if (blob == null && !hash.equals("SHA-512") && (material.certificate() != null
                ? SignatureAlgorithms.isEd25519(material.certificate().getPublicKey())
                : !trust.keys().isEmpty() && trust.keys().stream().allMatch(SignatureAlgorithms::isEd25519))) {
            run.add(Check.fail("signature", "an Ed25519 message signature signs the file itself, not its digest:"
                    + " verify it against the file"));
            return;
        }
        Predicate<PublicKey> verifies = key -> SignatureAlgorithms.verifyDigest(key, hash, m.digest(), m.signature())
                || blob != null && blob.verifyEd25519(key, m.signature());
        if (!signed(run, material, verifies, hint, new TlogCheck.Signed(HexFormat.of().formatHex(m.digest()),
                List.of(m.signature()), null))) {
            return;
        }
        run.stage = "subject";
        String signedHex = HexFormat.of().formatHex(m.digest());
        String prefix = m.algorithm().replace("SHA2_", "sha");
        byte[] expected = blob != null ? blob.digest(hash)
                : image.algorithm().prefix().equals(prefix) ? HexFormat.of().parseHex(image.hex()) : null;
        if (expected == null) {
            run.add(Check.fail("subject", "the message signature covers a " + m.algorithm() + " digest, " + prefix + ":"
                    + signedHex + "; verify it against the file rather than its " + image.algorithm().prefix()
                    + " digest"));
            return;
        }
        if (!MessageDigest.isEqual(expected, m.digest())) {
            run.add(Check.fail("subject", "the message signature covers " + prefix + ":" + signedHex + ", not "
                    + (blob != null ? prefix + ":" + HexFormat.of().formatHex(expected) + " of " + blob.file()
                    : image.toString())));
            return;
        }
        run.add(Check.pass("subject", "signs " + (prefix.equals("sha256") ? image : prefix + ":" + signedHex)));
        if (blob == null) {
            signedIdentity(run, null);
        }
    }

    private boolean dsseSigned(CheckRun run, Dsse dsse, Material material, String hint) {
        byte[] pae = dsse.pae();
        List<byte[]> sigs = dsse.signatures().stream().map(Dsse.Sig::sig).toList();
        return signed(run, material, key -> sigs.stream().anyMatch(s -> SignatureAlgorithms.verifyDsse(key, pae, s)),
                hint, new TlogCheck.Signed(sha256Hex(dsse.payload()), sigs, null, sha256Hex(pae)));
    }

    /** The signature, tlog, certificate, sct and identity stages; true when all passed. */
    private boolean signed(CheckRun run, Material material, Predicate<PublicKey> verifies, String hint,
            TlogCheck.Signed what) {
        run.stage = "signature";
        if (material.certificate() != null && trust.keyless()) {
            return keyless(run, material, verifies, what);
        }
        if (trust.keys().isEmpty()) {
            run.add(material.certificate() != null
                    ? Check.fail("signature", "signed keylessly; pass --certificate-identity[-regexp],"
                            + " --certificate-oidc-issuer[-regexp] and --trusted-root to verify it")
                    : Check.fail("signature", "signed with a key; pass --key with its public key to verify it"));
            return false;
        }
        List<PublicKey> ordered = new ArrayList<>(trust.keys());
        if (hint != null) {
            ordered.sort((a, b) -> Boolean.compare(!Keys.hint(a).equals(hint), !Keys.hint(b).equals(hint)));
        }
        for (PublicKey key : ordered) {
            if (verifies.test(key)) {
                run.signer = Keys.hint(key);
                run.add(Check.pass("signature", "verified with key " + run.signer));
                Instant logged = tlog(run, material, what.withVerifier(key.getEncoded()));
                if (logged == null) {
                    return false;
                }
                if (material.timestamps().isEmpty() || trust.root() == null) {
                    return rekorV2Timed(run, logged, null);
                }
                Instant stamped = timestamp(run, material.timestamps(), what.signatures());
                return stamped != null && rekorV2Timed(run, logged, stamped);
            }
        }
        run.add(Check.fail("signature", "does not verify with " + (trust.keys().size() == 1 ? "the given key"
                : "any of the " + trust.keys().size() + " given keys") + (hint == null || hint.isEmpty() ? ""
                : " (the bundle names key " + hint + ")")));
        return false;
    }

    private boolean keyless(CheckRun run, Material material, Predicate<PublicKey> verifies, TlogCheck.Signed what) {
        X509Certificate leaf = material.certificate();
        if (!verifies.test(leaf.getPublicKey())) {
            run.add(Check.fail("signature", "does not verify with the certificate's key"));
            return false;
        }
        run.add(Check.pass("signature", "verified with the certificate's key"));
        Instant logged = tlog(run, material, what.withVerifier(TlogCheck.verifierDer(leaf)));
        if (logged == null) {
            return false;
        }
        List<Instant> times = new ArrayList<>();
        if (logged != NO_TIME && logged != REKOR_V2) {
            times.add(logged);
        }
        if (!material.timestamps().isEmpty()) {
            Instant stamped = timestamp(run, material.timestamps(), what.signatures());
            if (stamped == null || !rekorV2Timed(run, logged, stamped)) {
                return false;
            }
            times.add(stamped);
        } else if (!rekorV2Timed(run, logged, null)) {
            return false;
        }
        if (times.isEmpty()) {
            times.add(now);
        }
        run.stage = "certificate";
        TrustedRoot.Authority ca = null;
        for (Instant time : times) {
            String[] why = new String[1];
            ca = CertificateCheck.verify(leaf, material.chain(), trust.root(), time, why);
            if (ca == null) {
                run.add(Check.fail("certificate", why[0]));
                return false;
            }
        }
        run.add(Check.pass("certificate", "chains to " + (ca.uri().isEmpty() ? "a trusted authority" : ca.uri())
                + ", valid at " + times.stream().map(Instant::toString).toList()));
        run.stage = "sct";
        if (trust.ignoreSct()) {
            run.add(Check.skip("sct", "certificate transparency not checked (--insecure-ignore-sct)"));
        } else {
            String sct = SctCheck.verify(leaf, ca.chain().get(0), trust.root());
            if (sct != null) {
                run.add(Check.fail("sct", sct));
                return false;
            }
            run.add(Check.pass("sct", "embedded SCT verified"));
        }
        run.stage = "identity";
        FulcioCertificate fulcio = new FulcioCertificate(leaf);
        List<String> reasons = new ArrayList<>();
        for (CertificateIdentity id : trust.identities()) {
            String mismatch = id.mismatch(fulcio);
            if (mismatch == null) {
                run.signer = fulcio.subjects().stream().filter(id::subjectMatches).findFirst().orElse("?");
                run.issuer = fulcio.issuer();
                run.add(Check.pass("identity", run.signer + (fulcio.issuer() == null ? " (no OIDC issuer; none required)"
                        : " from " + fulcio.issuer())));
                return true;
            }
            reasons.add(mismatch);
        }
        run.add(Check.fail("identity", String.join("; ", reasons)));
        return false;
    }

    /** The tlog stage; returns the signing time (the entry's, or now when skipped), null when it failed. */
    private Instant tlog(CheckRun run, Material material, TlogCheck.Signed signed) {
        List<TlogEntry> entries = material.entries();
        run.stage = "tlog";
        if (trust.ignoreTlog()) {
            run.add(Check.skip("tlog", "transparency log not checked (--insecure-ignore-tlog)"));
            return NO_TIME;
        }
        if (entries.isEmpty()) {
            run.add(Check.fail("tlog", "no transparency-log entry: the signature was never logged; pass"
                    + " --insecure-ignore-tlog to accept key-based signatures kept off the log"));
            return null;
        }
        if (trust.root() == null) {
            run.add(Check.error("tlog", "a transparency-log entry is attached, but checking it needs the log's key:"
                    + " pass --trusted-root, or --insecure-ignore-tlog to rely on the key alone"));
            return null;
        }
        String last = null;
        for (TlogEntry e : entries) {
            String why = TlogCheck.verify(e, trust.root(), signed, material.proofRequired());
            if (why == null && e.rekorV2()) {
                run.rekorV2Log = trust.root().tlog(e.logId()).orElseThrow();
                run.add(Check.pass("tlog", "logged in Rekor v2 log " + run.rekorV2Log.baseUrl() + " at index "
                        + e.logIndex() + " (inclusion proof and checkpoint verified; the time comes from the"
                        + " timestamp)"));
                return REKOR_V2;
            }
            if (why == null) {
                Instant time = Instant.ofEpochSecond(e.integratedTime());
                run.provenAt(time);
                run.add(Check.pass("tlog", "logged at index " + e.logIndex() + " at " + time
                        + (e.proof() != null ? " (inclusion proof and checkpoint verified)" : " (SET verified)")));
                return time;
            }
            last = why;
        }
        run.add(Check.fail("tlog", last));
        return null;
    }

    /**
     * A Rekor v2 entry has no time of its own: an RFC 3161 timestamp must give it, and the log's
     * key must have been valid then. True for every other entry.
     */
    private boolean rekorV2Timed(CheckRun run, Instant logged, Instant stamped) {
        if (logged != REKOR_V2) {
            return true;
        }
        if (stamped == null) {
            run.add(Check.fail("timestamp", "the Rekor v2 entry carries no time and the bundle has no RFC 3161"
                    + " timestamp to give one; a signing time cannot be established"));
            return false;
        }
        if (!run.rekorV2Log.validAt(stamped)) {
            run.add(Check.fail("tlog", "the Rekor v2 log " + run.rekorV2Log.baseUrl() + " was not trusted at the"
                    + " timestamp's time " + stamped));
            return false;
        }
        return true;
    }

    /** The timestamp stage: one RFC 3161 token from a trusted authority over the signature; its time, or null. */
    private Instant timestamp(CheckRun run, List<byte[]> timestamps, List<byte[]> signatures) {
        run.stage = "timestamp";
        if (trust.root() == null) {
            run.add(Check.error("timestamp", "an RFC 3161 timestamp is attached; checking it needs --trusted-root"));
            return null;
        }
        String last = null;
        for (byte[] t : timestamps) {
            for (byte[] sig : signatures) {
                String[] why = new String[1];
                Instant time = TimestampCheck.verify(t, sig, trust.root(), why);
                if (time != null) {
                    run.provenAt(time);
                    run.add(Check.pass("timestamp", "RFC 3161 timestamp " + time + " from a trusted authority"));
                    return time;
                }
                last = why[0];
            }
        }
        run.add(Check.fail("timestamp", last));
        return null;
    }

    public static String sha256Hex(byte[] data) {
        return Digest.sha256(data).hex();
    }
}
