package dev.trustplane.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustplane.sigstore.Keys;
import dev.trustplane.store.Store;
import dev.trustplane.verify.Revocations;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The revocation list every verification asks for: never older than the call, shared between concurrent calls. */
class RevocationStoreTest {
    @TempDir
    Path dir;

    @Test
    void shouldSeeEveryRevocationCommittedBeforeTheCallEvenUnderConcurrentCalls() throws Exception {
        Store store = Store.embedded(dir.resolve("t.db"));
        RevocationStore replica = new RevocationStore(store);
        RevocationStore other = new RevocationStore(Store.embedded(dir.resolve("t.db"))); // another process
        long before = replica.current().version();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 20; round++) {
                other.revokeKey(Keys.generate().publicKey(), null, null, "round " + round, "test");
                long expected = before + round + 1;
                List<Future<Revocations>> calls = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    calls.add(pool.submit(replica::current)); // every call starts after the commit
                }
                for (Future<Revocations> f : calls) {
                    assertThat(f.get().version()).as("round %d", round).isEqualTo(expected);
                    assertThat(f.get().isEmpty()).isFalse();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(replica.current().version()).isEqualTo(before + 20);
    }
}
