package dev.trustplane.builder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class JavaTrustStoreTest {

    @Test
    void shouldWriteAJksTheJdkLoadsWithTheDefaultPasswordAndTheSameBytesEveryTime() throws Exception {
        String pem = Files.readString(Path.of("/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt"));
        Map<String, String> certs = new TreeMap<>(Map.of("debian:isrg_root_x1.pem", pem));
        byte[] jks = JavaTrustStore.jks(certs, 1_700_000_000L);
        KeyStore store = KeyStore.getInstance("JKS");
        store.load(new ByteArrayInputStream(jks), "changeit".toCharArray());
        assertThat(Collections.list(store.aliases())).containsExactly("debian:isrg_root_x1.pem");
        assertThat(store.isCertificateEntry("debian:isrg_root_x1.pem")).isTrue();
        assertThat(((X509Certificate) store.getCertificate("debian:isrg_root_x1.pem")).getSubjectX500Principal()
                .getName()).contains("CN=ISRG Root X1");
        assertThat(store.getCreationDate("debian:isrg_root_x1.pem").getTime()).isEqualTo(1_700_000_000_000L);
        assertThat(JavaTrustStore.jks(certs, 1_700_000_000L)).isEqualTo(jks);
    }
}
