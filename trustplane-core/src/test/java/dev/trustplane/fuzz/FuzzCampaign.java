package dev.trustplane.fuzz;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs fuzz targets under Jazzer (libFuzzer's engine, coverage of {@code dev.trustplane.**}), one
 * JVM per target: seeds and dictionary written to {@code work/<target>/}, the corpus kept in
 * {@code work/<target>/corpus} between runs, a finding written as {@code work/<target>/crash-…}.
 * Stops a target at {@code seconds} or {@code runs} (0: no limit), whichever comes first.
 *
 * <p>{@code java … dev.trustplane.fuzz.FuzzCampaign WORK SECONDS RUNS [TARGET…]} prints one line
 * per target (executions, time, executions per second, coverage edges and features, corpus size,
 * findings) and exits 1 when any target found something.
 */
public final class FuzzCampaign {
    private static final Pattern DONE = Pattern.compile("Done (\\d+) runs in (\\d+) second");
    private static final Pattern UNITS = Pattern.compile("^stat::number_of_executed_units: (\\d+)");
    private static final Pattern STATS = Pattern.compile("^#(\\d+)\\s+\\w+\\s+cov: (\\d+) ft: (\\d+) corp: (\\d+)/");

    /** What one target's run did. */
    public record Result(String target, long runs, long seconds, long edges, long features, long corpus,
            List<Path> findings, int exitCode, String tail) {
        public boolean clean() {
            return findings.isEmpty() && exitCode == 0;
        }

        String line() {
            return String.format(Locale.ROOT, "%-17s %,13d runs %6d s %9.0f/s  cov %5d  ft %6d  corpus %5d  %s", target,
                    runs, seconds, seconds == 0 ? runs : (double) runs / seconds, edges, features, corpus,
                    clean() ? "0 crashes" : "FINDINGS " + findings + " (exit " + exitCode + ")");
        }
    }

    private FuzzCampaign() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: FuzzCampaign WORK SECONDS RUNS [TARGET...]; targets: "
                    + FuzzTargets.ALL.stream().map(FuzzTarget::name).toList());
            System.exit(2);
        }
        Path work = Path.of(args[0]);
        long seconds = Long.parseLong(args[1]);
        long runs = Long.parseLong(args[2]);
        List<FuzzTarget> targets = args.length > 3
                ? Stream.of(args).skip(3).map(FuzzTargets::named).toList() : FuzzTargets.ALL;
        boolean clean = true;
        PrintStream out = System.out;
        for (FuzzTarget t : targets) {
            Result r = run(t, work, seconds, runs, System.getProperty("java.class.path"));
            out.println(r.line());
            if (!r.clean()) {
                out.println(r.tail());
                clean = false;
            }
        }
        System.exit(clean ? 0 : 1);
    }

    /** Runs one target in its own JVM on {@code classpath} and reads what libFuzzer reported. */
    public static Result run(FuzzTarget t, Path work, long seconds, long runs, String classpath)
            throws IOException, InterruptedException {
        return run(t, work, seconds, runs, 0, classpath);
    }

    /**
     * As {@link #run(FuzzTarget, Path, long, long, String)}, with libFuzzer's random seed fixed
     * when {@code seed} is not 0: with a run count (not a time) as the limit and a fresh corpus,
     * the same inputs are tried every time, so a build's short run cannot find something new by luck.
     */
    public static Result run(FuzzTarget t, Path work, long seconds, long runs, long seed, String classpath)
            throws IOException, InterruptedException {
        Path dir = work.resolve(t.name());
        Path seeds = dir.resolve("seeds");
        Path corpus = dir.resolve("corpus");
        Files.createDirectories(seeds);
        Files.createDirectories(corpus);
        List<byte[]> initial;
        try {
            initial = t.seeds().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the seeds of " + t.name(), e);
        }
        for (int i = 0; i < initial.size(); i++) {
            Files.write(seeds.resolve(String.format(Locale.ROOT, "seed-%03d", i)), initial.get(i));
        }
        Path dictionary = dir.resolve("dictionary");
        StringBuilder dict = new StringBuilder();
        for (String token : t.dictionary()) {
            dict.append('"');
            for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                    dict.append(String.format(Locale.ROOT, "\\x%02X", c));
                } else {
                    dict.append((char) c);
                }
            }
            dict.append("\"\n");
        }
        Files.writeString(dictionary, dict, StandardCharsets.UTF_8);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-Xss1m", "--enable-native-access=ALL-UNNAMED",
                "-cp", classpath, "com.code_intelligence.jazzer.Jazzer",
                "--target_class=" + t.target().getName(),
                "--instrumentation_includes=dev.trustplane.**",
                "--reproducer_path=" + dir,
                "-max_len=" + t.maxLength(), "-dict=" + dictionary, "-timeout=20", "-rss_limit_mb=3072",
                "-max_total_time=" + seconds, "-runs=" + (runs > 0 ? Math.min(runs, Integer.MAX_VALUE) : -1),
                "-artifact_prefix=" + dir + "/",
                "-print_final_stats=1"));
        if (seed != 0) {
            command.add("-seed=" + seed);
        }
        command.addAll(command.indexOf("-cp") + 3, t.jazzerFlags());
        command.add(corpus.toString());
        command.add(seeds.toString());
        Process p = new ProcessBuilder(command).directory(Path.of("").toAbsolutePath().toFile())
                .redirectErrorStream(true).start();
        long done = -1;
        long took = 0;
        long edges = 0;
        long features = 0;
        long corpusSize = 0;
        List<String> tail = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                tail.add(line);
                if (tail.size() > 60) {
                    tail.remove(0);
                }
                Matcher s = STATS.matcher(line);
                if (s.find()) {
                    edges = Long.parseLong(s.group(2));
                    features = Long.parseLong(s.group(3));
                    corpusSize = Long.parseLong(s.group(4));
                }
                Matcher u = UNITS.matcher(line);
                if (u.find() && done < 0) {
                    done = Long.parseLong(u.group(1));
                }
                Matcher d = DONE.matcher(line);
                if (d.find()) {
                    done = Long.parseLong(d.group(1));
                    took = Long.parseLong(d.group(2));
                }
            }
        }
        if (!p.waitFor(seconds + 600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        List<Path> findings;
        try (Stream<Path> files = Files.list(dir)) {
            findings = files.filter(f -> {
                String n = f.getFileName().toString();
                return n.startsWith("crash-") || n.startsWith("timeout-") || n.startsWith("oom-");
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Result(t.name(), Math.max(done, 0), took, edges, features, corpusSize, findings, p.exitValue(),
                String.join("\n", tail));
    }
}
