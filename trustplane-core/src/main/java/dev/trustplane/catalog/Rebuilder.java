package dev.trustplane.catalog;

import java.util.List;

/**
 * Rebuilds catalog images somewhere else than in this process — as Kubernetes Jobs with the server
 * image ({@code serve --rebuild-jobs}) — each running {@code trustplane catalog update DIR --image
 * NAME}, which publishes and records the publication (with its lockfile) in the shared store.
 */
public interface Rebuilder {
    /**
     * Rebuilds {@code images} (each forced when named in {@code force}) and publishes under
     * {@code prefix}; returns one outcome per image, in order, once all have finished. A rebuild that
     * cannot be started, fails or does not finish in time is a FAILED outcome saying why.
     */
    List<CatalogUpdater.Outcome> rebuild(List<String> images, List<String> force, String prefix);
}
