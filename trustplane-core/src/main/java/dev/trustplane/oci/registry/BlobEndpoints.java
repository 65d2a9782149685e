package dev.trustplane.oci.registry;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageReference;
import dev.trustplane.oci.VerifyingInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** HEAD, GET, uploads (monolithic, chunked) and cross-repository mounts of blobs. */
final class BlobEndpoints {
    private final RegistryHttp http;

    BlobEndpoints(RegistryHttp http) {
        this.http = http;
    }

    boolean exists(ImageReference repo, Digest digest) {
        Call call = Call.pull(repo.registry(), repo.repository(), "check blob " + digest.shortForm() + " in "
                + repo.name());
        HttpResponse<InputStream> response = http.send(call, "HEAD", repo.repository() + "/blobs/" + digest, Map.of(),
                RegistryHttp.Body.NONE);
        RegistryErrors.drain(response);
        return switch (response.statusCode()) {
            case 200 -> true;
            case 404 -> false;
            default -> throw http.fail(call, response);
        };
    }

    /** Streams a blob; the stream fails at its end when digest or size differ, so nothing unverified is kept. */
    VerifyingInputStream open(ImageReference repo, Descriptor blob) {
        Call call = Call.pull(repo.registry(), repo.repository(), "pull blob " + blob.digest() + " from "
                + repo.name());
        HttpResponse<InputStream> response = http.send(call, "GET", repo.repository() + "/blobs/" + blob.digest(),
                Map.of(), RegistryHttp.Body.NONE);
        if (response.statusCode() != 200) {
            throw http.fail(call, response);
        }
        return new VerifyingInputStream(response.body(), blob.digest(), blob.size(),
                "registry " + repo.registry() + " (" + repo.name() + ")");
    }

    /** Tries to mount {@code digest} from {@code fromRepository}; returns an upload location when the registry declined. */
    Optional<URI> mount(ImageReference repo, Digest digest, String fromRepository, boolean[] mounted) {
        Call call = Call.push(repo.registry(), repo.repository(), "mount blob " + digest.shortForm() + " into "
                + repo.name() + " from " + fromRepository).plusPull(fromRepository);
        HttpResponse<InputStream> response = http.send(call, "POST", repo.repository() + "/blobs/uploads/?mount="
                + digest + "&from=" + URLEncoder.encode(fromRepository, StandardCharsets.UTF_8), Map.of(),
                RegistryHttp.Body.NONE);
        RegistryErrors.drain(response);
        if (response.statusCode() == 201) {
            mounted[0] = true;
            return Optional.empty();
        }
        if (response.statusCode() == 202) {
            return Optional.of(http.location(call, response));
        }
        throw http.fail(call, response);
    }

    /** Monolithic upload: POST for a session, then one PUT with the whole file. */
    void upload(ImageReference repo, Descriptor blob, Path file) {
        Call call = uploadCall(repo, blob);
        URI location = start(call, repo);
        HttpResponse<InputStream> response = http.send(call, "PUT", withDigest(location, blob.digest()),
                Map.of("Content-Type", "application/octet-stream"), RegistryHttp.Body.file(file, () -> {
                    try {
                        return HttpRequest.BodyPublishers.ofFile(file);
                    } catch (FileNotFoundException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
        finish(call, response);
    }

    void upload(ImageReference repo, Descriptor blob, URI session, IoSupplier<InputStream> content) {
        upload(repo, blob, session, () -> HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return content.get();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }), blob.size()));
    }

    /** A small blob held in memory: one POST and one PUT, both over HttpURLConnection (no HttpClient start-up). */
    void upload(ImageReference repo, Descriptor blob, byte[] content) {
        Call call = uploadCall(repo, blob);
        URI location = start(call, repo);
        HttpResponse<InputStream> response = http.send(call, "PUT", withDigest(location, blob.digest()),
                Map.of("Content-Type", "application/octet-stream"), RegistryHttp.Body.bytes(content));
        finish(call, response);
    }

    private void upload(ImageReference repo, Descriptor blob, URI session,
            Supplier<HttpRequest.BodyPublisher> body) {
        Call call = uploadCall(repo, blob);
        URI location = session != null ? session : start(call, repo);
        HttpResponse<InputStream> response = http.send(call, "PUT", withDigest(location, blob.digest()),
                Map.of("Content-Type", "application/octet-stream"), new RegistryHttp.Body(body, true));
        finish(call, response);
    }

    /** Chunked upload: PATCH chunks of {@code chunkSize} bytes with Content-Range, then PUT to close. */
    void uploadChunked(ImageReference repo, Descriptor blob, IoSupplier<InputStream> content, int chunkSize) {
        Call call = uploadCall(repo, blob);
        URI location = start(call, repo);
        long offset = 0;
        try (InputStream in = content.get()) {
            byte[] buffer = new byte[chunkSize];
            while (true) {
                int n = in.readNBytes(buffer, 0, chunkSize);
                if (n == 0) {
                    break;
                }
                byte[] chunk = n == chunkSize ? buffer : Arrays.copyOf(buffer, n);
                HttpResponse<InputStream> response = http.send(call, "PATCH", location, Map.of(
                        "Content-Type", "application/octet-stream",
                        "Content-Range", offset + "-" + (offset + n - 1)), RegistryHttp.Body.bytes(chunk.clone()));
                RegistryErrors.drain(response);
                if (response.statusCode() != 202) {
                    throw http.fail(call, response);
                }
                location = http.location(call, response);
                offset += n;
                if (n < chunkSize) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new RegistryException(ErrorKind.IO, repo.registry(), 0, null, "Tried to " + call.operation()
                    + ": reading the content failed after " + offset + " bytes: " + e.getMessage(), e);
        }
        HttpResponse<InputStream> response = http.send(call, "PUT", withDigest(location, blob.digest()), Map.of(),
                RegistryHttp.Body.NONE);
        finish(call, response);
    }

    private URI start(Call call, ImageReference repo) {
        HttpResponse<InputStream> response = http.send(call, "POST", repo.repository() + "/blobs/uploads/", Map.of(),
                RegistryHttp.Body.NONE);
        RegistryErrors.drain(response);
        if (response.statusCode() != 202) {
            throw http.fail(call, response);
        }
        return http.location(call, response);
    }

    private void finish(Call call, HttpResponse<InputStream> response) {
        if (response.statusCode() != 201) {
            throw http.fail(call, response);
        }
        RegistryErrors.drain(response);
    }

    private static Call uploadCall(ImageReference repo, Descriptor blob) {
        return Call.push(repo.registry(), repo.repository(), "push blob " + blob.digest() + " to " + repo.name());
    }

    private static URI withDigest(URI location, Digest digest) {
        String s = location.toString();
        return URI.create(s + (location.getRawQuery() == null ? "?" : "&") + "digest="
                + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8));
    }
}
