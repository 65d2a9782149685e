package dev.trustplane.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void shouldWriteALargeFileWholeWhileSyncingItOnTheWay() throws Exception {
        Path target = dir.resolve("blob");
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        Random random = new Random(7);
        byte[] chunk = new byte[100_000];

        AtomicFiles.write(target, out -> {
            for (int i = 0; i < 300; i++) { // 30 MB: three background syncs and a tail
                random.nextBytes(chunk);
                expected.update(chunk);
                out.write(chunk, 0, chunk.length);
            }
        });

        assertThat(Files.size(target)).isEqualTo(30_000_000L);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(target))))
                .isEqualTo(HexFormat.of().formatHex(expected.digest()));
        assertThat(dir.toFile().list()).containsExactly("blob");
    }

    @Test
    void shouldLeaveNothingWhenTheWriterFailsAfterABackgroundSyncStarted() {
        Path target = dir.resolve("blob");
        byte[] chunk = new byte[1 << 20];

        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            for (int i = 0; i < 20; i++) {
                out.write(chunk, 0, chunk.length);
            }
            throw new IOException("digest mismatch");
        })).hasMessage("digest mismatch");

        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void shouldReplaceAnExistingFile() throws Exception {
        Path target = dir.resolve("index.json");
        AtomicFiles.write(target, "old".getBytes());

        AtomicFiles.write(target, "new".getBytes());

        assertThat(Files.readString(target)).isEqualTo("new");
        assertThat(dir.toFile().list()).containsExactly("index.json");
    }
}
