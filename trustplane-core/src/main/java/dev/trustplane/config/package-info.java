/**
 * Settings. Facade: {@link Env} (every environment variable once, with its
 * sensitive flag and the redactor that uses it), {@link Directories} and
 * {@link Durations}.
 */
package dev.trustplane.config;
