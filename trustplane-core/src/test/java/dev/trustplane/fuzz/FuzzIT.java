package dev.trustplane.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A short coverage-guided run of every fuzz target under Jazzer, in the test command:
 * {@code trustplane.fuzz.runs} executions each (20,000 by default) from a fresh corpus with a
 * fixed seed ({@code trustplane.fuzz.seed}, 1), so every build tries the same inputs and passes or
 * fails the same way; {@code bench/fuzz} runs long random campaigns that look for new defects and
 * records the figures in docs/benchmarks.md. A finding fails the build with Jazzer's report and
 * leaves the input in {@code target/fuzz-it/<target>/}.
 */
class FuzzIT {
    static final long RUNS = Long.getLong("trustplane.fuzz.runs", 20_000);
    static final long SEED = Long.getLong("trustplane.fuzz.seed", 1);
    /** A guard against a target that slows down, not the limit. */
    static final long SECONDS = 120;

    @TestFactory
    Stream<DynamicTest> everyTargetSurvivesAShortFuzzingRun() throws Exception {
        String classpath = System.getProperty("trustplane.fuzz.classpath");
        assertThat(classpath).as("trustplane.fuzz.classpath (set by the pom for failsafe)").isNotBlank();
        Path work = Path.of("target", "fuzz-it");
        Files.createDirectories(work);
        return FuzzTargets.ALL.stream().map(t -> DynamicTest.dynamicTest(t.name(), () -> {
            Path dir = work.resolve(t.name());
            if (Files.isDirectory(dir)) {
                try (Stream<Path> old = Files.walk(dir)) {
                    for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            FuzzCampaign.Result r = FuzzCampaign.run(t, work, SECONDS, RUNS, SEED, classpath);
            assertThat(r.clean()).as(t.name() + " found something:\n" + r.tail()).isTrue();
            // the engine ran (not only the seeds) and reached code
            assertThat(r.runs()).as(t.name() + " executions\n" + r.tail()).isGreaterThanOrEqualTo(RUNS);
            assertThat(r.edges()).as(t.name() + " coverage\n" + r.tail()).isGreaterThan(10);
        }));
    }
}
