package dev.trustplane.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Sends the server's own TLS listener AdmissionReviews for a DELETE (answered without a policy,
 * a registry or the ledger) until the request path — TLS, HTTP, parsing, answering — is compiled,
 * before {@code /readyz} reports ready: started cold, a 200 req/s soak had a p99 of 724 ms from
 * the backlog of its first second (issue 15). At most {@link #REQUESTS} requests or
 * {@link #BUDGET}, whichever comes first; a failure only ends the warm-up early.
 */
final class WarmUp {
    static final int REQUESTS = 600;
    static final Duration BUDGET = Duration.ofSeconds(10);
    private static final int PARALLEL = 4;
    private static final byte[] REVIEW = ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
            + "\"request\":{\"uid\":\"trustplane-warm-up\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},"
            + "\"resource\":{\"group\":\"\",\"version\":\"v1\",\"resource\":\"pods\"},\"namespace\":\"warm-up\","
            + "\"name\":\"warm-up\",\"operation\":\"DELETE\",\"userInfo\":{\"username\":\"trustplane\"},"
            + "\"oldObject\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"warm-up\"},\"spec\":"
            + "{\"containers\":[{\"name\":\"c\",\"image\":\"registry.example/warm-up@sha256:"
            + "0".repeat(64) + "\"}]}}}}").getBytes(StandardCharsets.UTF_8);

    private WarmUp() {
    }

    /** Warms the listener on {@code port}, which serves {@code certificateFile}; returns how many requests were answered. */
    static int run(int port, Path certificateFile) {
        SSLSocketFactory tls;
        try {
            tls = trusting(certificateFile);
        } catch (IOException | GeneralSecurityException e) {
            return 0;
        }
        URI validate = URI.create("https://127.0.0.1:" + port + "/validate");
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        long until = System.nanoTime() + BUDGET.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> Thread.ofPlatform().daemon(true)
                .name("trustplane-warm-up").unstarted(r));
        for (int t = 0; t < PARALLEL; t++) {
            pool.submit(() -> {
                while (sent.getAndIncrement() < REQUESTS && System.nanoTime() < until) {
                    if (!post(validate, tls)) {
                        return;
                    }
                    answered.incrementAndGet();
                }
            });
        }
        pool.shutdown();
        try {
            pool.awaitTermination(BUDGET.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdownNow();
        return answered.get();
    }

    private static boolean post(URI uri, SSLSocketFactory tls) {
        try {
            HttpsURLConnection c = (HttpsURLConnection) uri.toURL().openConnection();
            c.setSSLSocketFactory(tls);
            // the server's own certificate names the Service, not 127.0.0.1
            c.setHostnameVerifier((host, session) -> "127.0.0.1".equals(host));
            c.setConnectTimeout(2000);
            c.setReadTimeout(2000);
            c.setDoOutput(true);
            c.setRequestMethod("POST");
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(REVIEW);
            }
            int status = c.getResponseCode();
            try (InputStream in = c.getInputStream()) {
                in.readAllBytes();
            }
            return status == 200;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Trusts exactly the certificates the server serves (its certificate file, read as it is now):
     * these requests go to this process's own loopback listener.
     */
    private static SSLSocketFactory trusting(Path certificateFile) throws IOException, GeneralSecurityException {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        int i = 0;
        try (InputStream in = Files.newInputStream(certificateFile)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                anchors.setCertificateEntry("served-" + i++, c);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(anchors);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trust.getTrustManagers(), new SecureRandom());
        return ssl.getSocketFactory();
    }
}
