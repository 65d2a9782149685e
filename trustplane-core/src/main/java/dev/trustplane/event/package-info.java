/**
 * What the library has to say, without printing it. Facade: {@link EventListener}
 * receiving {@link Event}s (progress, messages); the CLI renders them, the server
 * logs them.
 */
package dev.trustplane.event;
