package dev.trustplane.cli;

import dev.trustplane.error.ErrorKind;
import java.util.ArrayList;
import java.util.List;

/** The documented exit codes of every verb (README "Exit codes"). */
public enum ExitCode {
    OK(0, "success"),
    FAILURE(1, "unexpected internal error (a bug: report it with the output)"),
    USAGE(2, "invalid input: a flag, reference, file or argument is malformed"),
    NOT_FOUND(3, "the image, tag, blob, layout, file or Debian package does not exist (or a dependency cannot be"
            + " satisfied)"),
    AUTH(4, "authentication failed or access was denied"),
    UNREACHABLE(5, "a registry, helper or feed could not be reached or did not answer in time"),
    INTEGRITY(6, "content did not match its digest or size, or a signature did not verify; nothing was stored"),
    LIMIT(7, "untrusted input exceeded a limit (manifest 4 MiB, 10,000 index entries, 8 nested indexes,"
            + " 1,000 layers)"),
    UNSUPPORTED(8, "the input uses something Trustplane does not support (e.g. Docker schema 1,"
            + " `docker-archive:`)"),
    REMOTE_ERROR(9, "the registry answered with an error"),
    IO(10, "a local file operation failed"),
    VULNERABLE(11, "`scan`: a finding at or above `--fail-on`"),
    UNVERIFIED(12, "`verify`, `verify-attestation`, `verify-blob`, `verify-blob-attestation`: no signature or attestation"
            + " verified"),
    POLICY_INVALID(13, "`policy lint`: a policy has errors (with `--strict`: or warnings)"),
    DENIED(14, "`policy test`: an Enforce rule would deny the resource; `policy simulate`: the policies would deny"
            + " a running workload the baseline does not"),
    DRIFT(15, "`drift`: open findings of the kinds `--fail-on` names remain"),
    DRIFT_INCOMPLETE(16, "`drift`: some checks could not run (a registry or the namespace labels were unavailable);"
            + " the findings are partial and none of the unchecked ones was resolved"),
    CATALOG(17, "`catalog plan`, `catalog update`: an image could not be planned or published (the others were);"
            + " `catalog timeline --fail-on-miss`: a fix missed its SLA");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** The README's exit-code table (a test keeps the README equal to it). */
    static String markdownTable() {
        StringBuilder sb = new StringBuilder("| code | meaning |\n|---|---|\n");
        for (ExitCode c : values()) {
            sb.append("| ").append(c.code).append(" | ").append(c.meaning).append(" |\n");
        }
        return sb.toString();
    }

    /** The {@code --help} footer: every code with its meaning, without the README's Markdown. */
    static String[] helpFooter() {
        List<String> lines = new ArrayList<>(List.of("", "Exit codes:"));
        for (ExitCode c : values()) {
            StringBuilder line = new StringBuilder(String.format("  %2d  ", c.code));
            for (String word : c.meaning.replace("`", "").replace("%", "%%").split(" ")) {
                if (line.length() + word.length() > 78) {
                    lines.add(line.toString().stripTrailing());
                    line = new StringBuilder("      ");
                }
                line.append(word).append(' ');
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines.toArray(String[]::new);
    }

    static ExitCode of(ErrorKind kind) {
        return switch (kind) {
            case INVALID_INPUT -> USAGE;
            case NOT_FOUND -> NOT_FOUND;
            case UNAUTHORIZED, DENIED -> AUTH;
            case UNREACHABLE -> UNREACHABLE;
            case INTEGRITY -> INTEGRITY;
            case LIMIT_EXCEEDED -> LIMIT;
            case UNSUPPORTED -> UNSUPPORTED;
            case REMOTE_ERROR -> REMOTE_ERROR;
            case IO -> IO;
        };
    }
}
