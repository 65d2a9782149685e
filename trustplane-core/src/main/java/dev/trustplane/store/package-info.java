/**
 * The state store. Facade: {@link Store}: the embedded SQLite file by default,
 * PostgreSQL in cluster mode, with ordered migrations.
 */
package dev.trustplane.store;
