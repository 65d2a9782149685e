package dev.trustplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contracts the CLI publishes come from one source: the README's exit-code and
 * environment-variable tables and the {@code --help} footer are generated from {@link ExitCode}
 * and {@link Env}; a typo of a verb is an error even with {@code --help}; secrets never print.
 */
class CliContractTest {
    private static String readme() throws Exception {
        return Files.readString(Path.of("..", "README.md"));
    }

    @Test
    void shouldDocumentEveryExitCodeInTheReadmeAsTheEnumSaysIt() throws Exception {
        assertThat(readme()).contains(ExitCode.markdownTable());
    }

    @Test
    void shouldDocumentEveryEnvironmentVariableInTheReadmeAsTheRegistrySaysIt() throws Exception {
        assertThat(readme()).contains(Env.markdownTable());
    }

    @Test
    void shouldListEveryExitCodeInTheHelpFooter() {
        CliRun r = CliRun.run(Map.of(), "", "--help");
        assertThat(r.code()).isZero();
        for (ExitCode c : ExitCode.values()) {
            assertThat(r.out()).contains(String.format("  %2d  ", c.code()));
        }
        assertThat(r.out()).contains("14  policy test: an Enforce rule would deny the resource");
    }

    @Test
    void shouldRefuseAnUnknownVerbEvenWithHelpAndNameTheCloseVerbs() {
        CliRun help = CliRun.run(Map.of(), "", "bulid", "--help");
        assertThat(help.code()).isEqualTo(2);
        assertThat(help.out()).isEmpty();
        assertThat(help.err()).isEqualTo("trustplane: error: unknown verb 'bulid'; did you mean build? Run"
                + " `trustplane --help` for the verbs.\n");
        CliRun plain = CliRun.run(Map.of(), "", "verfy", "IMAGE");
        assertThat(plain.code()).isEqualTo(2);
        assertThat(plain.err()).startsWith("trustplane: error: unknown verb 'verfy'; did you mean verify");
        assertThat(CliRun.run(Map.of(), "", "frobnicate", "--help").err())
                .isEqualTo("trustplane: error: unknown verb 'frobnicate'. Run `trustplane --help` for the verbs.\n");
    }

    @Test
    void shouldPrintServeHelpWithoutFormatWarnings() {
        CliRun r = CliRun.run(Map.of(), "", "serve", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("verification gets 80% of it");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void shouldNeverPrintTheValueOfASensitiveVariableInAnError() {
        String secret = "s3cr3t-registry-password";
        CliRun r = CliRun.run(Map.of("TRUSTPLANE_REGISTRY_PASSWORD", secret), "", "inspect",
                "oci:/nonexistent/" + secret + ":v1");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).doesNotContain(secret).contains("***");
    }
}
