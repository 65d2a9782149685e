/**
 * Admission control as a use case. Facade: {@link dev.trustplane.admission.AdmissionController} (what
 * {@code serve} runs), {@link dev.trustplane.admission.AdmissionService} (one AdmissionReview in, one
 * answer out), {@link dev.trustplane.admission.AdmissionLedger} (every decision recorded),
 * {@link dev.trustplane.admission.WebhookCertificates} and
 * {@link dev.trustplane.admission.KubernetesNamespaces}.
 */
package dev.trustplane.admission;
