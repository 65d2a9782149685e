package dev.trustplane.fleet;

import java.util.List;

/**
 * One container of a workload as it runs: the image as written and the digest the runtime
 * reports, over every pod of the workload that runs it.
 *
 * @param container  how the ledger names the container: {@code containers[0] (app)}
 * @param name       the container's name
 * @param image      the image as written in the pod
 * @param digest     the running manifest digest ({@code sha256:…}), or null when the runtime
 *                   reports none ({@link #digestNote} says why)
 * @param digestNote why there is no digest (not pulled yet, an image ID only), else null
 * @param pods       the pods that run it
 */
public record RunningImage(String container, String name, String image, String digest, String digestNote,
        List<String> pods) {

    public RunningImage {
        pods = List.copyOf(pods);
    }
}
