package dev.trustplane.cli;

import dev.trustplane.policy.Policy;
import dev.trustplane.policy.PolicyLoader;
import dev.trustplane.policy.PolicyProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "policy", description = "Check Kyverno-compatible admission policies and try them on images or resources.",
        subcommands = {PolicyCommand.Lint.class, PolicyTestCommand.class, PolicySimulateCommand.class})
final class PolicyCommand implements Runnable {

    @Spec
    CommandSpec spec;

    PolicyCommand(CliContext ctx) {
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "Missing subcommand: `trustplane policy lint POLICY…` or `trustplane policy test POLICY --image REF`");
    }

    @Command(name = "lint", description = {
            "Read ClusterPolicy and Policy documents (files or directories) and report every problem at once:",
            "unknown or unsupported fields, invalid values, and known traps (mutateDigest with Audit,",
            "rekor/ctlog outside keys/keyless, webhook timeouts over 30 s, predicate types that cannot match).",
            "Exit 13 when a policy has errors (with --strict: or warnings)."})
    static final class Lint implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(arity = "1..*", paramLabel = "POLICY", description = "policy file or directory")
        List<Path> paths;

        @Mixin
        PolicyOptions policy;

        @Option(names = "--strict", description = "warnings fail too")
        boolean strict;

        Lint(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            PolicyLoader loader = policy.loader(ctx);
            List<PolicyProblem> problems = new ArrayList<>();
            int policies = 0;
            for (Path p : paths) {
                PolicyLoader.Loaded loaded = loader.load(p);
                problems.addAll(loaded.problems());
                policies += loaded.policies().size();
            }
            long errors = problems.stream().filter(x -> x.severity() == PolicyProblem.Severity.ERROR).count();
            long warnings = problems.size() - errors;
            problems.forEach(x -> ctx.out().println(x));
            ctx.out().println(policies + " polic" + (policies == 1 ? "y" : "ies") + " usable, " + errors + " error"
                    + (errors == 1 ? "" : "s") + ", " + warnings + " warning" + (warnings == 1 ? "" : "s"));
            return errors > 0 || (strict && warnings > 0) ? ExitCode.POLICY_INVALID.code() : ExitCode.OK.code();
        }
    }
}
