/**
 * Admission control as a use case. Facade: {@link AdmissionController} (what
 * {@code serve} runs), {@link AdmissionService} (one AdmissionReview in, one
 * answer out), {@link AdmissionLedger} (every decision recorded),
 * {@link WebhookCertificates} and
 * {@link KubernetesNamespaces}.
 */
package dev.trustplane.admission;
