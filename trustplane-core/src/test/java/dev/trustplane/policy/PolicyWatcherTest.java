package dev.trustplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.event.Event;
import dev.trustplane.event.EventListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyWatcherTest {
    static final String POLICY = """
            apiVersion: kyverno.io/v1
            kind: ClusterPolicy
            metadata: {name: NAME}
            spec:
              validationFailureAction: Enforce
              rules:
                - name: r
                  match: {any: [{resources: {kinds: [Pod]}}]}
                  validate: {pattern: {spec: {containers: [{image: "registry.example.com/*"}]}}}
            """;

    @TempDir
    Path dir;

    @Test
    void shouldApplyAValidChangeAndKeepThePoliciesInForceWhenAChangeIsBroken() throws Exception {
        Path file = Files.writeString(dir.resolve("p.yaml"), POLICY.replace("NAME", "first"));
        List<List<Policy>> applied = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        EventListener listener = new EventListener() {
            @Override
            public void on(Event event) {
            }

            @Override
            public void warn(String text) {
                warnings.add(text);
            }
        };
        PolicyWatcher watcher = new PolicyWatcher(dir, new PolicyLoader(null, null), applied::add, listener);

        assertThat(watcher.check()).isFalse();
        Files.writeString(file, POLICY.replace("NAME", "second"));
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 2000));
        assertThat(watcher.check()).isTrue();
        Files.writeString(file, POLICY.replace("NAME", "third").replace("validate:", "validat:"));
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 4000));
        assertThat(watcher.check()).isFalse();

        assertThat(applied).singleElement().satisfies(p -> assertThat(p).extracting(Policy::name).containsExactly("second"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("validat").contains("not a field"))
                .anySatisfy(w -> assertThat(w).contains("policies in force stay"));
    }
}
