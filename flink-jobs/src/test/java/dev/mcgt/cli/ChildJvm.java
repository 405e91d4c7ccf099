package dev.mcgt.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the test classpath in a child JVM, as {@code scripts/mcgt} runs {@code mcgt}: scalar kernel,
 * no incubator module (so stderr holds only what mcgt prints), and its own {@code java.io.tmpdir}, so that a test
 * sees exactly what a run leaves in its temporary folder and everything it prints, the libraries' logs included.
 */
record ChildJvm(int code, String out, String err) {

    /** {@code mcgt ARGS} with {@code tmp} as the temporary folder, waiting at most two minutes. */
    static ChildJvm mcgt(Path tmp, String... args) throws Exception {
        Process p = start(Main.class, tmp, args);
        // both streams are small; read them on their own threads so that neither pipe fills up
        var out = new java.util.concurrent.CompletableFuture<String>();
        var err = new java.util.concurrent.CompletableFuture<String>();
        Thread o = new Thread(() -> out.complete(read(p.getInputStream())));
        Thread e = new Thread(() -> err.complete(read(p.getErrorStream())));
        o.start();
        e.start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("mcgt " + String.join(" ", args) + " did not finish in 2 minutes");
        }
        return new ChildJvm(p.exitValue(), out.get(1, TimeUnit.MINUTES), err.get(1, TimeUnit.MINUTES));
    }

    /** Starts {@code main} with {@code args} (stdin, stdout and stderr are pipes). */
    static Process start(Class<?> main, Path tmp, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx768m");
        cmd.add("-Dmcgt.kernel=scalar");
        cmd.add("-Djava.io.tmpdir=" + tmp);
        cmd.add("-cp");
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                .replace(File.pathSeparator + File.pathSeparator, File.pathSeparator));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("MCGT_DEBUG");
        pb.environment().remove("MCGT_LOG");
        return pb.start();
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** stderr lines. */
    String[] errLines() {
        return err.isEmpty() ? new String[0] : err.split("\n");
    }
}
