package dev.trustplane.debian;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/** One archive to read from, like a deb822 sources entry: base URL, suites and components. */
public record ArchiveSource(URI url, List<String> suites, List<String> components) {
    public ArchiveSource {
        Objects.requireNonNull(url, "url");
        suites = List.copyOf(suites);
        components = List.copyOf(components);
        String s = url.toString();
        if (s.endsWith("/")) {
            url = URI.create(s.substring(0, s.length() - 1));
        }
    }
}
