/**
 * The workload model: a Kubernetes object that runs containers becomes a
 * {@link dev.trustplane.workload.Workload} with its pod and {@link dev.trustplane.workload.ContainerImage}s
 * through {@link dev.trustplane.workload.Workloads#of}. Admission, {@code policy test}, and later the
 * inventory, drift detection and the fleet audit read workloads only through it.
 */
package dev.trustplane.workload;
