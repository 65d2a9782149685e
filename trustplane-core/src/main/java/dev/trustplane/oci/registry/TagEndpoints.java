package dev.trustplane.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.io.Json;
import dev.trustplane.oci.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code GET /v2/<name>/tags/list}, following {@code Link} pagination. */
final class TagEndpoints {

    private static final int PAGE_SIZE = 1000;
    private static final long MAX_PAGE_BYTES = 4L << 20;
    static final int MAX_TAGS = 1_000_000;

    private final RegistryHttp http;

    TagEndpoints(RegistryHttp http) {
        this.http = http;
    }

    List<String> list(ImageReference repo) {
        Call call = Call.pull(repo.registry(), repo.repository(), "list tags of " + repo.name());
        List<String> tags = new ArrayList<>();
        URI next = http.uri(call, repo.repository() + "/tags/list?n=" + PAGE_SIZE);
        while (next != null) {
            HttpResponse<InputStream> response = http.send(call, "GET", next, Map.of("Accept", "application/json"),
                    RegistryHttp.Body.NONE);
            if (response.statusCode() != 200) {
                throw http.fail(call, response);
            }
            try {
                JsonNode page = Json.mapper().readTree(Bodies.readBounded(response, MAX_PAGE_BYTES, "max-tag-page-bytes",
                        "Tag list of " + repo.name()));
                page.path("tags").forEach(t -> tags.add(t.asText()));
            } catch (IOException e) {
                throw RegistryErrors.protocol(call, 200, "the tag list is not valid JSON");
            }
            if (tags.size() > MAX_TAGS) {
                throw new LimitExceededException("max-tags", MAX_TAGS, "Tag list of " + repo.name());
            }
            String link = Bodies.nextLink(response);
            next = link == null ? null : next.resolve(link);
        }
        return tags;
    }
}
