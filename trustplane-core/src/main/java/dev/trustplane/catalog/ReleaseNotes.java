package dev.trustplane.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.io.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The release notes of one new digest: the package diff from the previous digest and the CVEs
 * fixed with their severity, as JSON (for machines) and Markdown (for people). Attached to the
 * image as a referrer of type {@link #ARTIFACT_TYPE}.
 */
public record ReleaseNotes(String image, String variant, String repository, String digest, String previousDigest,
        List<String> tags, String release, Instant publishedAt, List<ImagePlan.PackageChange> changes,
        List<ImagePlan.CveFix> fixes) {
    public static final String ARTIFACT_TYPE = "application/vnd.trustplane.release-notes.v1+json";
    public static final String MARKDOWN_TYPE = "text/markdown";
    private static final ObjectMapper JSON = Json.pretty();

    public ReleaseNotes {
        tags = List.copyOf(tags);
        changes = List.copyOf(changes);
        fixes = List.copyOf(fixes);
    }

    public byte[] json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("image", image);
        root.put("variant", variant);
        root.put("repository", repository);
        root.put("digest", digest);
        root.put("previousDigest", previousDigest);
        root.putPOJO("tags", tags);
        root.put("release", release);
        root.put("publishedAt", publishedAt.toString());
        ArrayNode fixed = root.putArray("fixes");
        for (ImagePlan.CveFix f : fixes) {
            ObjectNode n = fixed.addObject();
            n.put("cve", f.cve());
            n.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
            n.put("source", f.source());
            n.put("from", f.from());
            n.put("fixedVersion", f.fixedVersion());
            n.put("to", f.to());
            n.putPOJO("packages", f.binaries());
        }
        ArrayNode packages = root.putArray("packages");
        for (ImagePlan.PackageChange c : changes) {
            ObjectNode n = packages.addObject();
            n.put("name", c.name());
            n.put("from", c.from());
            n.put("to", c.to());
            n.put("source", c.source());
            n.putPOJO("architectures", c.architectures());
        }
        try {
            return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(repository).append(' ').append(tags.isEmpty() ? variant : tags.get(0)).append("\n\n");
        md.append("- Digest: `").append(digest).append("`\n");
        md.append("- Previous: ").append(previousDigest == null ? "none (first release)" : "`" + previousDigest + "`")
                .append('\n');
        md.append("- Tags: ").append(String.join(", ", tags.stream().map(t -> "`" + t + "`").toList())).append('\n');
        md.append("- Debian ").append(release).append(", published ").append(publishedAt).append("\n\n");
        md.append("## Vulnerabilities fixed\n\n");
        if (fixes.isEmpty()) {
            md.append("None recorded by the vulnerability database.\n\n");
        } else {
            md.append("| CVE | severity | package | from | fixed in | now |\n|---|---|---|---|---|---|\n");
            for (ImagePlan.CveFix f : fixes) {
                md.append("| ").append(f.cve()).append(" | ").append(f.severity().name().toLowerCase(Locale.ROOT))
                        .append(" | ").append(f.source()).append(" | ").append(f.from()).append(" | ")
                        .append(f.fixedVersion()).append(" | ").append(f.to()).append(" |\n");
            }
            md.append('\n');
        }
        md.append("## Package changes\n\n");
        if (changes.isEmpty()) {
            md.append("None (first release or the spec changed).\n");
        } else {
            md.append("| package | from | to | architectures |\n|---|---|---|---|\n");
            for (ImagePlan.PackageChange c : changes) {
                md.append("| ").append(c.name()).append(" | ").append(c.from() == null ? "(new)" : c.from())
                        .append(" | ").append(c.to() == null ? "(removed)" : c.to()).append(" | ")
                        .append(String.join(", ", c.architectures())).append(" |\n");
            }
        }
        return md.toString().getBytes(StandardCharsets.UTF_8);
    }
}
