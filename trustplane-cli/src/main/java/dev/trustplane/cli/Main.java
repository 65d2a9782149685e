package dev.trustplane.cli;

import dev.trustplane.config.Env;
import dev.trustplane.error.EditDistance;
import dev.trustplane.error.TrustplaneException;
import dev.trustplane.io.Json;
import dev.trustplane.oci.InflatedBlob;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "trustplane", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        description = "Supply-chain trust control plane for container images.")
public final class Main implements Runnable {
    /**
     * The verbs, in help order. Only the verb being run is reflected into a picocli model: building
     * the model of every verb took ~0.35 s of each start.
     */
    private static final Map<String, Class<?>> VERBS = verbs();

    private static Map<String, Class<?>> verbs() {
        Map<String, Class<?>> verbs = new LinkedHashMap<>();
        verbs.put("tour", TourCommand.class);
        verbs.put("copy", CopyCommand.class);
        verbs.put("inspect", InspectCommand.class);
        verbs.put("referrers", ReferrersCommand.class);
        verbs.put("attach", AttachCommand.class);
        verbs.put("tags", TagsCommand.class);
        verbs.put("login", LoginCommand.class);
        verbs.put("logout", LogoutCommand.class);
        verbs.put("gc", GcCommand.class);
        verbs.put("lock", LockCommand.class);
        verbs.put("build", BuildCommand.class);
        verbs.put("db", DbCommand.class);
        verbs.put("scan", ScanCommand.class);
        verbs.put("sbom", SbomCommand.class);
        verbs.put("vex", VexCommand.class);
        verbs.put("keygen", KeygenCommand.class);
        verbs.put("sign", SignCommand.class);
        verbs.put("attest", AttestCommand.class);
        verbs.put("verify", VerifyCommand.class);
        verbs.put("verify-attestation", VerifyAttestationCommand.class);
        verbs.put("sign-blob", SignBlobCommand.class);
        verbs.put("attest-blob", AttestBlobCommand.class);
        verbs.put("verify-blob", VerifyBlobCommand.class);
        verbs.put("verify-blob-attestation", VerifyBlobAttestationCommand.class);
        verbs.put("policy", PolicyCommand.class);
        verbs.put("serve", ServeCommand.class);
        verbs.put("admission", AdmissionCommand.class);
        verbs.put("trust", TrustCommand.class);
        verbs.put("drift", DriftCommand.class);
        verbs.put("catalog", CatalogCommand.class);
        verbs.put("feedback", FeedbackCommand.class);
        verbs.put("audit", AuditCommand.class);
        return Collections.unmodifiableMap(verbs);
    }

    private final CliContext ctx;

    Main(CliContext ctx) {
        this.ctx = ctx;
    }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    public static void main(String[] args) {
        Thread prepare = prepare(args);
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        boolean interactive = System.console() != null && System.getenv("CI") == null;
        CommandLine cl = commandLine(new CliContext(out, err, System.in, System.getenv(), interactive), args);
        awaitUninterruptibly(prepare);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Starts, on a second thread, set-up that the verb needs anyway and that costs a cold JVM tens
     * of milliseconds, while this thread has picocli build its model (~0.1 s): Jackson's first
     * mapper and parser (its date format loads locale data; its number parsing initialises
     * BigDecimal), the SHA-256 provider and, for the verbs that read layers, the libdeflate
     * binding. {@link #main} waits for it before the command runs, so the two threads never
     * initialise the same library's classes at once (class initialisation cycles across threads
     * deadlock). A failure here is left for the command to meet and report. Nothing is started for a
     * help or version screen, which needs none of it, or a command line that names no verb.
     *
     * @return the thread, or null when none was started
     */
    private static Thread prepare(String[] args) {
        String verb = verb(args);
        if (verb == null || !VERBS.containsKey(verb) || Arrays.stream(args).anyMatch(a -> a.equals("-h")
                || a.equals("--help") || a.equals("-V") || a.equals("--version"))) {
            return null;
        }
        return Thread.ofPlatform().name("trustplane-prepare").daemon().start(() -> {
            try {
                Json.mapper().readTree("{\"n\": [1, 2.5, \"s\"]}");
                MessageDigest.getInstance("SHA-256");
                if ("sbom".equals(verb) || "scan".equals(verb)) {
                    InflatedBlob.unavailableReason();
                }
            } catch (IOException | GeneralSecurityException | RuntimeException
                     | LinkageError e) {
                // the command meets the same failure where it can report it
            }
        });
    }

    private static void awaitUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread != null && thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs one command line with the given streams and environment; returns the exit code. */
    static int run(String[] args, CliContext ctx) {
        return commandLine(ctx, args).execute(args);
    }

    /**
     * A first word that names no verb is an error naming the close verbs — also when {@code --help}
     * follows it, which picocli would answer with the top-level help and exit 0, so a typo would
     * pass in scripts. Null when the command line names a verb or none.
     */
    static String unknownVerb(String[] args) {
        String verb = verb(args);
        if (verb == null || VERBS.containsKey(verb)) {
            return null;
        }
        List<String> close = VERBS.keySet().stream()
                .filter(v -> EditDistance.of(v, verb) <= Math.max(2, verb.length() / 3)
                        || v.startsWith(verb) || verb.startsWith(v))
                .sorted(Comparator.comparingInt(v -> EditDistance.of(v, verb)))
                .toList();
        return "unknown verb '" + verb + "'" + (close.isEmpty() ? "." : "; did you mean " + String.join(" or ", close)
                + "?") + " Run `trustplane --help` for the verbs.";
    }

    public static int run(String[] args, PrintWriter out, PrintWriter err, InputStream in, Map<String, String> env) {
        return run(args, new CliContext(out, err, in, env, false));
    }

    /** The first argument that is not an option (the verb, when it names one), or null. */
    private static String verb(String[] args) {
        return Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(null);
    }

    /** The command line for {@code args}: with only the verb they name, or every verb (help, typos). */
    static CommandLine commandLine(CliContext ctx, String[] args) {
        Factory factory = new Factory(ctx);
        CommandLine cl = new CommandLine(Main.class, factory);
        String verb = verb(args);
        if (verb != null && VERBS.containsKey(verb)) {
            cl.addSubcommand(verb, new CommandLine(VERBS.get(verb), factory));
        } else {
            VERBS.forEach((name, cls) -> cl.addSubcommand(name, new CommandLine(cls, factory)));
        }
        cl.getCommandSpec().usageMessage().footer(ExitCode.helpFooter());
        cl.setOut(ctx.out());
        cl.setErr(ctx.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        String unknown = unknownVerb(args);
        if (unknown != null) {
            cl.setExecutionStrategy(parseResult -> {
                ctx.err().println("trustplane: error: " + unknown);
                ctx.err().flush();
                return ExitCode.USAGE.code();
            });
        }
        cl.setParameterExceptionHandler((ex, ignored) -> {
            ctx.err().println("trustplane: error: " + (unknown != null ? unknown : ex.getMessage()));
            if (unknown != null) {
                ctx.err().flush();
                return ExitCode.USAGE.code();
            }
            ctx.err().println("Run `" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help` for usage.");
            ctx.err().flush();
            return ExitCode.USAGE.code();
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable e = ex instanceof CommandLine.ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
            if (e instanceof TrustplaneException te) {
                ctx.err().println("trustplane: error: " + Env.redact(te.getMessage(), ctx.env()));
                ctx.err().flush();
                return ExitCode.of(te.kind()).code();
            }
            if (ex instanceof CommandLine.ExecutionException && ex.getCause() == null) {
                ctx.err().println("trustplane: error: " + ex.getMessage());
                ctx.err().flush();
                return ExitCode.FAILURE.code();
            }
            ctx.err().println("trustplane: internal error: " + Env.redact(e.toString(), ctx.env()));
            for (StackTraceElement frame : e.getStackTrace()) {
                ctx.err().println("\tat " + frame);
            }
            ctx.err().flush();
            return ExitCode.FAILURE.code();
        });
        return cl;
    }

    /** Creates command objects with the context injected. */
    private record Factory(CliContext ctx) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                Constructor<K> c = cls.getDeclaredConstructor(CliContext.class);
                c.setAccessible(true);
                return c.newInstance(ctx);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws Exception {
            return new String[] {"trustplane " + versionText()};
        }

        /** The version of this build ("unknown" when not built by Maven). */
        String versionText() {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/trustplane-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                return "unknown";
            }
            return p.getProperty("version", "unknown");
        }
    }
}
