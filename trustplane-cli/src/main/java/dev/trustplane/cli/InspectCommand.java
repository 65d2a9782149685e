package dev.trustplane.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.oci.ImageConfig;
import dev.trustplane.oci.ImageIndex;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.Manifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.OciLimits;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.transfer.ImageSource;
import dev.trustplane.oci.transfer.Location;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", description = "Show an image's manifest, configuration summary, platforms and size.")
final class InspectCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = Json.mapper();
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "oci:DIR[:TAG], oci:DIR@DIGEST or REGISTRY/REPO[:TAG][@DIGEST]")
    String image;

    @Option(names = "--raw", description = "Print the manifest bytes exactly as stored")
    boolean raw;

    @Option(names = "--config", description = "Print the image configuration bytes exactly as stored")
    boolean config;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text", description = "Output format (default: text)")
    String format;

    @Mixin
    RegistryOptions registry = new RegistryOptions();

    InspectCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Formats.require(format);
        Location location = Location.parse(image);
        ProgressRenderer renderer = registry.renderer(ctx);
        ImageSource source = ImageSource.open(location, registry.client(ctx, renderer));
        RawManifest root = source.resolve();
        Manifest manifest = root.parse(OciLimits.DEFAULT, location.toString());
        PrintWriter out = ctx.out();
        if (raw) {
            out.print(root.text());
            out.flush();
            return 0;
        }
        ImageConfig cfg = null;
        byte[] configBytes = null;
        if (manifest instanceof ImageManifest m && isImageConfig(m.config().mediaType())) {
            configBytes = source.readBlob(m.config(), OciLimits.DEFAULT.maxConfigBytes());
            cfg = ImageConfig.parse(configBytes, m.config().digest().toString());
        }
        if (config) {
            if (configBytes == null) {
                throw new TrustplaneException(ErrorKind.INVALID_INPUT,
                        location + " is " + (manifest instanceof ImageIndex ? "an index" : "an artifact")
                        + " and has no image configuration; inspect one of its images by digest");
            }
            out.print(new String(configBytes, StandardCharsets.UTF_8));
            out.flush();
            return 0;
        }
        if (format.equals("json")) {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(InspectOutput.json(location, root, manifest,
                    cfg)));
            return 0;
        }
        InspectOutput.text(out, location, root, manifest, cfg);
        return 0;
    }

    private static boolean isImageConfig(String mediaType) {
        return MediaTypes.OCI_CONFIG.equals(mediaType) || MediaTypes.DOCKER_CONFIG.equals(mediaType);
    }

}
