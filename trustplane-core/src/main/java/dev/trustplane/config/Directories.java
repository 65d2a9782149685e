package dev.trustplane.config;

import java.nio.file.Path;
import java.util.Map;

/** Where Trustplane keeps things on this machine, the same for every front end. */
public final class Directories {
    private Directories() {
    }

    /** Caches (packages, indices, the vulnerability database): $TRUSTPLANE_CACHE, else $XDG_CACHE_HOME/trustplane, else ~/.cache/trustplane. */
    public static Path cache(Map<String, String> env) {
        return Env.TRUSTPLANE_CACHE.read(env).map(Path::of)
                .or(() -> Env.XDG_CACHE_HOME.read(env).map(x -> Path.of(x, "trustplane")))
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".cache", "trustplane"));
    }

    /** State (the embedded store): $TRUSTPLANE_DATA, else $XDG_DATA_HOME/trustplane, else ~/.local/share/trustplane. */
    public static Path data(Map<String, String> env) {
        return Env.TRUSTPLANE_DATA.read(env).map(Path::of)
                .or(() -> Env.XDG_DATA_HOME.read(env).map(x -> Path.of(x, "trustplane")))
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".local", "share", "trustplane"));
    }

    /** The vulnerability databases (Debian tracker, OSV) that {@code db import} writes and {@code scan} reads. */
    public static Path vulnDb(Map<String, String> env) {
        return cache(env).resolve("vulndb");
    }
}
