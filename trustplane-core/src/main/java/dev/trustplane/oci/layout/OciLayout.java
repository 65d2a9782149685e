package dev.trustplane.oci.layout;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.LimitExceededException;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.AtomicFiles;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageIndex;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.OciLimits;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.VerifyingInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * An OCI image-layout directory: {@code oci-layout}, {@code index.json} and {@code blobs/ALG/HEX}.
 * The embedded default image store. Every write goes to a temporary file that is renamed into
 * place only when complete and verified; {@code index.json} is replaced last, so a crash never
 * leaves an index that points at a missing blob.
 */
public final class OciLayout {
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    static final String LAYOUT_FILE = "oci-layout";
    static final String INDEX_FILE = "index.json";
    private static final String LAYOUT_CONTENT = "{\"imageLayoutVersion\":\"1.0.0\"}";

    private final Path root;
    private final OciLimits limits;

    private OciLayout(Path root, OciLimits limits) {
        this.root = root;
        this.limits = limits;
    }

    /** Opens an existing layout; the error says what is missing. */
    public static OciLayout open(Path dir) {
        return open(dir, OciLimits.DEFAULT);
    }

    public static OciLayout open(Path dir, OciLimits limits) {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new TrustplaneException(ErrorKind.NOT_FOUND, "OCI layout " + dir + " does not exist;"
                    + " check the path after \"oci:\" (a destination layout is created by copy)");
        }
        if (!Files.isRegularFile(root.resolve(LAYOUT_FILE))) {
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Directory " + dir + " is not an OCI layout:"
                    + " it has no \"oci-layout\" file. Point at the directory that holds oci-layout and index.json");
        }
        return new OciLayout(root, limits);
    }

    /**
     * Opens a layout, creating an empty one when the directory is missing or empty. A new layout is
     * made complete in a sibling temporary directory and renamed into place, so processes creating
     * the same layout at once never see (or overwrite) each other's half-made one: the first rename
     * wins and the others open what it made.
     */
    public static OciLayout openOrCreate(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        try {
            while (true) {
                if (Files.isRegularFile(root.resolve(LAYOUT_FILE))) {
                    return open(root);
                }
                if (Files.isDirectory(root)) {
                    try (var children = Files.list(root)) {
                        // a concurrent creator may have renamed its layout into place since the first check
                        if (children.findAny().isPresent() && !Files.isRegularFile(root.resolve(LAYOUT_FILE))) {
                            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "Directory " + dir + " is not empty"
                                    + " and not an OCI layout; choose an empty or new directory for the layout");
                        }
                    }
                }
                if (createByRename(root)) {
                    return new OciLayout(root, OciLimits.DEFAULT);
                }
            }
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot create the OCI layout " + dir + ": " + e, e);
        }
    }

    /** Makes an empty layout beside {@code root} and renames it into place; false when another process won. */
    private static boolean createByRename(Path root) throws IOException {
        Path parent = root.getParent();
        Files.createDirectories(parent);
        Path temp = parent.resolve("." + root.getFileName() + ".creating-" + UUID.randomUUID());
        try {
            Files.createDirectories(temp.resolve("blobs").resolve("sha256"));
            AtomicFiles.write(temp.resolve(LAYOUT_FILE), LAYOUT_CONTENT.getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(temp.resolve(INDEX_FILE), ImageIndex.of(List.of()).toJson());
            try {
                // rename(2) replaces an empty directory and fails on a non-empty one
                Files.move(temp, root, StandardCopyOption.ATOMIC_MOVE);
                return true;
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                return false;
            } catch (FileSystemException e) {
                if (Files.isRegularFile(root.resolve(LAYOUT_FILE))) {
                    return false;
                }
                throw e;
            }
        } finally {
            AtomicFiles.deleteTree(temp);
        }
    }

    public Path root() {
        return root;
    }

    /** The layout's {@code index.json}. */
    public ImageIndex index() {
        Path file = root.resolve(INDEX_FILE);
        try {
            limits.checkManifestSize(regularFile(file, "index.json").size(), "index.json of OCI layout " + root);
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                // bounded while reading: the file may grow between the size check and the read
                bytes = in.readNBytes((int) limits.maxManifestBytes() + 1);
            }
            limits.checkManifestSize(bytes.length, "index.json of OCI layout " + root);
            Manifest m = RawManifest.of(bytes, MediaTypes.OCI_INDEX).parse(limits, file.toString());
            return (ImageIndex) m;
        } catch (NoSuchFileException e) {
            return ImageIndex.of(List.of());
        } catch (IOException e) {
            throw ioError("read " + file, e);
        }
    }

    public List<LayoutEntry> entries() {
        List<LayoutEntry> entries = new ArrayList<>();
        for (Descriptor d : index().manifests()) {
            entries.add(new LayoutEntry(d, d.annotation(REF_NAME)));
        }
        return entries;
    }

    /** The entry whose {@code ref.name} is {@code tag}. */
    public Optional<Descriptor> resolveTag(String tag) {
        return index().manifests().stream().filter(d -> tag.equals(d.annotation(REF_NAME))).findFirst();
    }

    /** A manifest by digest: a top-level entry, or any manifest blob the layout holds. */
    public Optional<Descriptor> resolveDigest(Digest digest) {
        for (Descriptor d : index().manifests()) {
            if (d.digest().equals(digest)) {
                return Optional.of(d);
            }
        }
        if (!hasBlob(digest)) {
            return Optional.empty();
        }
        byte[] bytes = readBlob(digest, limits.maxManifestBytes());
        RawManifest raw = RawManifest.verified(bytes, null, digest, root.toString());
        return Optional.of(raw.descriptor());
    }

    public Path blobPath(Digest digest) {
        return root.resolve("blobs").resolve(digest.algorithm().prefix()).resolve(digest.hex());
    }

    public boolean hasBlob(Digest digest) {
        return Files.isRegularFile(blobPath(digest));
    }

    public long blobSize(Digest digest) {
        try {
            return regularFile(blobPath(digest), "blob " + digest).size();
        } catch (IOException e) {
            throw missingBlob(digest, e);
        }
    }

    /**
     * The attributes of a file of the layout, which must be a regular file: a FIFO would block a
     * reader forever, a device or a symbolic link would read what is not the layout's.
     */
    private BasicFileAttributes regularFile(Path file, String what) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            String kind = attributes.isSymbolicLink() ? "a symbolic link" : attributes.isDirectory() ? "a directory"
                    : "a FIFO, socket or device";
            throw new TrustplaneException(ErrorKind.INVALID_INPUT, "The " + what + " of OCI layout " + root + " is "
                    + kind + ", not a regular file (" + file + ") — a layout holds regular files only; remove it and"
                    + " copy the image into the layout again");
        }
        return attributes;
    }

    /** A stream of the blob that fails at its end unless the content matches digest and size. */
    public VerifyingInputStream openBlob(Digest digest, long size) {
        try {
            regularFile(blobPath(digest), "blob " + digest);
            return new VerifyingInputStream(Files.newInputStream(blobPath(digest), LinkOption.NOFOLLOW_LINKS), digest, size,
                    "OCI layout " + root);
        } catch (IOException e) {
            throw missingBlob(digest, e);
        }
    }

    /** Reads a small blob whole, refusing more than {@code maxBytes} and content that does not match. */
    public byte[] readBlob(Digest digest, long maxBytes) {
        long size = blobSize(digest);
        return read(digest, size, size, maxBytes);
    }

    /**
     * Reads a small blob whole against the size its descriptor declares: a file of another size is
     * refused naming both sizes, more than {@code maxBytes} is a limit.
     */
    public byte[] readBlob(Digest digest, long size, long maxBytes) {
        return read(digest, size, blobSize(digest), maxBytes);
    }

    private byte[] read(Digest digest, long size, long stored, long maxBytes) {
        if (size > maxBytes) {
            throw new LimitExceededException("max-blob-read", maxBytes,
                    "Blob " + digest + " in " + root + " (" + size + " bytes)");
        }
        if (stored != size) {
            throw new TrustplaneException(ErrorKind.INTEGRITY, "Blob " + digest + " in OCI layout " + root + " has "
                    + stored + " bytes but its descriptor declares " + size + "; refusing it — copy the image into"
                    + " the layout again");
        }
        try (InputStream in = openBlob(digest, size)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw ioError("read blob " + digest, e);
        }
    }

    public RawManifest readManifest(Descriptor descriptor) {
        limits.checkManifestSize(descriptor.size(), "Manifest " + descriptor.digest() + " in " + root);
        byte[] bytes = readBlob(descriptor.digest(), limits.maxManifestBytes());
        return RawManifest.verified(bytes, descriptor.mediaType(), descriptor.digest(), "OCI layout " + root);
    }

    /**
     * Stores a blob from a stream, verifying digest and size while writing to a temporary file.
     * Returns false without reading when the blob is already present.
     */
    public boolean writeBlob(Digest digest, long size, InputStream content) {
        Path target = blobPath(digest);
        if (Files.isRegularFile(target)) {
            return false;
        }
        try {
            Files.createDirectories(target.getParent());
            InputStream verified = content instanceof VerifyingInputStream v && v.checks(digest, size) ? content
                    : new VerifyingInputStream(content, digest, size, "the copy source");
            AtomicFiles.writeVerified(target, verified);
            return true;
        } catch (IOException e) {
            throw ioError("write blob " + digest, e);
        }
    }

    public void writeBlob(byte[] content) {
        Digest digest = Digest.sha256(content);
        writeBlob(digest, content.length, new ByteArrayInputStream(content));
    }

    public void writeManifest(RawManifest manifest) {
        writeBlob(manifest.digest(), manifest.size(), new ByteArrayInputStream(manifest.bytes()));
    }

    /** Points {@code tag} at {@code descriptor}; an entry that had this tag loses it. */
    public void tag(String tag, Descriptor descriptor) {
        requireBlob(descriptor.digest());
        updateIndex(index -> {
            List<Descriptor> kept = new ArrayList<>();
            for (Descriptor d : index.manifests()) {
                if (!tag.equals(d.annotation(REF_NAME))) {
                    kept.add(d);
                }
            }
            Map<String, String> annotations = new HashMap<>(descriptor.annotations());
            annotations.put(REF_NAME, tag);
            kept.add(descriptor.withAnnotations(annotations));
            return index.withManifests(kept);
        });
    }

    /** Lists {@code descriptor} in {@code index.json} without a tag (used for referrers). */
    public void addUntagged(Descriptor descriptor) {
        requireBlob(descriptor.digest());
        updateIndex(index -> index.plus(descriptor));
    }

    /** Removes the tag; its blobs stay until {@link #gc}. Returns false when the tag did not exist. */
    public boolean untag(String tag) {
        boolean[] found = {false};
        updateIndex(index -> {
            List<Descriptor> kept = new ArrayList<>();
            for (Descriptor d : index.manifests()) {
                if (tag.equals(d.annotation(REF_NAME))) {
                    found[0] = true;
                } else {
                    kept.add(d);
                }
            }
            return index.withManifests(kept);
        });
        return found[0];
    }

    /** Manifests listed in the layout whose {@code subject} is {@code subject}, optionally of one artifact type. */
    public List<Descriptor> referrers(Digest subject, String artifactType) {
        return new LayoutReferrers(this, limits).find(subject, artifactType);
    }

    /** Runs {@code action} while holding this layout's writer lock. */
    public <T> T locked(Supplier<T> action) {
        return LayoutLock.locked(root, action);
    }

    /** Removes blobs that nothing in {@code index.json} reaches, and temporary files older than {@code grace}. */
    public GcResult gc(Duration grace) {
        return locked(() -> new LayoutGc(this, limits).run(grace));
    }

    private void updateIndex(UnaryOperator<ImageIndex> change) {
        locked(() -> {
            ImageIndex updated = change.apply(index());
            try {
                AtomicFiles.write(root.resolve(INDEX_FILE), updated.toJson());
            } catch (IOException e) {
                throw ioError("write " + INDEX_FILE, e);
            }
            return null;
        });
    }

    private void requireBlob(Digest digest) {
        if (!hasBlob(digest)) {
            throw new IllegalStateException("refusing to list " + digest + " in " + root
                    + "/index.json: the blob is not in the layout");
        }
    }

    private TrustplaneException missingBlob(Digest digest, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new TrustplaneException(ErrorKind.NOT_FOUND, "OCI layout " + root + " has no blob " + digest
                    + "; the layout is incomplete — copy the image into it again", e);
        }
        return ioError("read blob " + digest, e);
    }

    private TrustplaneException ioError(String what, IOException e) {
        return new TrustplaneException(ErrorKind.IO, "Cannot " + what + " in OCI layout " + root + ": " + e, e);
    }
}
