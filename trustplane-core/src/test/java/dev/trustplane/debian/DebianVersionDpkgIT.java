package dev.trustplane.debian;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.testkit.Peers;
import dev.trustplane.testkit.ProcessRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Property test: our ordering agrees with {@code dpkg --compare-versions} on generated versions. */
class DebianVersionDpkgIT {
    private static final String[] PARTS = {"0", "1", "2", "10", "01", "a", "b", "~", "~~", "+", ".", "-", "deb12u",
            "rc", "+b1", "~bpo", "ubuntu", "0.1", "9"};

    @Test
    void shouldAgreeWithDpkgOnGeneratedVersions() {
        Random random = new Random(42);
        List<String> disagreements = new ArrayList<>();
        String dpkg = Peers.require("dpkg").toString();
        for (int i = 0; i < 150; i++) {
            String a = generate(random);
            String b = generate(random);
            int ours = Integer.signum(DebianVersion.parse(a).compareTo(DebianVersion.parse(b)));
            boolean lt = ProcessRunner.run(List.of(dpkg, "--compare-versions", a, "lt", b), java.util.Map.of(), 10).exitCode() == 0;
            boolean eq = ProcessRunner.run(List.of(dpkg, "--compare-versions", a, "eq", b), java.util.Map.of(), 10).exitCode() == 0;
            int theirs = lt ? -1 : eq ? 0 : 1;
            if (ours != theirs) {
                disagreements.add(a + " vs " + b + ": ours " + ours + ", dpkg " + theirs);
            }
        }
        assertThat(disagreements).isEmpty();
    }

    private static String generate(Random random) {
        StringBuilder sb = new StringBuilder();
        if (random.nextInt(5) == 0) {
            sb.append(random.nextInt(3)).append(':');
        }
        sb.append(random.nextInt(4));
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            String p = PARTS[random.nextInt(PARTS.length)];
            if (!p.equals("-")) {
                sb.append(p);
            }
        }
        if (random.nextBoolean()) {
            sb.append('-').append(random.nextInt(3)).append(random.nextBoolean() ? "+deb12u" + random.nextInt(12) : "");
        }
        return sb.toString();
    }
}
