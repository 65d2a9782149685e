/**
 * Files and bytes. Facade: {@link dev.trustplane.io.AtomicFiles} (write, sync, rename into place),
 * {@link dev.trustplane.io.Json} (every Jackson mapper, with the limits for untrusted input) and
 * {@link dev.trustplane.io.ByteBufferInputStream}.
 */
package dev.trustplane.io;
