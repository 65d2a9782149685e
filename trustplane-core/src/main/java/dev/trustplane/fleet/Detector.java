package dev.trustplane.fleet;

import java.util.List;

/**
 * One check of a workload as it runs. A detector adds its findings to {@code out}; when it could
 * not judge the workload (a registry or the store did not answer) it says so through
 * {@link Pass#incomplete}, and the findings of its kind for that workload are then neither added
 * nor resolved.
 */
interface Detector {

    /** The kinds of finding it reports. */
    List<FindingKind> kinds();

    void inspect(RunningWorkload workload, Pass pass, List<Finding> out);
}
