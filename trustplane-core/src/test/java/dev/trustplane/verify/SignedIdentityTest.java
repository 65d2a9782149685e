package dev.trustplane.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The signed-identity rules against containers/image's own test tables
 * (signature/policy_reference_match_test.go, copied to
 * resources/containers-image/policy_reference_match.json with its source): every row, both
 * directions where containers/image tests both.
 */
class SignedIdentityTest {
    private static final JsonNode TABLES = load();

    private static JsonNode load() {
        try (InputStream in = SignedIdentityTest.class.getResourceAsStream(
                "/containers-image/policy_reference_match.json")) {
            return Json.mapper().readTree(in);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean matches(SignedIdentity rule, String image, String signed) {
        return rule.mismatch(image, signed) == null;
    }

    /** Checks {@code rule(a, b)} for every row (and {@code rule(b, a)} when symmetric); the failures. */
    private static List<String> run(String table, boolean symmetric, Function<JsonNode, Boolean> wanted,
            Function<JsonNode, Boolean> actual, Function<JsonNode, Boolean> actualReversed) {
        List<String> wrong = new ArrayList<>();
        int n = 0;
        for (JsonNode row : TABLES.get(table)) {
            if (!wanted.apply(row).equals(actual.apply(row))) {
                wrong.add(row.toString());
            }
            if (symmetric && !wanted.apply(row).equals(actualReversed.apply(row))) {
                wrong.add("reversed " + row);
            }
            n++;
        }
        assertThat(n).as(table).isGreaterThan(15);
        return wrong;
    }

    @Test
    void shouldMatchExactlyAsContainersImageDoes() {
        SignedIdentity rule = new SignedIdentity.MatchExact();
        assertThat(run("exactMatch", true, r -> r.get(2).asBoolean(),
                r -> matches(rule, r.get(0).asText(), r.get(1).asText()),
                r -> matches(rule, r.get(1).asText(), r.get(0).asText()))).isEmpty();
    }

    @Test
    void shouldMatchRepositoriesAsContainersImageDoes() {
        SignedIdentity rule = new SignedIdentity.MatchRepository();
        assertThat(run("repositoryMatch", true, r -> r.get(2).asBoolean(),
                r -> matches(rule, r.get(0).asText(), r.get(1).asText()),
                r -> matches(rule, r.get(1).asText(), r.get(0).asText()))).isEmpty();
    }

    @Test
    void shouldMatchRepoDigestOrExactAsContainersImageDoes() {
        SignedIdentity rule = new SignedIdentity.MatchRepoDigestOrExact();
        List<String> wrong = new ArrayList<>();
        for (JsonNode row : TABLES.get("exactMatch")) {
            if (row.get(2).asBoolean() && !(matches(rule, row.get(0).asText(), row.get(1).asText())
                    && matches(rule, row.get(1).asText(), row.get(0).asText()))) {
                wrong.add("exact " + row);
            }
        }
        for (JsonNode row : TABLES.get("repositoryMatch")) {
            if (!row.get(2).asBoolean() && (matches(rule, row.get(0).asText(), row.get(1).asText())
                    || matches(rule, row.get(1).asText(), row.get(0).asText()))) {
                wrong.add("repository " + row);
            }
        }
        wrong.addAll(run("matchRepoDigestOrExact", false, r -> r.get(2).asBoolean(),
                r -> matches(rule, r.get(0).asText(), r.get(1).asText()), null));
        assertThat(wrong).isEmpty();
    }

    @Test
    void shouldMatchExactReferencesAndRepositoriesAsContainersImageDoes() {
        assertThat(run("exactMatch", true, r -> r.get(2).asBoolean(),
                r -> new SignedIdentity.ExactReference(r.get(0).asText()).mismatch("busybox:any", r.get(1).asText())
                        == null,
                r -> new SignedIdentity.ExactReference(r.get(1).asText()).mismatch("busybox:any", r.get(0).asText())
                        == null)).isEmpty();
        assertThat(run("repositoryMatch", true, r -> r.get(2).asBoolean(),
                r -> new SignedIdentity.ExactRepository(r.get(0).asText()).mismatch("busybox:any", r.get(1).asText())
                        == null,
                r -> new SignedIdentity.ExactRepository(r.get(1).asText()).mismatch("busybox:any", r.get(0).asText())
                        == null)).isEmpty();
    }

    @Test
    void shouldRemapIdentitiesAsContainersImageDoes() {
        assertThat(run("remapPrefix", false, r -> r.get(2).asBoolean(),
                r -> SignedIdentity.RemapIdentity.matchesPrefix(SignedIdentity.Ref.of(r.get(0).asText()).name(),
                        r.get(1).asText()), null)).isEmpty();
        List<String> wrong = new ArrayList<>();
        for (JsonNode row : TABLES.get("remapReference")) {
            String mapped = new SignedIdentity.RemapIdentity(row.get(0).asText(), row.get(1).asText())
                    .remap(row.get(2).asText());
            String expected = row.get(3).asText();
            String expectedCanonical = expected.isEmpty() ? null : SignedIdentity.Ref.of(expected).toString();
            if (expectedCanonical == null ? mapped != null : !expectedCanonical.equals(mapped)) {
                wrong.add(row + " gave " + mapped);
            }
        }
        assertThat(wrong).isEmpty();
        // a mirror's image is vouched for by a signature made under the vendor's name, by tag exactly
        SignedIdentity mirror = SignedIdentity.parse("remapIdentity:mirror.example/vendor=vendor.example", "test");
        assertThat(mirror.mismatch("mirror.example/vendor/app:1.0", "vendor.example/app:1.0")).isNull();
        assertThat(mirror.mismatch("mirror.example/vendor/app:1.0", "vendor.example/app:1.1")).contains("not exactly");
        assertThat(mirror.mismatch("mirror.example/other/app:1.0", "vendor.example/app:1.0")).isNotNull();
    }

    @Test
    void shouldReadTheFlagAndJsonSpellingsAndNameWhatIsWrong() throws Exception {
        assertThat(SignedIdentity.parse("matchRepository", "--signed-identity"))
                .isEqualTo(new SignedIdentity.MatchRepository());
        assertThat(SignedIdentity.parse(Json.mapper().readTree("{\"type\": \"remapIdentity\", \"prefix\":"
                + " \"private-mirror:5000/vendor-mirror\", \"signedPrefix\": \"vendor.example.com\"}"), "annotation"))
                .isEqualTo(new SignedIdentity.RemapIdentity("private-mirror:5000/vendor-mirror", "vendor.example.com"));
        assertThat(SignedIdentity.parse("exactReference:registry.example/app:1", "f").spec())
                .isEqualTo("exactReference:registry.example/app:1");
        assertThatThrownBy(() -> SignedIdentity.parse("matchRepo", "--signed-identity"))
                .isInstanceOf(TrustplaneException.class)
                .hasMessage("--signed-identity: \"matchRepo\" is not a signed identity; use matchRepository, matchExact,"
                        + " matchRepoDigestOrExact, exactReference:REF, exactRepository:REPO or"
                        + " remapIdentity:PREFIX=SIGNED_PREFIX (containers-policy.json(5))");
        assertThatThrownBy(() -> SignedIdentity.parse("exactReference:registry.example/app", "f"))
                .hasMessageContaining("needs a tag or a digest");
        assertThatThrownBy(() -> SignedIdentity.parse(Json.mapper().readTree("{\"type\": \"matchExact\","
                + " \"prefix\": \"x\"}"), "annotation")).hasMessageContaining("field prefix does not belong");
    }
}
