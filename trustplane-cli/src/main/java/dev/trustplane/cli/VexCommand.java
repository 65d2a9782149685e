package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Platform;
import dev.trustplane.oci.transfer.ImageSource;
import dev.trustplane.oci.transfer.Location;
import dev.trustplane.sbom.Purls;
import dev.trustplane.sbom.SbomReader;
import dev.trustplane.sbom.ScannedPackage;
import dev.trustplane.vuln.ImageSbom;
import dev.trustplane.vuln.Matcher;
import dev.trustplane.vuln.VexWriter;
import dev.trustplane.vuln.VulnDb;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "vex", description = {
        "Write OpenVEX for an image from the Debian security tracker's verdicts:",
        "never affected → not_affected, fixed → fixed, no-DSA → affected with the",
        "reason, undetermined → under_investigation. Scanners that honour VEX then",
        "agree with Debian's triage."})
final class VexCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "oci:DIR[:TAG] or REGISTRY/REPO:TAG")
    String image;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write here instead of stdout")
    Path output;

    @Option(names = "--author", paramLabel = "NAME", defaultValue = "Trustplane",
            description = "the statements' author (default: ${DEFAULT-VALUE})")
    String author;

    @Option(names = "--platform", paramLabel = "OS/ARCH", description = "image of an index (default linux/amd64)")
    String platform;

    @Mixin
    RegistryOptions registry = new RegistryOptions();

    VexCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        VulnDb db = VulnDb.open(DbCommand.dir(ctx));
        Location location = Location.parse(image);
        ProgressRenderer renderer = registry.renderer(ctx);
        byte[] sbom;
        String product;
        try {
            ImageSource source = ImageSource.open(location, registry.client(ctx, renderer));
            Platform wanted = platform == null ? null : Platform.parse(platform);
            Descriptor image = source.image(wanted);
            String digest = image.digest().toString();
            String name = location instanceof Location.Registry r ? r.reference().repository()
                    : ((Location.Layout) location).dir().getFileName().toString();
            product = "pkg:oci/" + name.substring(name.lastIndexOf('/') + 1) + "@" + digest.replace(":", "%3A");
            sbom = ImageSbom.read(source, image, wanted);
        } finally {
            renderer.finish();
        }
        SbomReader.Result input = SbomReader.read(sbom, image, null);
        Map<ScannedPackage, String> purls = new HashMap<>();
        for (ScannedPackage p : input.packages()) {
            purls.put(p, Purls.deb("debian", p.name(), p.version(), p.architecture()));
        }
        byte[] vex = VexWriter.write(product, author, Instant.now(), new Matcher(db).match(input.packages()), purls);
        if (output == null) {
            ctx.out().print(new String(vex, StandardCharsets.UTF_8));
        } else {
            try {
                Files.write(output, vex);
            } catch (IOException e) {
                throw new TrustplaneException(ErrorKind.IO, "Cannot write " + output + ": " + e, e);
            }
        }
        return 0;
    }
}
