package dev.trustplane.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A short coverage-guided run of every fuzz target under Jazzer, in the test command
 * ({@code trustplane.fuzz.seconds} each, 6 by default; {@code bench/fuzz} runs them long and
 * records the figures in docs/benchmarks.md). A finding fails the build with Jazzer's report and
 * leaves the input in {@code target/fuzz-it/<target>/}.
 */
class FuzzIT {
    static final long SECONDS = Long.getLong("trustplane.fuzz.seconds", 6);

    @TestFactory
    Stream<DynamicTest> everyTargetSurvivesAShortFuzzingRun() throws Exception {
        String classpath = System.getProperty("trustplane.fuzz.classpath");
        assertThat(classpath).as("trustplane.fuzz.classpath (set by the pom for failsafe)").isNotBlank();
        Path work = Path.of("target", "fuzz-it");
        Files.createDirectories(work);
        return FuzzTargets.ALL.stream().map(t -> DynamicTest.dynamicTest(t.name(), () -> {
            FuzzCampaign.Result r = FuzzCampaign.run(t, work, SECONDS, 0, classpath);
            assertThat(r.clean()).as(t.name() + " found something:\n" + r.tail()).isTrue();
            // the engine ran (not only the seeds) and reached code
            assertThat(r.runs()).as(t.name() + " executions\n" + r.tail()).isGreaterThan(100);
            assertThat(r.edges()).as(t.name() + " coverage\n" + r.tail()).isGreaterThan(10);
        }));
    }
}
