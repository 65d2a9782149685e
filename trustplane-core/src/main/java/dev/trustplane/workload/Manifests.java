package dev.trustplane.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Kubernetes objects from a file as {@code kubectl} writes and reads them: YAML or JSON, several
 * documents, and {@code kind: List} (what {@code kubectl get -o json} prints) expanded into its
 * items. Every object must name its {@code kind} and {@code apiVersion}.
 */
public final class Manifests {
    private Manifests() {
    }

    /** One object and how to name it in messages: the file, with {@code #N} from the second document on. */
    public record Document(String name, JsonNode object) {
    }

    /**
     * Reads every object of {@code file}.
     *
     * @param what     how the file was given, for messages (e.g. {@code --resource})
     * @param maxBytes the largest file read
     */
    public static List<Document> read(Path file, String what, long maxBytes) {
        List<JsonNode> objects = new ArrayList<>();
        try {
            if (Files.size(file) > maxBytes) {
                throw new TrustplaneException(ErrorKind.LIMIT_EXCEEDED, what + " " + file + " is larger than "
                        + maxBytes + " bytes");
            }
            try (MappingIterator<JsonNode> it = Json.yaml().readerFor(JsonNode.class)
                    .readValues(Files.readAllBytes(file))) {
                while (it.hasNextValue()) {
                    JsonNode d = it.nextValue();
                    if (d != null && d.isObject() && !d.isEmpty()) {
                        if (d.path("kind").asText().equals("List") && d.has("items")) {
                            d.get("items").forEach(objects::add);
                        } else {
                            objects.add(d);
                        }
                    }
                }
            }
        } catch (NoSuchFileException e) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, what + " " + file + " does not exist");
        } catch (IOException | RuntimeException e) {
            if (e instanceof TrustplaneException te) {
                throw te;
            }
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, what + " " + file + " is not valid YAML or"
                    + " JSON: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        List<Document> documents = new ArrayList<>();
        for (int n = 1; n <= objects.size(); n++) {
            JsonNode doc = objects.get(n - 1);
            if (doc.path("kind").asText("").isEmpty() || doc.path("apiVersion").asText("").isEmpty()) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT, what + " " + file + " document " + n
                        + " has no kind or apiVersion; pass Kubernetes resources (e.g. a Deployment)");
            }
            documents.add(new Document(file + (n > 1 ? " #" + n : ""), doc));
        }
        return documents;
    }
}
