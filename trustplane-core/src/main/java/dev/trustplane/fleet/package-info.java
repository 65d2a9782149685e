/**
 * Continuous enforcement after admission (CONTROL-PLANE.md): the {@link dev.trustplane.fleet.Inventory}
 * of what runs, read from the Kubernetes API or {@code kubectl get -o json} files; the detectors
 * that compare it with the admission ledger, the policies and the trust in force now; and the
 * {@link dev.trustplane.fleet.Finding}s they produce, kept with their lifecycle in the store.
 * {@link dev.trustplane.fleet.DriftPass} is the one code path of {@code trustplane drift} and the
 * server's loop.
 */
package dev.trustplane.fleet;
