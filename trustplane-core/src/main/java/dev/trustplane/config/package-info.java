/**
 * Settings. Facade: {@link dev.trustplane.config.Env} (every environment variable once, with its
 * sensitive flag and the redactor that uses it), {@link dev.trustplane.config.Directories} and
 * {@link dev.trustplane.config.Durations}.
 */
package dev.trustplane.config;
