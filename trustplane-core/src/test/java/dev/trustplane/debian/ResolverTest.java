package dev.trustplane.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResolverTest {
    private final List<BinaryPackage> packages = new ArrayList<>();

    private BinaryPackage pkg(String suite, String name, String version, String depends, String provides,
            String conflicts) {
        BinaryPackage p = new BinaryPackage(name, DebianVersion.parse(version), "amd64", null, null, null, depends,
                null, provides, conflicts, null, false, "optional", "pool/" + name + ".deb", 1,
                "0".repeat(64), new PackageOrigin("http://a", suite, "main"));
        packages.add(p);
        return p;
    }

    private Resolution resolve(String... names) {
        PackagePool pool = new PackagePool("amd64", List.of("stable", "stable-security"), packages);
        return new Resolver(pool).resolve(List.of(names).stream().map(Resolver.Request::parse).toList());
    }

    private static List<String> ids(Resolution r) {
        return r.packages().stream().map(p -> p.name() + "=" + p.version()).toList();
    }

    @Test
    void shouldPickTheSecurityUpdateWhenItIsNewer() {
        pkg("stable", "libssl3", "3.0.11-1~deb12u2", null, null, null);
        pkg("stable-security", "libssl3", "3.0.15-1~deb12u1", null, null, null);
        assertThat(ids(resolve("libssl3"))).containsExactly("libssl3=3.0.15-1~deb12u1");
    }

    @Test
    void shouldFollowVersionedDependenciesAndAlternatives() {
        pkg("stable", "app", "1.0", "libc6 (>= 2.36), mawk | awk", null, null);
        pkg("stable", "libc6", "2.36-9", null, null, null);
        pkg("stable", "mawk", "1.3.4", "libc6", "awk", null);
        Resolution r = resolve("app");
        assertThat(ids(r)).containsExactly("app=1.0", "libc6=2.36-9", "mawk=1.3.4");
        assertThat(r.dependencies().get("app")).containsExactly("libc6", "mawk");
    }

    @Test
    void shouldSatisfyVirtualPackagesThroughProvides() {
        pkg("stable", "app", "1.0", "awk", null, null);
        pkg("stable", "mawk", "1.3.4", null, "awk", null);
        assertThat(ids(resolve("app"))).containsExactly("app=1.0", "mawk=1.3.4");
    }

    @Test
    void shouldStripArchQualifiers() {
        pkg("stable", "app", "1.0", "python3:any (>= 3.11)", null, null);
        pkg("stable", "python3", "3.11.2-1", null, null, null);
        assertThat(ids(resolve("app"))).containsExactly("app=1.0", "python3=3.11.2-1");
    }

    @Test
    void shouldHonourPinsAndNameTheAvailableVersions() {
        pkg("stable", "libc6", "2.36-9", null, null, null);
        assertThat(ids(resolve("libc6=2.36-9"))).containsExactly("libc6=2.36-9");
        assertThatThrownBy(() -> resolve("libc6=2.99"))
                .hasMessage("Package libc6 has no version 2.99 for amd64 in stable, stable-security; available: 2.36-9"
                        + " — change the pin in the image spec");
    }

    @Test
    void shouldSuggestCloseNamesForUnknownPackages() {
        pkg("stable", "libssl3", "3.0", null, null, null);
        pkg("stable", "openssl", "3.0", null, null, null);
        assertThatThrownBy(() -> resolve("libssl"))
                .hasMessage("Package libssl is not in stable, stable-security for amd64; did you mean libssl3? — fix"
                        + " `packages:` in the image spec or add the suite that has it");
    }

    @Test
    void shouldPrintTheChainOfAnUnsatisfiableDependency() {
        pkg("stable", "app", "1.0", "libfoo", null, null);
        pkg("stable", "libfoo", "1.0", "libbar (>= 2.0)", null, null);
        pkg("stable", "libbar", "1.5", null, null, null);
        assertThatThrownBy(() -> resolve("app"))
                .hasMessage("Cannot satisfy 'libbar (>= 2.0)' for amd64 in stable, stable-security, needed by app 1.0"
                        + " → libfoo 1.0 (libbar (>= 2.0): available 1.5) — pin other versions or add the suite that"
                        + " has them");
    }

    @Test
    void shouldDetectConflicts() {
        pkg("stable", "a", "1.0", null, null, "b");
        pkg("stable", "b", "1.0", null, null, null);
        assertThatThrownBy(() -> resolve("a", "b"))
                .hasMessage("Packages conflict: a 1.0 declares Conflicts/Breaks 'b' but b 1.0 is selected — remove one"
                        + " of them from the image spec");
    }

    @Test
    void shouldInstallOnlyTheFilesOfPackagesWithoutDependencies() {
        pkg("stable", "ca-certificates", "2023", "openssl", null, null);
        pkg("stable", "openssl", "3.0", null, null, null);
        PackagePool pool = new PackagePool("amd64", List.of("stable"), packages);
        Resolution r = new Resolver(pool, Set.of("ca-certificates"))
                .resolve(List.of(Resolver.Request.parse("ca-certificates")));
        assertThat(ids(r)).containsExactly("ca-certificates=2023");
    }
}
