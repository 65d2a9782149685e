package dev.trustplane.policy;

import java.util.List;

/**
 * One {@code verifyImages} entry: the images it covers and what each must carry.
 *
 * @param attestors    every set must be satisfied (each by {@code count} of its entries)
 * @param attestations every predicate type must be present, verified and satisfy its conditions
 * @param mutateDigest pin {@code tag} to {@code tag@digest} in the mutating webhook
 * @param verifyDigest the image must be pinned by digest when it is validated
 * @param required     Kyverno's flag; Trustplane always verifies in both webhooks (ADR 007)
 * @param repository   where signatures live when not next to the image (cosign's COSIGN_REPOSITORY)
 * @param useCache     whether verification results may come from the cache
 * @param action       the rule's failure action, this entry's own when it sets one
 * @param validate     {@code validate.deny}: refuse the image when these conditions hold (over the
 *                     request, the rule's context and the named attestations' predicates); may be null
 * @param registrySecrets {@code imageRegistryCredentials.secrets}: pull secrets in Trustplane's own
 *                     namespace whose credentials reach the image's registry
 */
record ImageRule(List<String> imageReferences, List<String> skipImageReferences, List<AttestorSet> attestors,
        List<AttestationCheck> attestations, boolean mutateDigest, boolean verifyDigest, boolean required,
        String repository, boolean useCache, FailureAction action, ValidateRule validate, List<String> registrySecrets) {

    public ImageRule {
        imageReferences = List.copyOf(imageReferences);
        skipImageReferences = List.copyOf(skipImageReferences);
        attestors = List.copyOf(attestors);
        attestations = List.copyOf(attestations);
        registrySecrets = registrySecrets == null ? List.of() : List.copyOf(registrySecrets);
    }

    /**
     * An entry without attestors or attestations but {@code required}: the image must have been
     * verified by another {@code verifyImages} entry (Kyverno's {@code kyverno.io/verify-images}).
     */
    public boolean requiredOnly() {
        return attestors.isEmpty() && attestations.isEmpty() && required;
    }

    /** Whether this entry covers {@code image} (as written, or in its normalised form). */
    public boolean covers(String written, String normalised) {
        boolean in = imageReferences.stream().anyMatch(p -> Wildcards.match(p, written) || Wildcards.match(p, normalised));
        boolean skipped = skipImageReferences.stream()
                .anyMatch(p -> Wildcards.match(p, written) || Wildcards.match(p, normalised));
        return in && !skipped;
    }
}
