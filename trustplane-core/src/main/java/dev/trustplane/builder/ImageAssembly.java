package dev.trustplane.builder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.debian.Copyright;
import dev.trustplane.error.ErrorKind;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.event.EventListener;
import dev.trustplane.io.Json;
import dev.trustplane.oci.Descriptor;
import dev.trustplane.oci.ImageManifest;
import dev.trustplane.oci.MediaTypes;
import dev.trustplane.oci.RawManifest;
import dev.trustplane.oci.layout.OciLayout;
import dev.trustplane.sbom.SbomGenerator;
import dev.trustplane.sbom.SbomPackage;
import dev.trustplane.sbom.SbomSubject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** Builds one architecture of one variant: the named steps from packages to a manifest with SBOM referrers. */
final class ImageAssembly {
    private static final ObjectMapper JSON = Json.mapper();

    record Output(Descriptor manifest, List<Descriptor> sboms) {
    }

    private final ImageSpec spec;
    private final Lockfile lock;
    private final String variant;
    private final String arch;
    private final List<LockedPackage> packages;
    private final AssembleRootfsStep.PackageSource debs;
    private final Path temp;
    private final int parallelism;
    private final EventListener listener;

    ImageAssembly(ImageSpec spec, Lockfile lock, String variant, String arch, List<LockedPackage> packages,
            AssembleRootfsStep.PackageSource debs, Path temp, int parallelism, EventListener listener) {
        this.spec = spec;
        this.lock = lock;
        this.variant = variant;
        this.arch = arch;
        this.packages = packages;
        this.debs = debs;
        this.temp = temp;
        this.parallelism = parallelism;
        this.listener = listener;
    }

    Output run(OciLayout layout) {
        long epoch = lock.sourceDateEpoch();
        List<WriteLayerStep.Layer> layers = new ArrayList<>();
        List<InstalledPackage> installed;
        try (RootFs fs = new RootFs(temp)) {
            long t0 = System.nanoTime();
            installed = new AssembleRootfsStep(spec, arch, packages, debs, parallelism).run(fs);
            new SystemFilesStep(spec, variant, installed, epoch).run(fs);
            long t1 = System.nanoTime();
            for (var include : layerGroups(installed)) {
                layers.add(new WriteLayerStep(fs, epoch, include, spec.layering().gzipLevel()).run(temp));
            }
            listener.debug("Assembled " + spec.name() + " " + variant + "/" + arch + ": " + fs.nodes().size()
                    + " entries in " + (t1 - t0) / 1_000_000 + " ms, " + layers.size() + " layer(s) written in "
                    + (System.nanoTime() - t1) / 1_000_000 + " ms");
        }
        long stored = System.nanoTime();
        try {
            List<Descriptor> layerDescriptors = new ArrayList<>();
            for (WriteLayerStep.Layer layer : layers) {
                try (InputStream in = Files.newInputStream(layer.file())) {
                    layout.writeBlob(layer.digest(), layer.size(), in);
                }
                layerDescriptors.add(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer.digest(), layer.size()));
            }
            byte[] config = config(layers, epoch, installed.size());
            layout.writeBlob(config);
            String created = Instant.ofEpochSecond(epoch).toString();
            Map<String, String> annotations = new TreeMap<>(spec.annotations());
            annotations.put("org.opencontainers.image.created", created);
            ImageManifest manifest = new ImageManifest(MediaTypes.OCI_MANIFEST, null,
                    Descriptor.of(MediaTypes.OCI_CONFIG, config), layerDescriptors, null, annotations, Map.of());
            RawManifest raw = manifest.toRaw();
            layout.writeManifest(raw);
            Descriptor descriptor = Descriptor.of(MediaTypes.OCI_MANIFEST, raw.digest(), raw.size())
                    .withPlatform(ImageBuilder.platform(arch));
            long sbomStart = System.nanoTime();
            List<Descriptor> sboms = sboms(layout, descriptor, installed, epoch);
            listener.debug("Stored the image in " + (sbomStart - stored) / 1_000_000 + " ms and its SBOMs in "
                    + (System.nanoTime() - sbomStart) / 1_000_000 + " ms");
            return new Output(descriptor, sboms);
        } catch (IOException e) {
            throw new TrustplaneException(ErrorKind.IO, "Cannot store the image in " + layout.root() + ": " + e, e);
        } finally {
            for (WriteLayerStep.Layer layer : layers) {
                try {
                    Files.deleteIfExists(layer.file());
                } catch (IOException ignored) {
                    // temp files are in the cache's tmp directory
                }
            }
        }
    }

    /** One predicate per layer: one layer, or the largest source packages first, the rest last. */
    private List<Predicate<RootFs.Node>> layerGroups(List<InstalledPackage> installed) {
        if (spec.layering().strategy().equals("single") || spec.layering().maxLayers() == 1) {
            return List.of(n -> true);
        }
        Map<String, Long> sizeBySource = new HashMap<>();
        for (InstalledPackage p : installed) {
            sizeBySource.merge(p.locked().source(), p.locked().size(), Long::sum);
        }
        List<String> biggest = sizeBySource.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(spec.layering().maxLayers() - 1L).map(Map.Entry::getKey).toList();
        Map<String, Integer> layerOf = new HashMap<>();
        for (InstalledPackage p : installed) {
            int i = biggest.indexOf(p.locked().source());
            layerOf.put(p.locked().name(), i < 0 ? biggest.size() : i);
        }
        List<Predicate<RootFs.Node>> groups = new ArrayList<>();
        for (int i = 0; i <= biggest.size(); i++) {
            int index = i;
            int last = biggest.size();
            groups.add(n -> {
                if (n.type == RootFs.Type.DIRECTORY) {
                    return index == 0;
                }
                Integer l = n.owner == null || n.owner.isEmpty() ? null : layerOf.get(n.owner);
                return (l == null ? last : l) == index;
            });
        }
        return groups;
    }

    private byte[] config(List<WriteLayerStep.Layer> layers, long epoch, int packageCount) {
        String created = Instant.ofEpochSecond(epoch).toString();
        ObjectNode root = JSON.createObjectNode();
        root.put("architecture", arch);
        if (arch.equals("arm64")) {
            root.put("variant", "v8");
        }
        root.put("created", created);
        root.put("os", "linux");
        ObjectNode config = root.putObject("config");
        config.put("User", user());
        ArrayNode env = config.putArray("Env");
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        if (spec.packages(variant).stream().anyMatch(p -> p.startsWith("ca-certificates"))) {
            vars.put("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt");
        }
        vars.putAll(new TreeMap<>(spec.env()));
        vars.forEach((k, v) -> env.add(k + "=" + v));
        List<String> entrypoint = spec.entrypoint();
        List<String> cmd = spec.cmd();
        if (variant.equals("dev") && entrypoint.isEmpty() && cmd.isEmpty()) {
            cmd = List.of("/bin/sh");
        }
        if (!entrypoint.isEmpty()) {
            ArrayNode e = config.putArray("Entrypoint");
            entrypoint.forEach(e::add);
        }
        if (!cmd.isEmpty()) {
            ArrayNode c = config.putArray("Cmd");
            cmd.forEach(c::add);
        }
        config.put("WorkingDir", spec.workdir());
        if (!spec.ports().isEmpty()) {
            ObjectNode ports = config.putObject("ExposedPorts");
            spec.ports().stream().sorted().forEach(p -> ports.putObject(p.contains("/") ? p : p + "/tcp"));
        }
        ObjectNode labels = config.putObject("Labels");
        Map<String, String> all = new TreeMap<>();
        all.put("org.opencontainers.image.created", created);
        all.put("org.opencontainers.image.title", spec.name() + (variant.equals("runtime") ? "" : "-" + variant));
        all.put("org.opencontainers.image.base.name", "debian:" + spec.release());
        all.put("org.opencontainers.image.licenses", "various (see the SBOM)");
        all.put("dev.trustplane.debian.release", spec.release());
        all.put("dev.trustplane.variant", variant);
        all.putAll(spec.labels());
        all.forEach(labels::put);
        ObjectNode rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        layers.forEach(l -> diffIds.add(l.diffId().toString()));
        ArrayNode history = root.putArray("history");
        for (int i = 0; i < layers.size(); i++) {
            history.addObject().put("created", created).put("created_by", "trustplane build: " + packageCount
                    + " Debian " + spec.release() + " packages, layer " + (i + 1) + " of " + layers.size())
                    .put("comment", "no maintainer scripts run; see the SBOM referrers");
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String user() {
        String runAs = spec.runAs(variant);
        if (runAs.equals("root")) {
            return "0:0";
        }
        if (runAs.matches("\\d+(:\\d+)?")) {
            return runAs;
        }
        return spec.accounts().users().stream().filter(u -> u.name().equals(runAs)).findFirst()
                .map(u -> u.uid() + ":" + u.gid()).orElse(runAs);
    }

    private List<Descriptor> sboms(OciLayout layout, Descriptor image, List<InstalledPackage> installed, long epoch) {
        String distro = "debian-" + (spec.release().equals("bookworm") ? "12" : "13");
        List<SbomPackage> sbomPackages = new ArrayList<>();
        installed.stream().sorted(Comparator.comparing(p -> p.locked().name())).forEach(p -> sbomPackages.add(
                new SbomPackage(p.locked().name(), p.locked().version(), p.locked().architecture(),
                        p.locked().source(), p.locked().sourceVersion(), p.locked().sha256(),
                        p.locked().purl(distro), Copyright.licenses(p.copyright()), p.locked().dependsOn())));
        SbomSubject subject = new SbomSubject(spec.name(), variant, image.digest(), arch, distro,
                Instant.ofEpochSecond(epoch));
        List<Descriptor> out = new ArrayList<>();
        out.add(attach(layout, image, SbomGenerator.CYCLONEDX_MEDIA_TYPE,
                SbomGenerator.cycloneDx(subject, sbomPackages), epoch));
        out.add(attach(layout, image, SbomGenerator.SPDX_MEDIA_TYPE, SbomGenerator.spdx(subject, sbomPackages), epoch));
        return out;
    }

    private Descriptor attach(OciLayout layout, Descriptor subject, String type, byte[] content, long epoch) {
        layout.writeBlob(content);
        layout.writeBlob(MediaTypes.EMPTY_JSON);
        Descriptor blob = Descriptor.of(type, content);
        ImageManifest manifest = ImageManifest.artifact(type, List.of(blob),
                Descriptor.of(subject.mediaType(), subject.digest(), subject.size()),
                Map.of("org.opencontainers.image.created", Instant.ofEpochSecond(epoch).toString()));
        RawManifest raw = manifest.toRaw();
        layout.writeManifest(raw);
        Descriptor d = Descriptor.of(MediaTypes.OCI_MANIFEST, raw.digest(), raw.size()).withArtifactType(type);
        if (!layout.index().contains(raw.digest())) {
            layout.addUntagged(d);
        }
        return d;
    }

}
