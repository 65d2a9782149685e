package dev.trustplane.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Go 1.18+ inline build-info layout (debug/buildinfo), written by hand into an ELF-looking file. */
class GoBuildInfoTest {

    private static void uvarint(ByteArrayOutputStream out, int value) {
        int v = value;
        while (v >= 0x80) {
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    static byte[] binary(String goVersion, String modinfo, int padding) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0x7f, 'E', 'L', 'F'});
        out.write(new byte[padding - 4]);
        out.write("\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1));
        out.write(8);
        out.write(2);
        out.write(new byte[16]);
        byte[] version = goVersion.getBytes(StandardCharsets.UTF_8);
        uvarint(out, version.length);
        out.write(version);
        byte[] info = ("0123456789abcdef" + modinfo + "fedcba9876543210").getBytes(StandardCharsets.UTF_8);
        uvarint(out, info.length);
        out.write(info);
        out.write(new byte[100]);
        return out.toByteArray();
    }

    @Test
    void shouldReadModulesAndReplacementsEvenAcrossReadChunks() throws IOException {
        String modinfo = "path\texample.com/app\nmod\texample.com/app\t(devel)\t\n"
                + "dep\tgolang.org/x/net\tv0.22.0\th1:abc=\n"
                + "dep\tgithub.com/old/lib\tv1.0.0\th1:def=\n=>\tgithub.com/new/lib\tv1.2.3\th1:ghi=\n"
                + "build\t-compiler=gc\n";
        List<Integer> paddings = new ArrayList<>(List.of(16, 4096));
        for (int boundary : new int[] {65536, 2 * 65536, 3 * 65536}) {
            for (int p = boundary - 64; p <= boundary + 64; p += 16) {
                paddings.add(p); // the header before, across and after each read boundary
            }
        }
        for (int padding : paddings) {
            List<GoBuildInfo.Module> modules = GoBuildInfo.read(new ByteArrayInputStream(binary("go1.22.2", modinfo,
                    padding)));
            assertThat(modules).as("padding " + padding).extracting(m -> m.path() + "@" + m.version())
                    .containsExactly("stdlib@1.22.2", "golang.org/x/net@v0.22.0", "github.com/new/lib@v1.2.3");
        }
    }
}
