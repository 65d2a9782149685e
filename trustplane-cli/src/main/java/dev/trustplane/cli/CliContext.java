package dev.trustplane.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;

/** What a command may touch of its process: output streams, standard input, the environment, terminal-ness. */
record CliContext(PrintWriter out, PrintWriter err, InputStream in, Map<String, String> env, boolean interactive) {
}
