/**
 * Files and bytes. Facade: {@link AtomicFiles} (write, sync, rename into place),
 * {@link Json} (every Jackson mapper, with the limits for untrusted input) and
 * {@link ByteBufferInputStream}.
 */
package dev.trustplane.io;
