package dev.mcgt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.McgtException;
import dev.mcgt.coherence.CoherenceProbeConfig;
import dev.mcgt.coherence.SpikeDetectorConfig;
import dev.mcgt.scoring.GatingProfile;
import dev.mcgt.model.LoadedModel;
import dev.mcgt.model.ModelFile;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.RuntimeOptions;
import dev.mcgt.scoring.DocumentResult;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.scoring.ScorerConfig;
import dev.mcgt.scoring.UngatedMacs;
import dev.mcgt.job.RawRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcgt embed}: embeds JSON-lines documents {@code {"id": …, "text": …}} with the {@link DocumentScorer},
 * in one process without Flink, and writes one line per good document:
 * {@code {"id", "embedding": [floats], "tokens", "tiers": {"0": n, "1": n, "2": n, "3": n}, "chunks", "macRatio"}}
 * ({@code tokens} = content tokens scored; {@code macRatio} = MACs done / MACs of an ungated run, analytic).
 * The input is read as {@code mcgt score} reads it (a file, a folder or stdin; see {@link InputRecords}). A bad
 * record (invalid UTF-8, not one JSON object, missing id, missing or empty text, text without tokens, ...) gives
 * one stderr line with its file, line number and reason, and the run continues. Progress goes to stderr every few
 * seconds ({@code --progress-seconds 0}: none), and a final summary line always; the exit code is 0 when every
 * record was good, and 1 when any was rejected or the input held no document at all.
 */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Embed JSON-lines documents {\"id\", \"text\"} with a model that has a tokenizer; one output "
                + "line per document with the L2-normalised embedding, token count, tier histogram, chunk count and "
                + "MAC ratio (gated / ungated). Bad lines are reported on stderr with their number; the exit code is 1 "
                + "when any line was rejected.", ""})
final class EmbedCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", required = true,
            description = "Native model file (.mcgt) with a tokenizer (see 'mcgt model import').")
    Path model;

    @Option(names = "--input", paramLabel = "PATH", required = true,
            description = "JSON lines {\"id\": ..., \"text\": ...}, or a folder of .jsonl/.ndjson, .json and .txt "
                    + "files read as mcgt score reads them; '-' for stdin.")
    Path input;

    @Option(names = "--output", paramLabel = "FILE", required = true,
            description = "Where to write the embeddings (JSON lines); '-' for stdout.")
    Path output;

    @Mixin GateOption gate;

    @Option(names = "--policy", paramLabel = "NAME|FILE", defaultValue = "default",
            description = "default, conservative, permissive or a policy .json file (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "0",
            description = "Most content tokens embedded per document, 0 for all (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Mixin TextPrefixOption textPrefix;

    @Option(names = "--overlap", paramLabel = "N", defaultValue = "0",
            description = "Content tokens shared by consecutive chunks (default: ${DEFAULT-VALUE}).")
    int overlap;

    @Option(names = "--max-record-mb", paramLabel = "MB", defaultValue = "64",
            description = "Records (lines or files) larger than this are rejected, as in mcgt score (default "
                    + "${DEFAULT-VALUE}).")
    int maxRecordMb;

    @Option(names = "--progress-seconds", paramLabel = "S", defaultValue = "5",
            description = "Seconds between progress lines on stderr (0 = none; default: ${DEFAULT-VALUE}).")
    double progressSeconds;

    @Override
    public Integer call() throws IOException {
        boolean gateOn = gate.on(spec);
        if (maxTokens < 0) throw Usage.error(spec, "--max-tokens cannot be negative");
        if (overlap < 0) throw Usage.error(spec, "--overlap cannot be negative");
        Options.checkProgress(spec, progressSeconds);
        if (maxRecordMb < 1) throw Usage.error(spec, "--max-record-mb must be at least 1, got " + maxRecordMb);
        GatingProfile p = PolicyResolver.resolveProfile(spec, policy);
        LoadedModel loaded = ModelFile.load(model);
        if (loaded.weights().tokenizerJson() == null) throw McgtException.badConfig(DocumentScorer.NO_TOKENIZER);
        DocumentScorer scorer = scorer(loaded, p, new ScorerConfig(maxTokens, overlap, gateOn, UngatedMacs.ANALYTIC)
                .withTextPrefix(textPrefix.value()));
        PrintWriter err = spec.commandLine().getErr();
        boolean stdout = output.toString().equals("-");
        if (!stdout && Files.isDirectory(output)) throw Usage.error(spec, "--output " + output + " is a folder; give a file");
        Run run = new Run(scorer, err, progressSeconds == 0 ? Long.MAX_VALUE : (long) (progressSeconds * 1e9));
        try (Writer w = stdout ? null : Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            PrintWriter out = stdout ? spec.commandLine().getOut() : new PrintWriter(w);
            long limit = (long) maxRecordMb << 20;
            JsonlDocuments.Parser parser = new JsonlDocuments.Parser(limit);
            InputRecords.read(input, limit, (r, source) -> run.one(parser, r, source, out));
            out.flush();
            if (!stdout && out.checkError()) throw new IOException("cannot write '" + output + "'");
        }
        if (run.embedded == 0 && run.rejected == 0) {
            err.println("mcgt embed: warning: no documents in " + input + " (exit code 1)");
            err.flush();
            return Main.EXIT_FAILURE;
        }
        err.println(run.summary());
        err.flush();
        return run.rejected == 0 ? 0 : Main.EXIT_FAILURE;
    }

    /** The scorer of {@code mcgt eval} for the same policy file (thresholds, tier-1 variant, skip rule, lens). */
    private DocumentScorer scorer(LoadedModel m, GatingProfile profile, ScorerConfig config) {
        GatingProfile p = profile.forModel(m.weights().config());
        GatedTransformer t = new GatedTransformer(m.weights(), p.policy(),
                p.runtimeOptions(RuntimeOptions.defaults().withSkipOnCacheHit(true)));
        try {
            return new DocumentScorer(t, m.fingerprint(), CoherenceProbeConfig.defaults(),
                    SpikeDetectorConfig.fromPolicy(p.policy()), p.scorerConfig(config));
        } catch (McgtException e) {
            if (e.detail().startsWith("chunk overlap")) throw Usage.error(spec, "--overlap: " + e.detail());
            throw e;
        }
    }

    /** One pass over the input: counters, progress and the per-record work. */
    private static final class Run {
        private final DocumentScorer scorer;
        private final PrintWriter err;
        private final long progressNanos;
        private final long start = System.nanoTime();
        private long nextProgress;
        long embedded;
        long rejected;

        Run(DocumentScorer scorer, PrintWriter err, long progressNanos) {
            this.scorer = scorer;
            this.err = err;
            this.progressNanos = progressNanos;
            this.nextProgress = progressNanos == Long.MAX_VALUE ? Long.MAX_VALUE : start + progressNanos;
        }

        /** Embeds one record (checked by the scoring job's parser, as every command's input) or reports it. */
        boolean one(JsonlDocuments.Parser parser, RawRecord r, String source, PrintWriter out) {
            try {
                InputDocument doc = parser.parse(r, source);
                if (doc == null) return true;
                out.println(Json.line(embed(doc)));
                embedded++;
            } catch (McgtException e) {
                rejected++;
                err.println("mcgt: " + InputRecords.where(r, source) + ": " + e.detail());
            }
            long now = System.nanoTime();
            if (now >= nextProgress) {
                err.println("mcgt embed: " + embedded + " documents done, " + rate(now) + " docs/s");
                err.flush();
                nextProgress = now + progressNanos;
            }
            return true;
        }

        /** The output object of one document. */
        private ObjectNode embed(InputDocument doc) {
            DocumentResult d = scorer.scoreDocument(doc.id(), doc.text());
            ObjectNode o = Json.object();
            o.put("id", doc.id());
            ArrayNode e = o.putArray("embedding");
            for (float v : d.embedding()) e.add(v);
            o.put("tokens", d.tokens());
            String prefix = scorer.scorerConfig().textPrefix();
            if (!prefix.isEmpty()) o.put("textPrefix", prefix);
            ObjectNode tiers = o.putObject("tiers");
            for (int t = 0; t < 4; t++) tiers.put(Integer.toString(t), d.tierCount(t));
            o.put("chunks", d.chunks());
            o.put("macRatio", d.macRatio());
            return o;
        }

        private String rate(long now) {
            double seconds = Math.max((now - start) / 1e9, 1e-9);
            return String.format(Locale.ROOT, "%.1f", embedded / seconds);
        }

        String summary() {
            String s = "mcgt embed: " + embedded + " documents embedded, " + rejected + " lines rejected, "
                    + rate(System.nanoTime()) + " docs/s";
            return rejected == 0 ? s : s + " (exit code 1: some lines were rejected)";
        }
    }
}
