package dev.trustplane.fuzz;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code FuzzReplay TARGET FILE…}: runs a target on saved inputs in this JVM and prints what each throws. */
public final class FuzzReplay {
    private FuzzReplay() {
    }

    public static void main(String[] args) throws Throwable {
        FuzzTarget t = FuzzTargets.named(args[0]);
        var run = MethodHandles.publicLookup().findStatic(t.target(), "fuzzerTestOneInput",
                MethodType.methodType(void.class, byte[].class));
        int failed = 0;
        for (int i = 1; i < args.length; i++) {
            try {
                run.invoke(Files.readAllBytes(Path.of(args[i])));
                System.out.println(args[i] + ": holds");
            } catch (Throwable e) {
                failed++;
                System.out.println(args[i] + ": " + e);
                StackTraceElement[] trace = e.getStackTrace();
                for (int k = 0; k < Math.min(24, trace.length); k++) {
                    System.out.println("    at " + trace[k]);
                }
            }
        }
        System.exit(failed == 0 ? 0 : 1);
    }
}
