package dev.mcgt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.McgtException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.flink.runtime.client.JobExecutionException;
import org.apache.flink.util.FlinkException;
import org.apache.flink.util.SerializedThrowable;
import org.junit.jupiter.api.Test;

/**
 * A failure is said as what it is, in one line: out of memory and a full disk are not "Bad input", whether they
 * come straight from a command or wrapped (or serialized) by Flink; a core error keeps its own message.
 */
class FailureMessagesTest {
    private static Throwable wrappedByFlink(Throwable cause) {
        return new java.util.concurrent.ExecutionException(new FlinkException("Failed to execute job 'x'.",
                new JobExecutionException(null, "Job execution failed.", new RuntimeException(
                        "org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy",
                        new SerializedThrowable(cause)))));
    }

    @Test
    void outOfMemoryAndAFullDiskInsideTheJobAreSaidAsSuch() {
        String oom = JobFailure.of(wrappedByFlink(new OutOfMemoryError("Java heap space")), "/out").getMessage();
        assertThat(oom).startsWith("out of memory (Java heap space): the Java heap of ").contains("MCGT_JAVA_OPTS=-Xmx")
                .doesNotContain("Bad input");
        String disk = JobFailure.of(wrappedByFlink(new IOException("No space left on device")), "/out").getMessage();
        assertThat(disk).isEqualTo("disk full: No space left on device (output /out); free some space and run again "
                + "with --overwrite");
        String core = JobFailure.of(wrappedByFlink(McgtException.badConfig("model has no tokenizer")), "/out").getMessage();
        assertThat(core).isEqualTo("Bad configuration: model has no tokenizer");
        String other = JobFailure.of(wrappedByFlink(new IllegalStateException("broken")), "/out").getMessage();
        assertThat(other).isEqualTo("the scoring job failed: IllegalStateException: broken");
    }

    @Test
    void outOfMemoryAndAFullDiskInACommandAreSaidAsSuch() {
        assertThat(Main.describe(new OutOfMemoryError("Java heap space"))).startsWith("out of memory (Java heap space)");
        assertThat(Main.describe(new UncheckedIOException(new IOException("No space left on device"))))
                .isEqualTo("disk full: No space left on device");
        assertThat(Main.describe(new IOException("Permission denied"))).isEqualTo("I/O error: Permission denied");
    }
}
