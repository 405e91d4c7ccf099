package dev.mcgt.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The SpamAssassin e-mail corpus for tests: {@code data/spam-assassin} under the repository root, or the folder
 * in the system property {@code mcgt.corpus}. When it is missing, {@link #emails()} runs
 * {@code scripts/fetch-corpus.sh} (npm); if that fails the calling test fails: CI must really check real e-mails.
 */
public final class SpamCorpus {
    /** E-mails in the complete corpus. */
    public static final int EXPECTED_EMAILS = 6046;

    private SpamCorpus() { }

    public static Path dir() {
        String override = System.getProperty("mcgt.corpus");
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath();
        }
        return repoRoot().resolve("data").resolve("spam-assassin");
    }

    private static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts").resolve("fetch-corpus.sh"))) {
                return p;
            }
        }
        return fail("cannot find the repository root (a folder with scripts/fetch-corpus.sh) above "
                + Path.of("").toAbsolutePath());
    }

    /** The corpus's e-mail files, sorted; runs the fetch script first when the corpus is not complete. */
    public static List<Path> emails() throws IOException {
        Path corpus = dir();
        if (!Files.isRegularFile(corpus.resolve(".complete")) || listEmails(corpus).size() != EXPECTED_EMAILS) {
            Path script = repoRoot().resolve("scripts").resolve("fetch-corpus.sh");
            ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), corpus.toString())
                    .redirectErrorStream(true);
            String output;
            int exit;
            try {
                Process p = pb.start();
                try (InputStream in = p.getInputStream()) {
                    output = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
                }
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    exit = -1;
                } else {
                    exit = p.exitValue();
                }
            } catch (IOException | InterruptedException e) {
                output = e.toString();
                exit = -1;
            }
            System.out.println(output);
            if (exit != 0) {
                fail("SpamAssassin corpus missing at " + corpus + " and " + script + " failed (exit " + exit + "): "
                        + output.replace('\n', ' ') + " -- run the script by hand (needs npm) or pass "
                        + "-Dmcgt.corpus=DIR");
            }
        }
        return listEmails(corpus);
    }

    private static List<Path> listEmails(Path corpus) throws IOException {
        if (!Files.isDirectory(corpus)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(corpus, 2)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p)
                            && !p.getParent().equals(corpus))
                    .sorted().collect(Collectors.toList());
        }
    }
}
