package dev.mcgt.cli;

import java.nio.file.Path;

/** Test helper run in a child JVM: claims the output folder {@code args[0]} like a running mcgt score, until killed. */
final class LockHolder {
    private LockHolder() { }

    public static void main(String[] args) throws Exception {
        try (OutputLock claim = OutputLock.claim(Path.of(args[0]))) {
            System.out.println("claimed");
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
