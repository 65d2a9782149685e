package dev.trustplane.sign;

import dev.trustplane.oci.Digest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Verifies one candidate as ordered stages — read, payload/envelope, signature, statement,
 * subject, type, tlog — stopping at the first stage that fails. Malformed input of any shape
 * ends in a failed stage, never in an exception or an acceptance.
 */
final class EvidenceChecks {
    private final Trust trust;
    private final Digest image;
    private final String wantedType;

    EvidenceChecks(Trust trust, Digest image, String wantedType) {
        this.trust = trust;
        this.image = image;
        this.wantedType = wantedType;
    }

    Evidence check(Candidate c) {
        Run run = new Run(c);
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
        } catch (RuntimeException e) {
            run.add(Check.fail(run.stage, "malformed: " + e.getClass().getSimpleName()));
        }
        return run.result();
    }

    private void simpleSigning(Run run, Candidate.SimpleSig s) {
        run.stage = "payload";
        var payload = SimpleSigning.parse(s.payload());
        if (payload.isEmpty()) {
            run.add(Check.fail("payload", "the layer is not a cosign simple-signing payload"));
            return;
        }
        run.add(Check.pass("payload", "simple signing, type \"" + payload.get().type() + "\""));
        String b64 = s.annotations().getOrDefault(CosignTags.SIGNATURE_ANNOTATION, "");
        run.stage = "signature";
        if (b64.isEmpty()) {
            run.add(Check.fail("signature", "the layer has no " + CosignTags.SIGNATURE_ANNOTATION + " annotation"));
            return;
        }
        byte[] sig;
        try {
            sig = Dsse.base64(b64, "signature");
        } catch (MalformedEvidenceException e) {
            run.add(Check.fail("signature", e.getMessage()));
            return;
        }
        if (s.annotations().containsKey(CosignTags.CERTIFICATE_ANNOTATION) && trust.keys().isEmpty()) {
            run.add(keylessUnsupported());
            return;
        }
        if (!signature(run, (key) -> SignatureAlgorithms.verify(key, s.payload(), sig), null)) {
            return;
        }
        run.stage = "subject";
        Digest signed = payload.get().manifestDigest();
        if (!signed.equals(image)) {
            run.add(Check.fail("subject", "the payload signs " + signed + ", not this image " + image));
            return;
        }
        run.add(Check.pass("subject", "signs " + image + " (identity " + payload.get().dockerReference() + ")"));
        tlog(run, s.annotations().containsKey(CosignTags.BUNDLE_ANNOTATION));
    }

    private void envelope(Run run, Dsse dsse, Map<String, String> annotations) throws MalformedEvidenceException {
        run.stage = "envelope";
        run.add(Check.pass("envelope", "DSSE, payload type " + dsse.payloadType()));
        if (annotations.containsKey(CosignTags.CERTIFICATE_ANNOTATION) && trust.keys().isEmpty()) {
            run.add(keylessUnsupported());
            return;
        }
        if (dsseSignature(run, dsse, null)) {
            statement(run, dsse);
            if (run.ok()) {
                tlog(run, annotations.containsKey(CosignTags.BUNDLE_ANNOTATION));
            }
        }
    }

    private void bundle(Run run, Bundle bundle) throws MalformedEvidenceException {
        run.stage = "envelope";
        run.add(Check.pass("envelope", "Sigstore bundle " + bundle.mediaType().replaceFirst(".*bundle[.+]?", "")
                + (bundle.envelope() != null ? " with a DSSE envelope" : " with a message signature")));
        if (bundle.publicKeyHint() == null) {
            run.add(keylessUnsupported());
            return;
        }
        if (bundle.envelope() != null) {
            if (dsseSignature(run, bundle.envelope(), bundle.publicKeyHint())) {
                statement(run, bundle.envelope());
            }
        } else {
            Bundle.MessageSignature m = bundle.message();
            if (!m.algorithm().equals("SHA2_256")) {
                run.add(Check.fail("signature", "message digest algorithm " + m.algorithm() + " is not SHA2_256"));
                return;
            }
            if (!signature(run, key -> SignatureAlgorithms.verifyPrehashed(key, m.digest(), m.signature()),
                    bundle.publicKeyHint())) {
                return;
            }
            run.stage = "subject";
            String signedHex = HexFormat.of().formatHex(m.digest());
            if (!image.algorithm().prefix().equals("sha256") || !signedHex.equals(image.hex())) {
                run.add(Check.fail("subject", "the message signature covers sha256:" + signedHex + ", not " + image));
                return;
            }
            run.add(Check.pass("subject", "signs " + image));
        }
        if (run.ok()) {
            tlog(run, !bundle.tlogEntries().isEmpty());
        }
    }

    private boolean dsseSignature(Run run, Dsse dsse, String hint) {
        byte[] pae = dsse.pae();
        return signature(run, key -> dsse.signatures().stream()
                .anyMatch(s -> SignatureAlgorithms.verify(key, pae, s.sig())), hint);
    }

    private void statement(Run run, Dsse dsse) throws MalformedEvidenceException {
        run.stage = "statement";
        if (!dsse.payloadType().equals(Dsse.IN_TOTO)) {
            run.add(Check.fail("statement", "payload type is " + dsse.payloadType() + ", not " + Dsse.IN_TOTO));
            return;
        }
        Statement st = Statement.parse(dsse.payload());
        run.predicateType = st.predicateType();
        run.kind = PredicateTypes.COSIGN_SIGN.equals(st.predicateType()) ? Evidence.Kind.SIGNATURE
                : Evidence.Kind.ATTESTATION;
        run.statement = dsse.payload();
        run.add(Check.pass("statement", "in-toto statement, predicate " + st.predicateType()));
        run.stage = "subject";
        if (!st.covers(image)) {
            run.add(Check.fail("subject", "the statement is about " + st.subjects().stream()
                    .map(s -> s.digest().toString()).toList() + ", not this image " + image));
            return;
        }
        run.add(Check.pass("subject", "covers " + image));
        if (run.kind == Evidence.Kind.ATTESTATION && wantedType != null) {
            run.stage = "type";
            if (!wantedType.equals(st.predicateType())) {
                run.add(Check.fail("type", "predicate type is " + st.predicateType() + ", wanted " + wantedType));
                return;
            }
            run.add(Check.pass("type", wantedType));
        }
    }

    private boolean signature(Run run, java.util.function.Predicate<PublicKey> verifies, String hint) {
        run.stage = "signature";
        if (trust.keys().isEmpty()) {
            run.add(Check.fail("signature", "no public key to verify with; pass --key"));
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
                return true;
            }
        }
        run.add(Check.fail("signature", "does not verify with " + (trust.keys().size() == 1 ? "the given key"
                : "any of the " + trust.keys().size() + " given keys") + (hint == null ? ""
                : " (the bundle names key " + hint + ")")));
        return false;
    }

    private void tlog(Run run, boolean hasEntry) {
        run.stage = "tlog";
        if (trust.ignoreTlog()) {
            run.add(Check.skip("tlog", "transparency log not checked (--insecure-ignore-tlog)"));
        } else if (hasEntry) {
            run.add(Check.error("tlog", "a transparency-log entry is attached, but checking it needs a trusted root"
                    + " with the log's key, which key-based verification does not take yet; pass"
                    + " --insecure-ignore-tlog to rely on the key alone"));
        } else {
            run.add(Check.fail("tlog", "no transparency-log entry: the signature was never logged; pass"
                    + " --insecure-ignore-tlog to accept key-based signatures kept off the log"));
        }
    }

    private static Check keylessUnsupported() {
        return Check.error("certificate", "signed keylessly (with a certificate); this verifier checks key-based"
                + " signatures only so far — verify with `cosign verify --certificate-identity …` meanwhile");
    }

    /** The checks of one candidate, accumulated stage by stage. */
    private static final class Run {
        private final Candidate candidate;
        private final List<Check> checks = new ArrayList<>();
        private String stage = "read";
        private Evidence.Kind kind;
        private String predicateType;
        private String signer;
        private byte[] statement;

        Run(Candidate candidate) {
            this.candidate = candidate;
            this.kind = candidate.kindHint();
            this.predicateType = candidate.predicateTypeHint();
        }

        void add(Check check) {
            checks.add(check);
        }

        boolean ok() {
            return checks.stream().noneMatch(c -> c.status() == Check.Status.FAIL || c.status() == Check.Status.ERROR);
        }

        Evidence result() {
            boolean verified = ok() && !checks.isEmpty();
            return new Evidence(kind, candidate.format(), candidate.location(), predicateType,
                    verified ? signer : null, checks, verified ? statement : null);
        }
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
