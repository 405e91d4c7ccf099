package dev.mcgt.cli;

/**
 * A failure of a command that is neither a user's bad input nor a bad model, said as it is in one line (out of
 * memory, disk full, an output folder in use, a job that failed inside Flink): {@link Main} prints
 * {@code mcgt: <message>} and exits with 1.
 */
final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandFailure(String message) {
        super(message);
    }
}
