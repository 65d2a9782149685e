package dev.trustplane.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLException;

/** Turns registry answers and transport failures into one line that names the operation and the way out. */
final class RegistryErrors {
    private static final ObjectMapper JSON = Json.mapper();
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private RegistryErrors() {
    }

    static RegistryException fromResponse(Call call, HttpResponse<InputStream> response, String extra,
            boolean credentialsSent) {
        int status = response.statusCode();
        String body = readBounded(response);
        String code = null;
        String message = null;
        try {
            JsonNode errors = body.isBlank() ? null : JSON.readTree(body).path("errors");
            if (errors != null && errors.isArray() && !errors.isEmpty()) {
                code = errors.get(0).path("code").asText(null);
                message = errors.get(0).path("message").asText(null);
            }
        } catch (IOException notJson) {
            message = body.isBlank() ? null : oneLine(body);
        }
        String answered = "registry " + call.registry() + " answered " + status + (code == null ? "" : " " + code)
                + (message == null || message.isBlank() ? "" : " (" + message + ")") + extra;
        ErrorKind kind;
        String way;
        switch (status) {
            case 401 -> {
                kind = ErrorKind.UNAUTHORIZED;
                way = credentialsSent ? "the credentials for " + call.registry() + " were rejected; check them with"
                        + " `trustplane login " + call.registry() + "`"
                        : "run `trustplane login " + call.registry() + "` or pass --username with --password-stdin";
            }
            case 403 -> {
                kind = ErrorKind.DENIED;
                way = "the credentials do not allow this; ask for access to " + repo(call);
            }
            case 404 -> {
                kind = ErrorKind.NOT_FOUND;
                way = "check the repository name and the tag or digest (`trustplane tags " + repo(call)
                        + "` lists the tags)";
            }
            case 429 -> {
                kind = ErrorKind.REMOTE_ERROR;
                way = "the registry is rate limiting; wait and retry, authenticate, or use a mirror";
            }
            default -> {
                kind = status >= 500 ? ErrorKind.REMOTE_ERROR
                        : status == 400 && "MANIFEST_INVALID".equals(code) ? ErrorKind.INVALID_INPUT
                        : ErrorKind.REMOTE_ERROR;
                way = status >= 500 ? "the registry failed; retry later or check its logs"
                        : "the registry refused the request; see its message";
            }
        }
        return new RegistryException(kind, call.registry(), status, code,
                "Tried to " + call.operation() + ": " + answered + " — " + way, null);
    }

    static RegistryException protocol(Call call, int status, String what) {
        return new RegistryException(ErrorKind.REMOTE_ERROR, call.registry(), status, null, "Tried to "
                + call.operation() + ": registry " + call.registry() + " answered " + status + " but " + what
                + " — this registry does not follow the distribution spec here", null);
    }

    static RegistryException unreachable(Call call, IOException e, int attempts) {
        return new RegistryException(ErrorKind.UNREACHABLE, call.registry(), 0, null, "Cannot reach registry "
                + call.registry() + " to " + call.operation() + ": " + describe(e)
                + (attempts > 1 ? " (" + attempts + " attempts)" : "")
                + " — check the host and port, the network, and that the registry is running", e);
    }

    static RegistryException deadline(Call call, Duration total) {
        return new RegistryException(ErrorKind.UNREACHABLE, call.registry(), 0, null, "Registry " + call.registry()
                + " did not finish answering within the deadline of " + Deadline.describe(total) + " while trying to "
                + call.operation() + " — the registry or the network is slow or stalled; try again, or raise"
                + " --deadline (0 for none)", null);
    }

    static RegistryException tls(Call call, SSLException e) {
        return new RegistryException(ErrorKind.UNREACHABLE, call.registry(), 0, null, "TLS with registry "
                + call.registry() + " failed while trying to " + call.operation() + ": " + e.getMessage()
                + " — if this registry serves plain HTTP or a self-signed certificate, pass --insecure-registry "
                + call.registry(), e);
    }

    static String describe(IOException e) {
        if (e instanceof Deadline.Exceeded) {
            return e.getMessage();
        }
        if (e.getCause() instanceof UnresolvedAddressException || e instanceof UnknownHostException) {
            return "host not found";
        }
        if (e instanceof HttpTimeoutException || e instanceof SocketTimeoutException) {
            return "no answer in time";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        return "connection failed (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage())) + ")";
    }

    static String readBounded(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            return new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static void drain(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            in.skip(MAX_ERROR_BODY);
        } catch (IOException ignored) {
            // the connection is discarded; nothing to recover
        }
    }

    private static String repo(Call call) {
        return call.repository() == null ? call.registry() : call.registry() + "/" + call.repository();
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }
}
