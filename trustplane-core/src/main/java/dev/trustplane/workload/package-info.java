/**
 * The workload model: a Kubernetes object that runs containers becomes a
 * {@link Workload} with its pod and {@link ContainerImage}s
 * through {@link Workloads#of}. Admission, {@code policy test}, and later the
 * inventory, drift detection and the fleet audit read workloads only through it.
 */
package dev.trustplane.workload;
