package dev.trustplane.verify;

import dev.trustplane.oci.Digest;
import dev.trustplane.sigstore.Dsse;
import dev.trustplane.sigstore.MalformedEvidenceException;
import dev.trustplane.sigstore.PredicateTypes;
import dev.trustplane.sigstore.Statement;

/**
 * The statement, subject and type stages of a verified DSSE envelope. An in-toto statement must
 * name the artifact as a subject (and, when asked, have the predicate type). An envelope of any
 * other payload type signs its payload itself — what sigstore-python and sigstore-go call a DSSE
 * over an arbitrary payload, and {@code attest-blob --payload-type} writes: the payload must then
 * be the artifact (its digest the artifact's), and the payload type is what {@code --type} names.
 */
final class StatementCheck {
    private StatementCheck() {
    }

    static void check(CheckRun run, Dsse dsse, Digest image, String wantedType) throws MalformedEvidenceException {
        run.stage = "statement";
        if (!dsse.payloadType().equals(Dsse.IN_TOTO)) {
            payload(run, dsse, image, wantedType);
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
        type(run, st.predicateType(), wantedType);
    }

    private static void payload(CheckRun run, Dsse dsse, Digest image, String wantedType) {
        run.predicateType = dsse.payloadType();
        run.kind = Evidence.Kind.ATTESTATION;
        run.add(Check.pass("statement", "payload of type " + dsse.payloadType() + " (no in-toto statement: the"
                + " envelope signs the payload itself)"));
        run.stage = "subject";
        Digest payload = image.algorithm() == Digest.Algorithm.SHA512 ? Digest.of(Digest.Algorithm.SHA512,
                dsse.payload()) : Digest.sha256(dsse.payload());
        if (!payload.equals(image)) {
            run.add(Check.fail("subject", "the envelope's payload is " + payload + ", not " + image));
            return;
        }
        run.add(Check.pass("subject", "the payload is " + image));
        type(run, dsse.payloadType(), wantedType);
    }

    private static void type(CheckRun run, String actual, String wantedType) {
        if (run.kind == Evidence.Kind.ATTESTATION && wantedType != null) {
            run.stage = "type";
            if (!wantedType.equals(actual)) {
                run.add(Check.fail("type", "predicate type is " + actual + ", wanted " + wantedType));
                return;
            }
            run.add(Check.pass("type", wantedType));
        }
    }
}
