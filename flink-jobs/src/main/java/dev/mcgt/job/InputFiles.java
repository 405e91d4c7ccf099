package dev.mcgt.job;

import dev.mcgt.McgtException;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Which files an input path stands for, by the rules every command shares (the job's file enumerator applies the
 * same ones through {@link #skipped(String)}): a file is itself; a folder is searched recursively, following
 * symbolic links, for {@code .jsonl}/{@code .ndjson}, {@code .json} and {@code .txt} files, and hidden entries
 * (names starting with {@code .} or {@code _}, files and folders) are never read. A symbolic-link loop or a
 * broken link is an error up front, so that a run never starts on an input it cannot enumerate.
 */
public final class InputFiles {
    private InputFiles() { }

    /** Hidden: never an input file, never searched. */
    public static boolean skipped(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    /**
     * The input files of {@code root} in path order (a file: just it).
     *
     * @throws McgtException BAD_INPUT when the path does not exist, or a folder under it holds a symbolic-link
     *                       loop or a link to nothing, or cannot be read
     */
    public static List<Path> list(Path root) {
        if (!Files.exists(root)) throw McgtException.badInput("cannot open input " + root + ": no such file or folder");
        if (!Files.isDirectory(root)) return List.of(root);
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                    return !d.equals(root) && skipped(d.getFileName().toString()) ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                    String name = f.getFileName().toString();
                    if (skipped(name)) return FileVisitResult.CONTINUE;
                    // with FOLLOW_LINKS, a link's own attributes arrive only when its target cannot be read
                    if (a.isSymbolicLink()) throw McgtException.badInput("input folder " + root
                            + " has a symbolic link to nothing: " + f);
                    if (a.isRegularFile() && DocumentFileFormat.kindOf(name) != null) files.add(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                    if (skipped(f.getFileName().toString())) return FileVisitResult.CONTINUE;
                    throw e;
                }
            });
        } catch (FileSystemLoopException e) {
            throw McgtException.badInput("input folder " + root + " has a symbolic-link loop at " + e.getFile()
                    + " (it leads back to a folder above it); remove the link or choose another --input");
        } catch (NoSuchFileException e) {
            throw McgtException.badInput("input folder " + root + " has a symbolic link to nothing: " + e.getFile());
        } catch (IOException e) {
            throw McgtException.badInput("cannot read input folder " + root + ": " + e);
        }
        files.sort(null);
        return files;
    }
}
