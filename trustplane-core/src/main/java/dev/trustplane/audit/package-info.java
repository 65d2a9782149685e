/**
 * The fleet audit (docs/ARCHITECTURE.md, ADR 013): joins what runs (the inventory), the drift
 * findings, signature verification against the origins a team trusts, the vulnerabilities of each
 * running digest, compliance scope and age into one report with a remediation order whose every
 * rank carries its reasons; rendered as a table, JSON (schema docs/schemas/audit-v1.json) or one
 * self-contained HTML page; each audit is stored so the next one shows the trend.
 */
package dev.trustplane.audit;
