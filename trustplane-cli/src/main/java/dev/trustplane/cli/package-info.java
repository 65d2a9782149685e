/**
 * The command-line front end: one class per verb that parses flags, calls one core facade and
 * renders its result; {@link Main} maps errors to the documented exit codes.
 */
package dev.trustplane.cli;
