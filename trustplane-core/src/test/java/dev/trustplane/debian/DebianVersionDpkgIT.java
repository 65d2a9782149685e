package dev.trustplane.debian;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.testkit.Peers;
import dev.trustplane.testkit.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property test: our ordering agrees with dpkg on 100,000 generated pairs plus apt's published
 * vectors (resources/debian/apt-versions.lst) and hand-picked edge cases — with
 * {@code dpkg --compare-versions} itself (the C oracle, one process per pair, in two
 * parallel shells) on the edge cases and the first 5,000, and with dpkg's own Perl implementation
 * ({@code Dpkg::Version} of libdpkg-perl, one process for all) on every pair. One dpkg process per
 * pair for all 100,000 took 5 to 14 minutes here, most of the suite.
 */
class DebianVersionDpkgIT {
    private static final int PAIRS = 100_000;
    private static final int C_PAIRS = 5_000;
    private static final String[] PARTS = {"0", "1", "2", "10", "01", "a", "b", "z", "~", "~~", "+", ".", "deb12u",
            "rc", "+b1", "~bpo", "ubuntu", "0.1", "9", "dfsg", "+really", "~rc1", "A"};
    private static final String[] EDGES = {"1.0", "1.0-1", "1.0~rc1", "1.0~rc1-1", "1:1.0", "1:0.9", "0:1.0",
            "1.0+deb12u1", "1.0+deb12u10", "1.0-1+deb12u2", "1.0-1~deb12u1", "2:1.0~~", "1.0a", "1.0A", "1.0.",
            "1.0+", "1.0-0", "1.00", "1.000-1", "1:2.0~rc1-1", "1:2.0-1", "3.0.11-1~deb12u2", "3.0.15-1~deb12u1"};

    @TempDir
    Path dir;

    @Test
    void shouldAgreeWithDpkgOnAHundredThousandGeneratedPairs() throws Exception {
        Random random = new Random(20261123);
        List<String[]> pairs = new ArrayList<>();
        // apt's published vectors first, so that dpkg itself judges every one of them too
        for (String[] v : DebianVersionTest.aptVectors()) {
            pairs.add(new String[] {v[0], v[1]});
        }
        for (String a : EDGES) {
            for (String b : EDGES) {
                pairs.add(new String[] {a, b});
            }
        }
        while (pairs.size() < PAIRS) {
            String a = generate(random);
            String b = random.nextInt(4) == 0 ? mutate(a, random) : generate(random);
            pairs.add(new String[] {a, b});
        }
        assertThat(disagreements(pairs.subList(0, C_PAIRS), dpkg(pairs.subList(0, C_PAIRS)), "dpkg")).isEmpty();
        assertThat(disagreements(pairs, perl(pairs), "Dpkg::Version")).isEmpty();
    }

    /** Exit codes of {@code dpkg --compare-versions A lt B}, one per pair. */
    private List<String> dpkg(List<String[]> pairs) throws Exception {
        String dpkg = Peers.require("dpkg").toString();
        int half = pairs.size() / 2;
        List<Path> inputs = List.of(write(pairs.subList(0, half), "a"), write(pairs.subList(half, pairs.size()), "b"));
        String script = "while read -r a b; do " + dpkg + " --compare-versions \"$a\" lt \"$b\"; echo $?; done";
        List<Thread> threads = new ArrayList<>();
        List<ProcessRunner.Result> results = new CopyOnWriteArrayList<>(new ProcessRunner.Result[2]);
        for (int i = 0; i < 2; i++) {
            int k = i;
            Thread t = new Thread(() -> results.set(k, ProcessRunner.run(List.of("sh", "-c", script + " < "
                    + inputs.get(k)), Map.of(), 900)));
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        List<String> answers = new ArrayList<>(results.get(0).stdout().lines().toList());
        answers.addAll(results.get(1).stdout().lines().toList());
        return answers;
    }

    /** The same answers (0: a lt b, 1: not, 2: refused) from dpkg's Perl implementation, in one process. */
    private List<String> perl(List<String[]> pairs) throws Exception {
        Path input = write(pairs, "all");
        String script = "use Dpkg::Version; while (<STDIN>) { chomp; my ($a, $b) = split / /;"
                + " if (!version_check($a) || !version_check($b)) { print \"2\\n\"; next; }"
                + " print version_compare_relation($a, REL_LT, $b) ? \"0\\n\" : \"1\\n\"; }";
        ProcessRunner.Result r = ProcessRunner.run(List.of("sh", "-c", "perl -e '" + script + "' < " + input),
                Map.of(), 300);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return r.stdout().lines().toList();
    }

    private static List<String> disagreements(List<String[]> pairs, List<String> answers, String oracle) {
        assertThat(answers).as(oracle).hasSize(pairs.size());
        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            String a = pairs.get(i)[0];
            String b = pairs.get(i)[1];
            String code = answers.get(i);
            if (!code.equals("0") && !code.equals("1")) {
                disagreements.add(a + " lt " + b + ": " + oracle + " refused (exit " + code + ")");
                continue;
            }
            boolean ours = DebianVersion.parse(a).compareTo(DebianVersion.parse(b)) < 0;
            if (ours != code.equals("0")) {
                disagreements.add(a + " lt " + b + ": ours " + ours + ", " + oracle + " " + code.equals("0"));
            }
        }
        return disagreements;
    }

    private Path write(List<String[]> pairs, String name) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String[] p : pairs) {
            sb.append(p[0]).append(' ').append(p[1]).append('\n');
        }
        Path file = dir.resolve(name);
        Files.writeString(file, sb);
        return file;
    }

    private static String generate(Random random) {
        StringBuilder sb = new StringBuilder();
        if (random.nextInt(5) == 0) {
            sb.append(random.nextInt(3)).append(':');
        }
        sb.append(random.nextInt(12));
        int n = 1 + random.nextInt(5);
        for (int i = 0; i < n; i++) {
            sb.append(PARTS[random.nextInt(PARTS.length)]);
        }
        if (random.nextBoolean()) {
            sb.append('-').append(random.nextInt(3)).append(random.nextBoolean() ? "+deb12u" + random.nextInt(12)
                    : random.nextBoolean() ? "~bpo12+1" : "");
        }
        return sb.toString();
    }

    /** A close neighbour: the same version with one part appended, so ties and near-ties are common. */
    private static String mutate(String v, Random random) {
        int dash = v.lastIndexOf('-');
        String part = PARTS[random.nextInt(PARTS.length)];
        return dash < 0 ? v + part : v.substring(0, dash) + part + v.substring(dash);
    }
}
