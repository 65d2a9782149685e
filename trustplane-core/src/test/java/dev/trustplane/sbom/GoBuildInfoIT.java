package dev.trustplane.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.testkit.Peers;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Go build info read from a real Go binary: oras as Debian trixie builds it — with the toolchain
 * version but, like every Debian-built Go program, without module lines (Debian builds from its own
 * packaged sources, not modules). Module lines are covered by GoBuildInfoTest.
 */
class GoBuildInfoIT {

    @Test
    void shouldReadTheToolchainAndModulesOfARealGoBinary() throws Exception {
        Path oras = Peers.require("oras");
        List<GoBuildInfo.Module> modules;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(oras), 1 << 16)) {
            modules = GoBuildInfo.read(in);
        }
        assertThat(modules).singleElement().satisfies(m -> {
            assertThat(m.path()).isEqualTo("stdlib");
            assertThat(m.version()).matches("1\\.\\d+(\\.\\d+)?");
        });
    }

    @Test
    void shouldIgnoreFilesThatAreNotGoBinaries() throws Exception {
        assertThat(GoBuildInfo.read(new ByteArrayInputStream("#!/bin/sh\necho hi\n".getBytes()))).isEmpty();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(Path.of("/usr/bin/dpkg")), 1 << 16)) {
            assertThat(GoBuildInfo.read(in)).isEmpty();
        }
    }
}
