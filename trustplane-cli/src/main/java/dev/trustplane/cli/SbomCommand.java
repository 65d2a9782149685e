package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.Platform;
import dev.trustplane.oci.transfer.ImageSource;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sbom.PackageDetector;
import dev.trustplane.sbom.SbomGenerator;
import dev.trustplane.sbom.SbomSubject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sbom", description = {
        "Detect the Debian packages of any image from its layers (dpkg status,",
        "status.d, os-release, copyright files; whiteouts applied, nothing extracted)",
        "and print a CycloneDX 1.6 SBOM."})
final class SbomCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "oci:DIR[:TAG] or REGISTRY/REPO[:TAG][@DIGEST]")
    String image;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the SBOM here instead of stdout")
    Path output;

    @Option(names = "--platform", paramLabel = "OS/ARCH", description = "image of an index (default linux/amd64)")
    String platform;

    @Mixin
    RegistryOptions registry = new RegistryOptions();

    SbomCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Location location = Location.parse(image);
        Platform want = platform == null ? Platform.of("linux", "amd64") : Platform.parse(platform);
        ProgressRenderer renderer = registry.renderer(ctx);
        PackageDetector.Detected detected;
        try {
            detected = PackageDetector.detect(ImageSource.open(location, registry.client(ctx, renderer)), want);
        } finally {
            renderer.finish();
        }
        byte[] bom = SbomGenerator.cycloneDx(new SbomSubject(location.toString(), "runtime",
                Digest.parse(detected.image()), want.architecture(), detected.distro(), Instant.now()),
                detected.packages());
        if (output == null) {
            ctx.out().print(new String(bom, StandardCharsets.UTF_8));
        } else {
            try {
                Files.write(output, bom);
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Cannot write " + output + ": " + e, e);
            }
            ctx.err().println("Found " + detected.packages().size() + " packages (" + detected.distroName()
                    + "); wrote " + output);
        }
        return 0;
    }
}
