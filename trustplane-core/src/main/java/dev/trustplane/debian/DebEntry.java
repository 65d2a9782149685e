package dev.trustplane.debian;

/**
 * One entry of a package's {@code data.tar}, with its name normalised (no leading {@code ./} or
 * {@code /}, no trailing slash) and already checked not to escape the root.
 */
public record DebEntry(String path, Type type, int mode, int uid, int gid, String linkTarget, long size) {
    public enum Type { FILE, DIRECTORY, SYMLINK, HARDLINK }
}
