package dev.mcgt.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@link Main} in-process and captures what it prints. */
record Cli(int code, String out, String err) {

    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Cli(code, out.toString(), err.toString());
    }

    /** stdout lines, trailing newline dropped. */
    String[] outLines() {
        return out.isEmpty() ? new String[0] : out.split("\n");
    }

    /** stderr lines, trailing newline dropped. */
    String[] errLines() {
        return err.isEmpty() ? new String[0] : err.split("\n");
    }
}
