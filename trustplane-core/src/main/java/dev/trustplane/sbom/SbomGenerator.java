package dev.trustplane.sbom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustplane.debian.Copyright;
import dev.trustplane.io.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Writes CycloneDX 1.6 and SPDX 2.3 JSON for an image from the packages that were installed into
 * it (not from scanning afterwards). Output is deterministic: same packages and digest, same bytes.
 */
public final class SbomGenerator {
    public static final String CYCLONEDX_MEDIA_TYPE = "application/vnd.cyclonedx+json";
    public static final String SPDX_MEDIA_TYPE = "application/spdx+json";
    private static final ObjectMapper JSON = Json.pretty();

    private SbomGenerator() {
    }

    public static byte[] cycloneDx(SbomSubject subject, List<SbomPackage> packages) {
        ObjectNode bom = JSON.createObjectNode();
        bom.put("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
        bom.put("bomFormat", "CycloneDX");
        bom.put("specVersion", "1.6");
        bom.put("serialNumber", "urn:uuid:" + UUID.nameUUIDFromBytes(
                ("cyclonedx:" + subject.digest()).getBytes(StandardCharsets.UTF_8)));
        bom.put("version", 1);
        ObjectNode metadata = bom.putObject("metadata");
        metadata.put("timestamp", subject.created().toString());
        ObjectNode tool = metadata.putObject("tools").putArray("components").addObject();
        tool.put("type", "application").put("name", "trustplane");
        ObjectNode image = metadata.putObject("component");
        String imageRef = imageRef(subject);
        image.put("bom-ref", imageRef);
        image.put("type", "container");
        image.put("name", subject.name() + (subject.variant().equals("runtime") ? "" : "-" + subject.variant()));
        image.put("version", subject.digest().toString());
        image.putArray("hashes").addObject().put("alg", "SHA-256").put("content", subject.digest().hex());
        image.putArray("properties").addObject().put("name", "trustplane:architecture")
                .put("value", subject.architecture());
        ArrayNode components = bom.putArray("components");
        ObjectNode os = components.addObject();
        String osRef = "os:" + subject.distro();
        os.put("bom-ref", osRef).put("type", "operating-system").put("name", "debian")
                .put("version", subject.distro().replace("debian-", ""));
        ArrayNode deps = bom.putArray("dependencies");
        ArrayNode imageDeps = deps.addObject().put("ref", imageRef).putArray("dependsOn");
        imageDeps.add(osRef);
        for (SbomPackage p : packages) {
            imageDeps.add(p.purl());
            ObjectNode c = components.addObject();
            c.put("bom-ref", p.purl());
            c.put("type", "library");
            c.put("name", p.name());
            c.put("version", p.version());
            c.put("purl", p.purl());
            if (p.debSha256() != null) {
                c.putArray("hashes").addObject().put("alg", "SHA-256").put("content", p.debSha256());
            }
            if (!p.licenses().isEmpty()) {
                ArrayNode licenses = c.putArray("licenses");
                for (Copyright.License l : p.licenses()) {
                    ObjectNode license = licenses.addObject().putObject("license");
                    if (l.spdxId() != null && !l.spdxId().startsWith("LicenseRef-")) {
                        license.put("id", l.spdxId());
                    } else {
                        license.put("name", l.name());
                    }
                }
            }
            if (p.debian()) {
                ArrayNode props = c.putArray("properties");
                props.addObject().put("name", "trustplane:debian:source").put("value", p.source());
                props.addObject().put("name", "trustplane:debian:source-version").put("value", p.sourceVersion());
                props.addObject().put("name", "trustplane:debian:architecture").put("value", p.architecture());
            }
            ArrayNode on = deps.addObject().put("ref", p.purl()).putArray("dependsOn");
            for (String dep : p.dependsOn()) {
                packages.stream().filter(q -> q.name().equals(dep)).findFirst().ifPresent(q -> on.add(q.purl()));
            }
        }
        return bytes(bom);
    }

    public static byte[] spdx(SbomSubject subject, List<SbomPackage> packages) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("spdxVersion", "SPDX-2.3");
        doc.put("dataLicense", "CC0-1.0");
        doc.put("SPDXID", "SPDXRef-DOCUMENT");
        String title = subject.name() + (subject.variant().equals("runtime") ? "" : "-" + subject.variant());
        doc.put("name", title + "@" + subject.digest());
        doc.put("documentNamespace", "https://trustplane.dev/spdx/" + title + "/" + subject.digest().hex());
        ObjectNode info = doc.putObject("creationInfo");
        info.put("created", subject.created().toString());
        info.putArray("creators").add("Tool: trustplane");
        ArrayNode pkgs = doc.putArray("packages");
        ObjectNode image = pkgs.addObject();
        image.put("SPDXID", "SPDXRef-Image");
        image.put("name", title);
        image.put("versionInfo", subject.digest().toString());
        image.put("downloadLocation", "NOASSERTION");
        image.put("primaryPackagePurpose", "CONTAINER");
        image.put("filesAnalyzed", false);
        image.putArray("checksums").addObject().put("algorithm", "SHA256").put("checksumValue", subject.digest().hex());
        ArrayNode rels = doc.putArray("relationships");
        rels.addObject().put("spdxElementId", "SPDXRef-DOCUMENT").put("relationshipType", "DESCRIBES")
                .put("relatedSpdxElement", "SPDXRef-Image");
        Map<String, String> extracted = new TreeMap<>();
        for (SbomPackage p : packages) {
            ObjectNode o = pkgs.addObject();
            String id = spdxId(p);
            o.put("SPDXID", id);
            o.put("name", p.name());
            o.put("versionInfo", p.version());
            if (p.debian()) {
                o.put("supplier", "Organization: Debian");
            }
            o.put("downloadLocation", "NOASSERTION");
            o.put("filesAnalyzed", false);
            if (p.debSha256() != null) {
                o.putArray("checksums").addObject().put("algorithm", "SHA256").put("checksumValue", p.debSha256());
            }
            String declared = declared(p.licenses(), extracted);
            o.put("licenseConcluded", "NOASSERTION");
            o.put("licenseDeclared", declared);
            if (p.debian()) {
                o.put("sourceInfo", "built from Debian source package " + p.source() + " " + p.sourceVersion());
            }
            o.put("primaryPackagePurpose", "LIBRARY");
            o.putArray("externalRefs").addObject().put("referenceCategory", "PACKAGE-MANAGER")
                    .put("referenceType", "purl").put("referenceLocator", p.purl());
            rels.addObject().put("spdxElementId", "SPDXRef-Image").put("relationshipType", "CONTAINS")
                    .put("relatedSpdxElement", id);
            for (String dep : p.dependsOn()) {
                packages.stream().filter(q -> q.name().equals(dep)).findFirst().ifPresent(q -> rels.addObject()
                        .put("spdxElementId", id).put("relationshipType", "DEPENDS_ON")
                        .put("relatedSpdxElement", spdxId(q)));
            }
        }
        if (!extracted.isEmpty()) {
            ArrayNode infos = doc.putArray("hasExtractedLicensingInfos");
            extracted.forEach((id, name) -> infos.addObject().put("licenseId", id).put("name", name)
                    .put("extractedText", "The license named '" + name + "' in a Debian machine-readable copyright"
                            + " file (/usr/share/doc/<package>/copyright in the image has the text)."));
        }
        return bytes(doc);
    }

    /**
     * The licenses of a package's copyright file joined with AND (the file lists the licenses of
     * its parts); names without an SPDX identifier become LicenseRef-s declared in the document.
     */
    private static String declared(List<Copyright.License> licenses, Map<String, String> extracted) {
        List<String> ids = new ArrayList<>();
        for (Copyright.License l : licenses) {
            String id = l.spdxId() != null && !l.spdxId().startsWith("LicenseRef-") ? l.spdxId()
                    : "LicenseRef-" + l.name().replaceAll("[^A-Za-z0-9.-]", "-");
            if (id.startsWith("LicenseRef-")) {
                extracted.putIfAbsent(id, l.name());
            }
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            return "NOASSERTION";
        }
        return String.join(" AND ", ids);
    }

    private static String spdxId(SbomPackage p) {
        String type = p.purl().substring(4, p.purl().indexOf('/'));
        return "SPDXRef-Package-" + type + "-" + (p.name() + "-" + p.version() + (p.architecture() == null ? ""
                : "-" + p.architecture()))
                .replaceAll("[^A-Za-z0-9.-]", "-");
    }

    private static String imageRef(SbomSubject subject) {
        return "image:" + subject.name() + "@" + subject.digest();
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
