package dev.trustplane.fleet;

/** A workload's identity: its namespace, its top owner's kind and name. */
public record WorkloadKey(String namespace, String kind, String name) {

    public static WorkloadKey of(RunningWorkload w) {
        return new WorkloadKey(w.namespace(), w.kind(), w.name());
    }

    public static WorkloadKey of(Finding f) {
        return new WorkloadKey(f.namespace(), f.workloadKind(), f.workload());
    }
}
