package dev.trustplane.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every fuzz target on its seeds and on the inputs fuzzing once found (kept under
 * {@code src/test/resources/fuzz/<target>/}, one file each, named after the defect), in process:
 * a defect fixed stays fixed without running the fuzzer.
 */
class FuzzRegressionTest {
    static final Path FOUND = Path.of("src/test/resources/fuzz");

    static MethodHandle entry(FuzzTarget t) throws ReflectiveOperationException {
        return MethodHandles.publicLookup().findStatic(t.target(), "fuzzerTestOneInput",
                MethodType.methodType(void.class, byte[].class));
    }

    static List<Path> found(FuzzTarget t) throws IOException {
        Path dir = FOUND.resolve(t.name());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyTargetHoldsOnItsSeedsAndWhatFuzzingFound() {
        return FuzzTargets.ALL.stream().map(t -> DynamicTest.dynamicTest(t.name(), () -> {
            MethodHandle run = entry(t);
            List<byte[]> inputs = new ArrayList<>(t.seeds().get());
            assertThat(inputs).as("seeds of " + t.name()).isNotEmpty();
            for (Path p : found(t)) {
                inputs.add(Files.readAllBytes(p));
            }
            inputs.add(new byte[0]);
            for (byte[] input : inputs) {
                assertThatCode(() -> run.invoke(input)).as(t.name()).doesNotThrowAnyException();
            }
        }));
    }

    @Test
    void shouldNameTheTargetsWhenAskedForOneThatDoesNotExist() {
        assertThatThrownBy(() -> FuzzTargets.named("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no fuzz target nope; the targets are " + FuzzTargets.ALL.stream().map(FuzzTarget::name)
                        .toList());
    }
}
