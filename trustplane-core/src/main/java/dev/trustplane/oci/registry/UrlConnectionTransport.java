package dev.trustplane.oci.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;

/**
 * Every request except PATCH and one-shot streamed bodies goes through {@link HttpURLConnection}:
 * measured on blob transfers it streams several times faster than {@link HttpClient} in a
 * short-lived CLI process, it needs no client set-up (~0.2 s for HttpClient and its TLS context),
 * and its read timeout bounds a stalled body (docs/benchmarks.md). HttpURLConnection has no
 * PATCH, so chunked uploads stay on HttpClient.
 */
final class UrlConnectionTransport {
    private final SSLContext insecureContext;

    UrlConnectionTransport(SSLContext insecureContext) {
        this.insecureContext = insecureContext;
    }

    HttpResponse<InputStream> send(String method, URI uri, Map<String, String> headers, String authorization,
            Duration timeout, boolean insecureTls, Path file, byte[] content) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        if (insecureTls && c instanceof HttpsURLConnection https && insecureContext != null) {
            https.setSSLSocketFactory(insecureContext.getSocketFactory());
            https.setHostnameVerifier((host, session) -> true);
        }
        c.setInstanceFollowRedirects(false);
        c.setRequestMethod(method);
        c.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        headers.forEach(c::setRequestProperty);
        if (authorization != null) {
            c.setRequestProperty("Authorization", authorization);
        }
        if (file != null) {
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(Files.size(file));
            try (OutputStream out = c.getOutputStream()) {
                Files.copy(file, out);
            }
        } else if (content != null || method.equals("POST") || method.equals("PUT")) {
            byte[] bytes = content == null ? new byte[0] : content;
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(bytes.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(bytes);
            }
        }
        int status = c.getResponseCode();
        Map<String, List<String>> fields = new LinkedHashMap<>();
        c.getHeaderFields().forEach((k, v) -> {
            if (k != null) {
                fields.put(k, v);
            }
        });
        HttpHeaders responseHeaders = HttpHeaders.of(fields, (k, v) -> true);
        InputStream body;
        if (method.equals("HEAD")) {
            body = InputStream.nullInputStream();
        } else if (status >= 400) {
            InputStream error = c.getErrorStream();
            body = error == null ? InputStream.nullInputStream() : error;
        } else {
            body = c.getInputStream();
        }
        HttpRequest request = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return new Response(status, responseHeaders, body, request, uri);
    }

    private record Response(int statusCode, HttpHeaders headers, InputStream body, HttpRequest request, URI uri)
            implements HttpResponse<InputStream> {
        @Override
        public Optional<HttpResponse<InputStream>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
