package dev.trustplane.sbom;

import dev.trustplane.oci.Digest;
import java.time.Instant;

/** The image an SBOM describes: its name, manifest digest, architecture, distro and creation time. */
public record SbomSubject(String name, String variant, Digest digest, String architecture, String distro,
        Instant created) {
}
