package dev.trustplane.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The one place Jackson mappers are made, with the limits every reader of untrusted input shares:
 * at most {@link #MAX_NESTING} levels of nesting (a deeply nested document is refused, not a stack
 * overflow), numbers of at most 1,000 digits, strings of at most 64 MiB; YAML without more than
 * 50 aliases per document (no billion laughs) and at most 8 MiB of text. Sizes of whole documents
 * are bounded by each reader before parsing. Mappers are made on first use (Jackson's first
 * mapper costs a cold start tens of milliseconds) and never reconfigured after.
 */
public final class Json {
    /** The deepest nesting any document Trustplane reads may have. */
    public static final int MAX_NESTING = 200;
    /** The longest YAML document, in code points. */
    public static final int MAX_YAML_CODE_POINTS = 8 << 20;

    private Json() {
    }

    private static StreamReadConstraints constraints() {
        return StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).maxNumberLength(1000)
                .maxStringLength(64 << 20).build();
    }

    private static final class Plain {
        static final ObjectMapper MAPPER = limited(new ObjectMapper());
    }

    private static final class Pretty {
        static final ObjectMapper MAPPER = limited(new ObjectMapper()).enable(SerializationFeature.INDENT_OUTPUT);
    }

    private static final class Strict {
        static final ObjectMapper MAPPER = limited(new ObjectMapper()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /** YAML's classes (SnakeYAML, Jackson's YAML module) load only when YAML is read. */
    private static final class Yaml {
        static final ObjectMapper MAPPER = new ObjectMapper(yamlFactory());
        static final ObjectMapper STRICT = new ObjectMapper(yamlFactory())
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

        private static YAMLFactory yamlFactory() {
            LoaderOptions options = new LoaderOptions();
            options.setMaxAliasesForCollections(50);
            options.setNestingDepthLimit(MAX_NESTING);
            options.setCodePointLimit(MAX_YAML_CODE_POINTS);
            YAMLFactory factory = YAMLFactory.builder().loaderOptions(options).build();
            factory.setStreamReadConstraints(constraints());
            return factory;
        }
    }

    private static ObjectMapper limited(ObjectMapper mapper) {
        mapper.getFactory().setStreamReadConstraints(constraints());
        return mapper;
    }

    /** JSON in and out, compact. */
    public static ObjectMapper mapper() {
        return Plain.MAPPER;
    }

    /** JSON out, indented (reports, SBOMs, lockfiles); reads like {@link #mapper()}. */
    public static ObjectMapper pretty() {
        return Pretty.MAPPER;
    }

    /** JSON in where a duplicate key is an error (AdmissionReviews: the API server never sends one). */
    public static ObjectMapper strict() {
        return Strict.MAPPER;
    }

    /** YAML in (image specs, namespace labels, resources). */
    public static ObjectMapper yaml() {
        return Yaml.MAPPER;
    }

    /** YAML in where a duplicate key is an error (policies: the last one would silently win). */
    public static ObjectMapper strictYaml() {
        return Yaml.STRICT;
    }
}
