package dev.mcgt.cli;

import dev.mcgt.McgtException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code mcgt} command line: {@code gate}, {@code model synth|import|info}, {@code infer}, {@code embed},
 * {@code calibrate}, {@code eval}, {@code prototypes}, {@code score}, {@code bench} and {@code demo}. Every command
 * has {@code --help}. Errors are one line {@code mcgt: <message>} on stderr; the exit code is 2 for a usage error
 * (unknown option, bad option value; for {@code score} also an input, model or output its options name that cannot
 * be used), 1 for a failure (bad records in {@code embed}/{@code calibrate}/{@code eval}/{@code prototypes}/
 * {@code gate --batch}, no documents at all, out of memory, disk full, a failed job), 3 for {@code score} when
 * records were rejected, 0 otherwise (the table is in the README, "Command line"). Set {@code MCGT_DEBUG=1} to get stack traces of failures, {@code MCGT_LOG=warn} (or info, debug) to see
 * the libraries' logs.
 */
@Command(name = "mcgt", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Mincut-gated INT8 transformer: gate decisions, models, inference and benchmarks.",
        subcommands = {GateCommand.class, ModelCommand.class, InferCommand.class, EmbedCommand.class,
                CalibrateCommand.class, EvalCommand.class, PrototypesCommand.class,
                ScoreCommand.class, SqlCommand.class, BenchCommand.class, DemoCommand.class})
public final class Main implements Callable<Integer> {
    /** Exit code of a usage error. */
    public static final int EXIT_USAGE = 2;
    /** Exit code of a failure. */
    public static final int EXIT_FAILURE = 1;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command (" + String.join(", ", spec.subcommands().keySet()) + ")");
    }

    /** Runs {@code mcgt} with these arguments and exits with its code. */
    public static void main(String[] args) {
        quietJavaLogging();
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * The core logs through {@link System#getLogger} (java.util.logging by default, INFO to stderr); a command
     * line prints only its result and its errors, so keep warnings and above.
     */
    private static void quietJavaLogging() {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(java.util.logging.Level.WARNING);
        for (java.util.logging.Handler h : root.getHandlers()) h.setLevel(java.util.logging.Level.WARNING);
    }

    /** Runs {@code mcgt} in-process with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            String hint = " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')";
            err.println("mcgt: " + oneLine(ex.getMessage()) + hint);
            err.flush();
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            err.println("mcgt: " + describe(ex));
            if (System.getenv("MCGT_DEBUG") != null) ex.printStackTrace(err);
            err.flush();
            return EXIT_FAILURE;
        });
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands errors through: say it in one line like any other failure
            err.println("mcgt: " + describe(e));
            err.flush();
            code = EXIT_FAILURE;
        }
        out.flush();
        return code;
    }

    /**
     * The one-line message of a failure: the core's message as is; out of memory and a full disk said as such;
     * else the I/O error or the exception and its message.
     */
    static String describe(Throwable ex) {
        if (ex instanceof java.io.UncheckedIOException u && u.getCause() != null) return describe(u.getCause());
        if (ex instanceof McgtException m) return oneLine(m.getMessage());
        if (ex instanceof CommandFailure f) return oneLine(f.getMessage());
        if (ex instanceof OutOfMemoryError) {
            return "out of memory (" + oneLine(ex.getMessage()) + "): the Java heap of "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MiB is too small; give the JVM more "
                    + "(MCGT_JAVA_OPTS=-Xmx4g)";
        }
        if (ex instanceof java.io.IOException io) {
            String msg = oneLine(io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage());
            return msg.contains("No space left on device") ? "disk full: " + msg : "I/O error: " + msg;
        }
        return "internal error: " + oneLine(String.valueOf(ex));
    }

    static String oneLine(String s) {
        if (s == null) return "";
        return s.replace("\r", "").replace('\n', ' ').trim();
    }
}
