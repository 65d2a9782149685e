/**
 * The HTTP front end. Facade: {@link AdmissionServer} (routes, probes, metrics and
 * the schedulers of the loops it serves).
 */
package dev.trustplane.server;
