package dev.trustplane.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.registry.CredentialProvider;
import dev.trustplane.verify.VerificationReport;
import java.util.Map;

/** What the engine asks of the outside world: tag resolution and signature/attestation verification. */
public interface ImageVerifier {

    /** The manifest digest {@code image}'s tag points to; throws when the registry cannot say. */
    Digest resolve(ImageReference image, boolean useCache);

    /**
     * The signatures of {@code digest} checked against {@code attestor}; evidence is read from
     * {@code repository} when given (cosign's COSIGN_REPOSITORY), else from the image's own.
     */
    VerificationReport signatures(ImageReference image, Digest digest, String repository, Attestor attestor,
            boolean useCache);

    /** The attestations of {@code digest} of {@code predicateType}, checked against {@code attestor}. */
    VerificationReport attestations(ImageReference image, Digest digest, String repository, Attestor attestor,
            String predicateType, boolean useCache);

    /**
     * What Kyverno's {@code imageRegistry} context entry gives for {@code image}: {@code image},
     * {@code resolvedImage} (pinned), {@code registry}, {@code repository}, {@code identifier}, the
     * {@code manifestList} when the reference names an index, the (linux/amd64) {@code manifest},
     * and its {@code configData}. Throws when the registry cannot say.
     */
    default JsonNode imageData(ImageReference image) {
        throw new TrustplaneException(ErrorKind.UNSUPPORTED, "image " + image + " cannot be read from its registry"
                + " here (imageRegistry context entries need registry access)");
    }

    /**
     * This verifier reading registries with {@code credentials} before its own (a pod's
     * {@code imagePullSecrets}, a policy's {@code imageRegistryCredentials.secrets});
     * {@code fingerprint} names them (Secrets and versions) for the caches. Verifiers without
     * registries ignore it.
     */
    default ImageVerifier withCredentials(CredentialProvider credentials, String fingerprint) {
        return this;
    }

    /**
     * {@code delegate} with the digests of some images fixed ({@code digests}: the image as
     * written → {@code sha256:…}): a drift pass verifies what a pod runs, not where its tag points.
     */
    static ImageVerifier withDigests(ImageVerifier delegate, Map<String, String> digests) {
        Map<String, String> fixed = Map.copyOf(digests);
        return new ImageVerifier() {
            @Override
            public Digest resolve(ImageReference image, boolean useCache) {
                if (image.digest() != null) {
                    return image.digest();
                }
                String d = fixed.get(image.toString());
                return d != null ? Digest.parse(d) : delegate.resolve(image, useCache);
            }

            @Override
            public VerificationReport signatures(ImageReference image, Digest digest, String repository,
                    Attestor attestor, boolean useCache) {
                return delegate.signatures(image, digest, repository, attestor, useCache);
            }

            @Override
            public VerificationReport attestations(ImageReference image, Digest digest, String repository,
                    Attestor attestor, String predicateType, boolean useCache) {
                return delegate.attestations(image, digest, repository, attestor, predicateType, useCache);
            }

            @Override
            public JsonNode imageData(ImageReference image) {
                return delegate.imageData(image);
            }

            @Override
            public ImageVerifier withCredentials(CredentialProvider credentials, String fingerprint) {
                return withDigests(delegate.withCredentials(credentials, fingerprint), fixed);
            }
        };
    }
}
