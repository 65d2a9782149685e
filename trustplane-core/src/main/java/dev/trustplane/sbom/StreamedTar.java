package dev.trustplane.sbom;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** A layer's tar read as a stream by commons-compress: every format it knows, sparse files included. */
final class StreamedTar implements LayerTar {
    private final TarArchiveInputStream tar;
    private final byte[] sink = new byte[1 << 16];
    private boolean inEntry;

    StreamedTar(TarArchiveInputStream tar) {
        this.tar = tar;
    }

    /**
     * Reads what is left of the current entry into one reused buffer before the next header: the
     * tar reader's own skip allocates a fresh 8 KiB buffer for every 8 KiB it skips (about as many
     * bytes as the layer holds, all garbage), where reading into one buffer allocates nothing.
     */
    @Override
    public Entry next() throws IOException {
        if (inEntry) {
            while (tar.read(sink, 0, sink.length) > 0) {
                // discard the rest of the entry
            }
        }
        TarArchiveEntry e = tar.getNextEntry();
        inEntry = e != null;
        if (e == null) {
            return null;
        }
        // a sparse file reads as its real size, holes filled with zeros; its size field counts only the data
        return new Entry(e.getName(), Entry.type(e.getLinkFlag(), e.getName()), e.getMode(),
                e.isSparse() ? e.getRealSize() : e.getSize(), e.getLinkName() == null ? "" : e.getLinkName());
    }

    @Override
    public InputStream content() {
        return new FilterInputStream(tar) {
            @Override
            public void close() {
                // the tar stream stays open for the next entry
            }
        };
    }
}
