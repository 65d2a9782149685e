package dev.trustplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.Event;
import dev.trustplane.event.EventListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
    void shouldApplyAValidChangeAndKeepWhatABrokenFileHeldInForce() throws Exception {
        Path file = Files.writeString(dir.resolve("p.yaml"), POLICY.replace("NAME", "first"));
        Path other = Files.writeString(dir.resolve("q.yaml"), POLICY.replace("NAME", "other"));
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
        PolicyLoader loader = new PolicyLoader(null, null);
        PolicyWatcher watcher = new PolicyWatcher(dir, loader, loader.load(dir).policies(),
                l -> applied.add(l.policies()), listener);

        assertThat(watcher.check()).isFalse();
        Files.writeString(file, POLICY.replace("NAME", "second"));
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 2000));
        assertThat(watcher.check()).isTrue();
        // a broken edit of p.yaml beside a good edit of q.yaml: q's change takes effect, p's policy stays
        Files.writeString(file, POLICY.replace("NAME", "third").replace("validate:", "validat:"));
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 4000));
        Files.writeString(other, POLICY.replace("NAME", "other-2"));
        Files.setLastModifiedTime(other, FileTime.fromMillis(System.currentTimeMillis() + 4000));
        assertThat(watcher.check()).isTrue();

        assertThat(applied).hasSize(2);
        assertThat(applied.get(0)).extracting(Policy::name).containsExactlyInAnyOrder("second", "other");
        assertThat(applied.get(1)).extracting(Policy::name).containsExactlyInAnyOrder("second", "other-2");
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("validat").contains("not a field"))
                .anySatisfy(w -> assertThat(w).contains("p.yaml").contains("stays in force"));
    }

    @Test
    void shouldKeepThePoliciesInForceAndCheckAgainWhenTheSourceCannotBeAsked() {
        List<String> warnings = new ArrayList<>();
        AtomicInteger asked = new AtomicInteger();
        PolicySource flaky = new PolicySource() {
            @Override
            public String describe() {
                return "the Kubernetes API";
            }

            @Override
            public PolicyLoader.Loaded load(PolicyLoader loader) {
                return new PolicyLoader.Loaded(List.of(), List.of());
            }

            @Override
            public Object version() {
                if (asked.incrementAndGet() == 2) {
                    throw new TrustplaneException(ErrorKind.UNREACHABLE, "The Kubernetes API did not answer");
                }
                return asked.get() < 3 ? "v1" : "v2";
            }
        };
        List<List<Policy>> applied = new ArrayList<>();
        PolicyWatcher watcher = new PolicyWatcher(flaky, new PolicyLoader(null, null), List.of(),
                l -> applied.add(l.policies()), new EventListener() {
                    @Override
                    public void on(Event event) {
                    }

                    @Override
                    public void warn(String text) {
                        warnings.add(text);
                    }
                });
        assertThat(watcher.check()).as("the API is away: nothing thrown to the scheduler").isFalse();
        assertThat(warnings).singleElement().asString().contains("could not be checked").contains("in force stay");
        assertThat(watcher.check()).as("asked again at the next check, which sees the change").isTrue();
        assertThat(applied).hasSize(1);
    }
}
