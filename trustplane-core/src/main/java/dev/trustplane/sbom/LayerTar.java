package dev.trustplane.sbom;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The entries of one layer's tar as package detection reads them: streamed through
 * commons-compress ({@link StreamedTar}) or walked in place in a tar held whole in memory
 * ({@link MemoryTar}). Both readers give the same entries for the same tar.
 */
interface LayerTar {
    /** What an entry is, as far as package detection cares. */
    enum Type {
        /** A regular file (tar types {@code 0}, NUL and {@code 7}; GNU sparse files once read). */
        FILE,
        /** A hard link to an earlier entry, named by the link name (type {@code 1}). */
        HARDLINK,
        /** A symbolic link (type {@code 2}). */
        SYMLINK,
        /** Directories, devices, FIFOs, pax global headers, volume labels. */
        OTHER
    }

    /**
     * One entry after its long-name and pax headers were applied.
     *
     * @param name the path as archived (not normalised)
     * @param mode the permission bits and file type bits of the header
     * @param size the content's size in bytes
     * @param linkName the target of a link, empty for other entries
     */
    record Entry(String name, Type type, int mode, long size, String linkName) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(linkName, "linkName");
            if (size < 0) {
                throw new IllegalArgumentException("negative size " + size + " for " + name);
            }
        }

        boolean isFile() {
            return type == Type.FILE;
        }

        /** The type for tar's type flag; a directory in the old format is a file type with a name ending in '/'. */
        static Type type(byte flag, String name) {
            return switch (flag) {
                case 0, '0', '7', 'S' -> name.endsWith("/") ? Type.OTHER : Type.FILE;
                case '1' -> Type.HARDLINK;
                case '2' -> Type.SYMLINK;
                default -> Type.OTHER;
            };
        }
    }

    /** The next entry, after what is left of the current one; null at the end of the archive. */
    Entry next() throws IOException;

    /**
     * The current entry's content, from its start (or from where the previous stream of this entry
     * stopped, for a streamed tar) to its end; closing it leaves the tar open.
     */
    InputStream content();
}
