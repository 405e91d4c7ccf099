package dev.mcgt.cli;

import dev.mcgt.McgtException;
import dev.mcgt.job.DocumentScoringJob;
import dev.mcgt.job.JobSettings;
import dev.mcgt.job.RunSettings;

/**
 * The command-line entry point of the document scoring job on a real cluster ({@code flink run mcgt-job.jar …},
 * the job jar's main class): parses the options of {@code mcgt score} ({@link ScoreOptions}), resolves them and
 * hands the job its own settings ({@link DocumentScoringJob#run}). A usage error is one line on stderr and exit
 * code 2.
 */
public final class JobMain {
    private JobMain() { }

    public static void main(String[] args) throws Exception {
        JobSettings settings;
        RunSettings run;
        try {
            ScoreOptions options = ScoreOptions.parse(args);
            settings = options.resolve();
            run = options.runSettings();
        } catch (McgtException e) {
            System.err.println("DocumentScoringJob: " + e.getMessage());
            System.exit(2);
            return;
        }
        DocumentScoringJob.run(settings, run);
    }
}
