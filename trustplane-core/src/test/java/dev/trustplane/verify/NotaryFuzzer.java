package dev.trustplane.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.fuzz.Fixtures;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Digest;
import dev.trustplane.sigstore.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Notary Project JWS envelopes (what a registry serves as a signature referrer's layer) through
 * the whole notary.x509 check against notation's e2e trust store. The check never throws, and an
 * envelope is accepted only when what it signs — protected header, payload and signature — is
 * exactly what notation signed: any other accepted input is a forgery.
 */
public final class NotaryFuzzer {
    private static final Path FIXTURE = Path.of(Fixtures.resourceDirectory(), "verify/notation");
    private static final Digest IMAGE = Digest.parse("sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9");
    private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");
    private static final List<byte[]> REAL = envelopes();
    private static final Set<String> SIGNED = new HashSet<>();
    private static final List<X509Certificate> TRUST;

    static {
        try {
            TRUST = Keys.readCertificates(Files.readString(FIXTURE.resolve("e2e.crt")), "e2e.crt");
            for (byte[] e : REAL) {
                SIGNED.add(signed(e));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private NotaryFuzzer() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        NotaryEnvelope.Result r = NotaryEnvelope.verify(data, IMAGE, TRUST, NOW);
        if (r.signer() != null) {
            String what;
            try {
                what = signed(data);
            } catch (Exception e) {
                throw new IllegalStateException("accepted an envelope that does not parse", e);
            }
            if (!SIGNED.contains(what)) {
                throw new IllegalStateException("accepted a Notary signature notation never made");
            }
        }
    }

    private static String signed(byte[] envelope) throws Exception {
        JsonNode jws = Json.mapper().readTree(envelope);
        return jws.path("protected").asText() + "." + jws.path("payload").asText() + "|" + jws.path("signature").asText();
    }

    private static List<byte[]> envelopes() {
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(FIXTURE)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                byte[] b = Files.readAllBytes(p);
                if (new String(b, 0, Math.min(b.length, 12), StandardCharsets.UTF_8).startsWith("{\"payload\"")) {
                    out.add(b);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    public static List<byte[]> seeds() {
        return REAL;
    }
}
