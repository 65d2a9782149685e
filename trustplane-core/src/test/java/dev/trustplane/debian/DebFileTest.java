package dev.trustplane.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DebFileTest {

    @Test
    void shouldStreamEntriesWithNormalisedNamesAndControlData() throws Exception {
        byte[] deb = TestArchive.deb("hello", "1.0-1", "amd64").field("Depends", "libc6")
                .dir("./usr/bin/", 0755).file("./usr/bin/hello", 04755, "#!hello\n")
                .symlink("./usr/bin/hi", "hello").hardlink("./usr/bin/hey", "./usr/bin/hello").bytes();
        List<String> seen = new ArrayList<>();
        DebFile.Control control = DebFile.read(new ByteArrayInputStream(deb), "hello.deb",
                (e, in) -> seen.add(e.type() + " " + e.path() + " " + Integer.toOctalString(e.mode())
                        + (e.linkTarget() == null ? "" : " -> " + e.linkTarget())));
        assertThat(seen).containsExactly("DIRECTORY usr/bin 755", "FILE usr/bin/hello 4755",
                "SYMLINK usr/bin/hi 777 -> hello", "HARDLINK usr/bin/hey 644 -> usr/bin/hello");
        assertThat(control.fields().get("Depends")).isEqualTo("libc6");
        assertThat(control.md5sums()).contains("usr/bin/hello");
    }

    @Test
    void shouldRefuseEntriesThatEscapeTheRoot() {
        byte[] deb = TestArchive.deb("evil", "1.0", "amd64").file("./../../etc/cron.d/x", 0644, "x").bytes();
        assertThatThrownBy(() -> DebFile.read(new ByteArrayInputStream(deb), "evil_1.0_amd64.deb", (e, in) -> { }))
                .isInstanceOf(TrustplaneException.class)
                .hasMessage("Refusing package evil_1.0_amd64.deb: entry './../../etc/cron.d/x' has a '..' component and"
                        + " would escape the image root; the package is malformed or malicious")
                .extracting(e -> ((TrustplaneException) e).kind()).isEqualTo(ErrorKind.INTEGRITY);
    }

    @Test
    void shouldRefuseAbsoluteHardlinkTargets() {
        byte[] deb = TestArchive.deb("evil", "1.0", "amd64").hardlink("./usr/x", "/etc/shadow").bytes();
        assertThatThrownBy(() -> DebFile.read(new ByteArrayInputStream(deb), "evil.deb", (e, in) -> { }))
                .hasMessageContaining("has an absolute hardlink target and would escape the image root");
    }
}
