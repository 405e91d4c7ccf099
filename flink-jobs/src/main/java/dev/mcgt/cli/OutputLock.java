package dev.mcgt.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The claim of one {@code mcgt score} run on its output folder: an exclusive lock on {@code OUTPUT/.mcgt-score.lock}
 * ({@link FileChannel#tryLock()}, held until {@link #close()}). The operating system releases it when the process
 * ends in any way, so a killed run never leaves a stale claim; a second run into the same folder, in this or
 * another process, fails at once with one line. The check for earlier results happens only after the claim, so
 * "check, then write" cannot interleave with another run. The (empty) lock file stays in the folder: removing it
 * would let a run that opened it just before hold a lock on a file that is no longer there.
 */
final class OutputLock implements AutoCloseable {
    /** The lock file's name inside the output folder (hidden: no reader of the output looks at it). */
    static final String FILE = ".mcgt-score.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private OutputLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code folder} if needed and claims it.
     *
     * @throws CommandFailure when another run holds the folder, or it cannot be created or locked
     */
    static OutputLock claim(Path folder) {
        Path file = folder.resolve(FILE);
        FileChannel ch = null;
        try {
            Files.createDirectories(folder);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) throw busy(folder);
            return new OutputLock(ch, l);
        } catch (OverlappingFileLockException e) {
            close(ch);
            throw busy(folder);
        } catch (CommandFailure e) {
            close(ch);
            throw e;
        } catch (IOException e) {
            close(ch);
            throw new CommandFailure("cannot claim output folder " + folder + ": " + Main.oneLine(String.valueOf(e)));
        }
    }

    private static CommandFailure busy(Path folder) {
        return new CommandFailure("output " + folder + " is in use by another mcgt score run (it holds "
                + folder.resolve(FILE) + "); wait for it to finish or choose another folder");
    }

    private static void close(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was claimed; the error being reported is the one that matters
        }
    }

    /** Releases the claim. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it too
        }
        close(channel);
    }
}
