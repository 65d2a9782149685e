/**
 * The state store. Facade: {@link dev.trustplane.store.Store}: the embedded SQLite file by default,
 * PostgreSQL in cluster mode, with ordered migrations.
 */
package dev.trustplane.store;
