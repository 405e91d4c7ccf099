package dev.mcgt.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.McgtException;
import dev.mcgt.scoring.GatingProfile;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.scoring.Prototypes;
import dev.mcgt.scoring.ScorerConfig;
import dev.mcgt.scoring.UngatedMacs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcgt prototypes}: embeds labelled documents and writes one L2-normalised centroid per label
 * ({@link Prototypes}, the nearest-centroid scoring head of {@code mcgt score}).
 */
@Command(name = "prototypes", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Build a nearest-centroid scoring head from labelled JSON-lines documents {\"id\", \"text\", "
                + "\"label\"}: one L2-normalised centroid per label (the mean of the label's document embeddings), "
                + "written as JSON with the model's fingerprint. Embed with the same gate settings as the scoring run. "
                + "Bad or unlabelled lines are reported on stderr with their number; the exit code is then 1 (the "
                + "file is still written from the good ones).", ""})
final class PrototypesCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin SampleRunOptions run;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the prototypes JSON.")
    Path out;

    @Mixin GateOption gate;

    @Option(names = "--policy", paramLabel = "NAME|FILE", defaultValue = "default",
            description = "default, conservative, permissive or a policy .json file (default: ${DEFAULT-VALUE}); "
                    + "ignored with --gate off.")
    String policy;

    private record Labelled(String label, float[] embedding) { }

    @Override
    public Integer call() throws IOException {
        boolean gateOn = gate.on(spec);
        run.check(spec);
        GatingProfile p = PolicyResolver.resolveProfile(spec, policy);
        ScorerFactory factory = run.scorers();
        ScorerConfig config = new ScorerConfig(run.maxTokens, run.overlap, gateOn, UngatedMacs.NONE)
                .withTextPrefix(run.textPrefix.value());
        Options.checkScorer(spec, () -> factory.scorer(p, config));
        PrintWriter err = spec.commandLine().getErr();
        JsonlDocuments.Loaded loaded = JsonlDocuments.read(run.input, run.selection, err);
        List<InputDocument> docs = new ArrayList<>();
        long rejected = loaded.rejected();
        for (InputDocument d : loaded.documents()) {
            if (d.label() == null) {
                rejected++;
                err.println("mcgt: " + d.where() + ": missing \"label\"");
            } else {
                docs.add(d);
            }
        }
        if (docs.isEmpty()) throw McgtException.badInput("no labelled documents in '" + run.input + "'");
        int n = Options.threads(run.threads);
        ParallelScoring.Outcome<Labelled> outcome = ParallelScoring.run(docs, n, () -> factory.scorer(p, config),
                (DocumentScorer s, InputDocument d) -> new Labelled(d.label(), s.scoreDocument(d.id(), d.text()).embedding()),
                "prototypes", err, run.progressSeconds);
        rejected += outcome.rejected();
        if (outcome.results().isEmpty()) throw McgtException.badInput("no document of '" + run.input + "' could be embedded");
        Prototypes prototypes = Prototypes.fit(factory.fingerprint(),
                outcome.results().stream().map(Labelled::label).toList(),
                outcome.results().stream().map(Labelled::embedding).toList());
        try {
            prototypes.write(out);
        } catch (IOException e) {
            throw McgtException.badInput("cannot write '" + out + "': " + Main.oneLine(e.getMessage()));
        }
        ObjectNode o = Json.object();
        o.put("out", out.toString());
        o.put("modelFingerprint", prototypes.modelFingerprint());
        o.put("dimension", prototypes.dimension());
        o.put("gate", gateOn ? "on" : "off");
        o.put("policy", gateOn ? policy : null);
        o.put("documents", outcome.results().size());
        o.put("rejected", rejected);
        ObjectNode counts = o.putObject("labels");
        for (String l : prototypes.labels()) counts.put(l, prototypes.count(l));
        spec.commandLine().getOut().println(Json.pretty(o));
        spec.commandLine().getOut().flush();
        return rejected == 0 ? 0 : Main.EXIT_FAILURE;
    }
}
