package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.Digest;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.oci.registry.RegistryClient;
import dev.trustplane.oci.transfer.ImageSource;
import dev.trustplane.oci.transfer.Location;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "attach", description = {
        "Attach files to an image as an OCI 1.1 artifact whose subject is the image (like `oras attach`).",
        "On registries without the referrers API the sha256-<hex> fallback index is updated."})
final class AttachCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "oci:DIR[:TAG] or REGISTRY/REPO[:TAG][@DIGEST]")
    String image;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE[:MEDIATYPE]", description = "Files to attach")
    List<String> files;

    @Option(names = "--artifact-type", required = true, paramLabel = "TYPE",
            description = "Artifact type, e.g. application/vnd.cyclonedx+json")
    String artifactType;

    @Option(names = {"-a", "--annotation"}, paramLabel = "KEY=VALUE", description = "Manifest annotation (repeatable)")
    Map<String, String> annotations = new LinkedHashMap<>();

    @Mixin
    RegistryOptions registry = new RegistryOptions();

    AttachCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Location location = Location.parse(image);
        List<Path> paths = new ArrayList<>();
        List<Descriptor> layers = new ArrayList<>();
        for (String spec : files) {
            int colon = spec.lastIndexOf(':');
            Path path = Path.of(colon > 0 ? spec.substring(0, colon) : spec);
            String mediaType = colon > 0 ? spec.substring(colon + 1) : MediaTypes.OCI_LAYER;
            if (!Files.isRegularFile(path)) {
                throw new TrustplaneException(ErrorKind.NOT_FOUND, "File " + path + " to attach does not exist");
            }
            paths.add(path);
            layers.add(Descriptor.of(mediaType, digest(path), size(path))
                    .withAnnotations(Map.of("org.opencontainers.image.title", path.getFileName().toString())));
        }
        ProgressRenderer renderer = registry.renderer(ctx);
        RegistryClient client = registry.client(ctx, renderer);
        RawManifest subject = ImageSource.open(location, client).resolve();
        RawManifest artifact = ImageManifest.artifact(artifactType, layers, subject.descriptor(), annotations).toRaw();
        Descriptor emptyConfig = Descriptor.of(MediaTypes.OCI_EMPTY, MediaTypes.EMPTY_JSON);
        switch (location) {
            case Location.Registry r -> {
                if (!client.hasBlob(r.reference(), emptyConfig.digest())) {
                    client.pushBlob(r.reference(), emptyConfig, () -> new ByteArrayInputStream(
                            MediaTypes.EMPTY_JSON));
                }
                for (int i = 0; i < paths.size(); i++) {
                    Path p = paths.get(i);
                    if (!client.hasBlob(r.reference(), layers.get(i).digest())) {
                        client.pushBlob(r.reference(), layers.get(i), p);
                    }
                }
                client.pushReferrer(r.reference(), artifact);
            }
            case Location.Layout l -> {
                OciLayout layout = OciLayout.open(l.dir());
                layout.locked(() -> {
                    layout.writeBlob(MediaTypes.EMPTY_JSON);
                    for (int i = 0; i < paths.size(); i++) {
                        try (InputStream in = Files.newInputStream(paths.get(i))) {
                            layout.writeBlob(layers.get(i).digest(), layers.get(i).size(), in);
                        } catch (IOException e) {
                            throw new TrustplaneException(ErrorKind.IO, "Cannot read " + paths.get(i) + ": " + e, e);
                        }
                    }
                    layout.writeManifest(artifact);
                    layout.addUntagged(artifact.descriptor());
                    return null;
                });
            }
        }
        ctx.out().println("Attached " + artifactType + " to " + location + "@" + subject.digest());
        ctx.out().println("Digest: " + artifact.digest());
        return 0;
    }

    private static Digest digest(Path path) {
        MessageDigest md = Digest.Algorithm.SHA256.newHasher();
        try (InputStream in = Files.newInputStream(path)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read " + path + ": " + e, e);
        }
        return Digest.fromHash(Digest.Algorithm.SHA256, md.digest());
    }

    private static long size(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot read " + path + ": " + e, e);
        }
    }
}
