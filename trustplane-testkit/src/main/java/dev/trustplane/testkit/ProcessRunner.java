package dev.trustplane.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a peer program to completion with a time limit and captures its output. */
public final class ProcessRunner {
    private ProcessRunner() {
    }

    public record Result(int exitCode, String stdout, String stderr) {
        public Result requireSuccess(List<String> command) {
            if (exitCode != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + exitCode + "\nstdout: " + stdout
                        + "\nstderr: " + stderr);
            }
            return this;
        }
    }

    public static Result run(List<String> command, Map<String, String> env, long timeoutSeconds) {
        return run(command, env, timeoutSeconds, null);
    }

    /** Runs in {@code workDir} (null: the current directory). */
    public static Result run(List<String> command, Map<String, String> env, long timeoutSeconds, Path workDir) {
        try {
            Path out = Files.createTempFile("peer", ".out");
            Path err = Files.createTempFile("peer", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                pb.environment().putAll(env);
                if (workDir != null) {
                    pb.directory(workDir.toFile());
                }
                Process p = pb.start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    public static Result runOk(List<String> command) {
        return run(command, Map.of(), 300).requireSuccess(command);
    }
}
