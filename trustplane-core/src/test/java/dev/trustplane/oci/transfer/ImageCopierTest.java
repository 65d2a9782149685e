package dev.trustplane.oci.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustplane.error.LimitExceededException;
import dev.trustplane.event.EventListener;
import dev.trustplane.oci.ImageIndex;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.TestImages;
import dev.trustplane.oci.layout.OciLayout;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCopierTest {
    @TempDir
    Path dir;

    /** An image under {@code depth} indexes, each listing the next, tagged {@code top}. */
    private static void nested(OciLayout layout, int depth) {
        RawManifest child = TestImages.write(layout, null, 1, 32, 1);
        for (int i = 0; i < depth; i++) {
            RawManifest index = ImageIndex.of(List.of(child.descriptor())).toRaw();
            layout.writeManifest(index);
            child = index;
        }
        layout.tag("top", child.descriptor());
    }

    @Test
    void shouldRefuseAnIndexNestedDeeperThanTheLimitInsteadOfOverflowingTheStack() {
        nested(OciLayout.openOrCreate(dir.resolve("deep")), 5000);
        ImageCopier copier = new ImageCopier(null, EventListener.NONE, 2);
        assertThatThrownBy(() -> copier.copy(Location.parse("oci:" + dir.resolve("deep") + ":top"),
                Location.parse("oci:" + dir.resolve("copy") + ":top")))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("index nesting depth").hasMessageContaining("9 indexes deep");
    }

    @Test
    void shouldCopyAnIndexNestedUpToTheLimit() {
        nested(OciLayout.openOrCreate(dir.resolve("ok")), ImageCopier.MAX_INDEX_DEPTH);
        new ImageCopier(null, EventListener.NONE, 2).copy(Location.parse("oci:" + dir.resolve("ok") + ":top"),
                Location.parse("oci:" + dir.resolve("copy") + ":top"));
        assertThat(OciLayout.open(dir.resolve("copy")).resolveTag("top")).isPresent();
    }
}
