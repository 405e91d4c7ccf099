package dev.mcgt.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads {@code libmcgtkernels.so}, the optional native kernel library that the Maven build compiles from
 * {@code model-core/src/main/native} and puts inside the model-core jar (linux-x86_64 only), once per class
 * loader. The library is copied from the jar to a temporary file, loaded, and the file is deleted at once (Linux
 * keeps the mapping), so nothing is left behind and two class loaders (two Flink jobs in one TaskManager) each load
 * their own copy. The system property {@value #PATH_PROPERTY} names a library file to load instead, or is
 * {@code none} to run without the native kernel.
 */
final class NativeLibrary {
    /** System property: the path of a libmcgtkernels.so to load instead of the one inside the jar, or {@code none}. */
    static final String PATH_PROPERTY = "mcgt.native.library";

    private static final String RESOURCE = "/dev/mcgt/kernel/native/linux-x86_64/libmcgtkernels.so";

    private static boolean attempted;
    private static String problem;

    private NativeLibrary() { }

    /** Loads the library on first call; returns null when it is loaded, else why it cannot be. */
    static synchronized String load() {
        if (!attempted) {
            attempted = true;
            problem = tryLoad();
        }
        return problem;
    }

    private static String tryLoad() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "no native kernel for " + os + "/" + arch + " (built for linux-x86_64 only)";
        }
        String explicit = System.getProperty(PATH_PROPERTY);
        if (explicit != null && explicit.trim().equals("none")) {
            return "native kernel disabled (-D" + PATH_PROPERTY + "=none)";
        }
        try {
            if (explicit != null && !explicit.isBlank()) {
                System.load(Path.of(explicit).toAbsolutePath().toString());
                return null;
            }
            try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE)) {
                if (in == null) return "native kernel not built (no libmcgtkernels.so in the jar: no C compiler at build time?)";
                Path tmp = Files.createTempFile("mcgt-kernels-", ".so");
                try {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    System.load(tmp.toAbsolutePath().toString());
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            return null;
        } catch (IOException e) {
            return "cannot extract the native kernel library: " + e.getMessage();
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return "cannot load the native kernel library: " + e.getMessage();
        }
    }
}
