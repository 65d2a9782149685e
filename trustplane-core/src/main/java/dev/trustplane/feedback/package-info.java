/**
 * Feedback (docs/ARCHITECTURE.md, ADR 012): turns drift findings and admission denials into
 * actions — a rebuild request when the catalog builds the image, a ticket for everything else —
 * and delivers tickets to sinks (a generic webhook, a GitHub-issues-compatible API, a
 * Jira-compatible API) through an outbox in the store, retried while a sink is down.
 */
package dev.trustplane.feedback;
