/**
 * What the library has to say, without printing it. Facade: {@link dev.trustplane.event.EventListener}
 * receiving {@link dev.trustplane.event.Event}s (progress, messages); the CLI renders them, the server
 * logs them.
 */
package dev.trustplane.event;
