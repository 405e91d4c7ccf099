package dev.mcgt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.PolicyJson;
import dev.mcgt.model.ModelFile;
import dev.mcgt.scoring.Prototypes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrateEvalPrototypesTest {
    @TempDir static Path shared;
    static Path model;
    static Path docs;

    @TempDir Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        model = LabelledCorpus.write(shared.resolve("tiny.mcgt"));
        docs = LabelledCorpus.writeLines(shared.resolve("docs.jsonl"), LabelledCorpus.documents(40, 3));
    }

    private static JsonNode json(String s) throws Exception {
        return LabelledCorpus.JSON.readTree(s);
    }

    // ------------------------------------------------------------------------------------------------ calibrate

    @Test
    void calibrateWritesAPolicyWhoseRescoredMixIsTheReplayedOne() throws Exception {
        Path out = dir.resolve("policy.json");
        Cli r = Cli.run("calibrate", "--model", model.toString(), "--input", docs.toString(), "--mix", "40/40/20",
                "--out", out.toString(), "--threads", "2");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode report = json(r.out());
        assertThat(report.get("documents").asInt()).isEqualTo(40);
        assertThat(report.get("requested").get("skip").asDouble()).isEqualTo(40.0);
        // the replay models the gate, spike rate and cache hits exactly: rescoring gives the same mix
        assertThat(report.get("achieved")).isEqualTo(report.get("predicted"));
        assertThat(report.get("withinTolerance").asBoolean()).isTrue();
        assertThat(report.get("missPoints").asDouble()).isLessThanOrEqualTo(5.0);
        GatePolicy p = PolicyJson.load(out);
        assertThat(p.spikeRateQ15Max()).isEqualTo(32767);
        assertThat(p.lambdaMin()).isZero();
        assertThat(PolicyJson.fromJson(report.get("policy").toString())).isEqualTo(p);
        assertThat(r.err()).contains("mcgt calibrate: requested 40/40/20, achieved ");

        // the file is accepted wherever a policy is
        Cli gate = Cli.run("gate", "--preset", "micro", "--policy", out.toString(), "--lambda", "40", "--lambda-prev", "100");
        assertThat(gate.code()).as(gate.err()).isZero();
        Path emb = dir.resolve("emb.jsonl");
        Cli embed = Cli.run("embed", "--model", model.toString(), "--input", docs.toString(), "--output", emb.toString(),
                "--policy", out.toString());
        assertThat(embed.code()).as(embed.err()).isZero();

        // the same sample through eval with this policy shows the achieved mix
        Cli ev = Cli.run("eval", "--model", model.toString(), "--input", docs.toString(), "--policy", out.toString());
        assertThat(ev.code()).as(ev.err()).isZero();
        JsonNode e = json(ev.out());
        assertThat(e.get("mixPercent").get("skip").asDouble())
                .isCloseTo(report.get("achieved").get("skip").asDouble(), org.assertj.core.api.Assertions.within(0.01));
    }

    @Test
    void calibrateResultDoesNotDependOnThreads() {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        Cli r1 = Cli.run("calibrate", "--model", model.toString(), "--input", docs.toString(), "--mix", "70/20/10",
                "--out", a.toString(), "--threads", "1");
        Cli r3 = Cli.run("calibrate", "--model", model.toString(), "--input", docs.toString(), "--mix", "70/20/10",
                "--out", b.toString(), "--threads", "3");
        assertThat(r1.code()).as(r1.err()).isZero();
        assertThat(PolicyJson.load(a)).isEqualTo(PolicyJson.load(b));
        assertThat(r1.out().replace(a.toString(), "X")).isEqualTo(r3.out().replace(b.toString(), "X"));
    }

    @Test
    void calibrateBadInputIsOneLine() throws Exception {
        Path out = dir.resolve("p.json");
        Cli bad = Cli.run("calibrate", "--model", model.toString(), "--input", docs.toString(), "--mix", "40/40",
                "--out", out.toString());
        assertThat(bad.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(bad.errLines()).hasSize(1);
        assertThat(bad.err()).startsWith("mcgt: mix '40/40' has 2 part(s) (expected three numbers");

        Cli sum = Cli.run("calibrate", "--model", model.toString(), "--input", docs.toString(), "--mix", "50/40/20",
                "--out", out.toString());
        assertThat(sum.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(sum.err()).contains("sums to 110, not 100");

        Cli missing = Cli.run("calibrate", "--model", model.toString(), "--input", dir.resolve("none.jsonl").toString(),
                "--out", out.toString());
        assertThat(missing.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(missing.errLines()).hasSize(1);
        assertThat(missing.err()).contains("cannot open").contains("no such file");

        Cli noModel = Cli.run("calibrate", "--model", dir.resolve("none.mcgt").toString(), "--input", docs.toString(),
                "--out", out.toString());
        assertThat(noModel.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(noModel.errLines()).hasSize(1);

        Path lines = LabelledCorpus.writeLines(dir.resolve("bad.jsonl"), List.of("not json", "{\"id\": 1}"));
        Cli empty = Cli.run("calibrate", "--model", model.toString(), "--input", lines.toString(), "--out", out.toString());
        assertThat(empty.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(empty.errLines()).hasSize(3);
        assertThat(empty.errLines()[0]).contains("line 1: malformed JSON");
        assertThat(empty.errLines()[1]).contains("line 2: missing text field 'text'");
        assertThat(empty.errLines()[2]).startsWith("mcgt: ").contains("no documents to calibrate on");
    }

    // ------------------------------------------------------------------------------------------------ eval

    @Test
    void evalPrintsOneReportIndependentOfThreads() throws Exception {
        Cli one = Cli.run("eval", "--model", model.toString(), "--input", docs.toString(), "--threads", "1");
        Cli three = Cli.run("eval", "--model", model.toString(), "--input", docs.toString(), "--threads", "3");
        assertThat(one.code()).as(one.err()).isZero();
        assertThat(three.code()).as(three.err()).isZero();
        JsonNode a = json(one.out());
        JsonNode b = json(three.out());
        for (JsonNode n : List.of(a, b)) {
            ((ObjectNode) n).remove("seconds");
            ((ObjectNode) n).remove("threads");
            for (JsonNode r : n.get("runs")) ((ObjectNode) r).remove("seconds");
        }
        assertThat(a).isEqualTo(b);
        assertThat(a.get("documents").asInt()).isEqualTo(40);
        long chunks = a.get("chunks").asLong();
        long sum = 0;
        for (int t = 0; t < 4; t++) sum += a.get("tiers").get(Integer.toString(t)).asLong();
        assertThat(sum).isEqualTo(chunks);
        assertThat(a.get("macs").get("ratio").asDouble()).isBetween(0.0, 1.0);
        assertThat(a.get("cosine").get("min").asDouble()).isLessThanOrEqualTo(a.get("cosine").get("p5").asDouble());
        assertThat(a.get("cosine").get("p5").asDouble()).isLessThanOrEqualTo(a.get("cosine").get("mean").asDouble() + 1e-12);
        JsonNode c = a.get("classification");
        assertThat(c.get("positiveLabel").asText()).isEqualTo("spam");
        assertThat(c.get("train").asInt()).isEqualTo(20);
        assertThat(c.get("test").asInt()).isEqualTo(20);
        assertThat(c.get("ungated").get("auc").asDouble()).isBetween(0.0, 1.0);
        assertThat(c.get("aucDelta").asDouble())
                .isEqualTo(c.get("gated").get("auc").asDouble() - c.get("ungated").get("auc").asDouble());
        JsonNode diag = a.get("diagnostics").get("tier0ChunksOnly");
        assertThat(diag.get("cosine").get("mean").isNumber()).isTrue();
        assertThat(diag.get("classification").get("ungated")).isEqualTo(c.get("ungated"));
        assertThat(one.err()).contains("mcgt eval: 40 documents evaluated");
    }

    @Test
    void evalPerDocumentLinesAddUpToTheReport() throws Exception {
        Path lines = dir.resolve("per-doc.jsonl");
        Cli r = Cli.run("eval", "--model", model.toString(), "--input", docs.toString(), "--per-document", lines.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode report = json(r.out());
        List<String> rows = java.nio.file.Files.readAllLines(lines);
        assertThat(rows).hasSize(40);
        long chunks = 0;
        double cosines = 0;
        for (String row : rows) {
            JsonNode d = json(row);
            JsonNode run = d.get("runs").get(0);
            int n = d.get("chunkTokens").size();
            assertThat(n).isPositive();
            assertThat(run.get("chunkTiers").size()).isEqualTo(n);
            assertThat(run.get("chunkCosines").size()).isEqualTo(n);
            for (int i = 0; i < n; i++) {
                // a tier-0 chunk contributes its ungated vector itself
                if (run.get("chunkTiers").get(i).asInt() == 0) assertThat(run.get("chunkCosines").get(i).asDouble()).isEqualTo(1.0);
            }
            chunks += n;
            cosines += run.get("cosine").asDouble();
        }
        assertThat(chunks).isEqualTo(report.get("chunks").asLong());
        assertThat(cosines / rows.size()).isCloseTo(report.get("cosine").get("mean").asDouble(),
                org.assertj.core.api.Assertions.within(1e-3));
    }

    @Test
    void evalWithoutLabelsSkipsClassificationAndChecksThePositiveLabel() throws Exception {
        List<String> unlabelled = new ArrayList<>();
        for (String l : LabelledCorpus.documents(4, 9)) unlabelled.add(l.replaceAll("\"label\":\"[a-z]+\",", ""));
        Path in = LabelledCorpus.writeLines(dir.resolve("u.jsonl"), unlabelled);
        Cli r = Cli.run("eval", "--model", model.toString(), "--input", in.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(json(r.out()).get("classification").get("skipped").asText()).isEqualTo("no document has a label");

        Cli bad = Cli.run("eval", "--model", model.toString(), "--input", docs.toString(), "--positive-label", "eggs");
        assertThat(bad.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(bad.errLines()).hasSize(1);
        assertThat(bad.err()).contains("positive label 'eggs' is not among the labels [ham, spam]");

        Cli stride = Cli.run("eval", "--model", model.toString(), "--input", docs.toString(), "--stride", "0");
        assertThat(stride.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(stride.err()).contains("--stride must be at least 1");
    }

    @Test
    void evalSelectionAndRejects() throws Exception {
        List<String> lines = new ArrayList<>(LabelledCorpus.documents(10, 5));
        lines.add(3, "{\"id\": \"x\", \"text\": \"   \"}");
        Path in = LabelledCorpus.writeLines(dir.resolve("r.jsonl"), lines);
        Cli r = Cli.run("eval", "--model", model.toString(), "--input", in.toString(), "--offset", "1", "--stride", "2");
        // records 1, 3, 5, 7, 9 are selected; record 3 is the blank text
        assertThat(r.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.err()).contains("line 4: text field 'text' is empty");
        JsonNode report = json(r.out());
        assertThat(report.get("documents").asInt()).isEqualTo(4);
        assertThat(report.get("rejected").asInt()).isEqualTo(1);
        assertThat(report.get("selection").asText()).isEqualTo("offset 1, stride 2, limit none");
    }

    // ------------------------------------------------------------------------------------------------ prototypes

    @Test
    void prototypesWritesOneCentroidPerLabel() throws Exception {
        Path out = dir.resolve("proto.json");
        Cli r = Cli.run("prototypes", "--model", model.toString(), "--input", docs.toString(), "--out", out.toString(),
                "--gate", "off", "--threads", "2");
        assertThat(r.code()).as(r.err()).isZero();
        Prototypes p = Prototypes.read(out);
        assertThat(p.labels()).containsExactly("ham", "spam");
        assertThat(p.modelFingerprint()).isEqualTo(ModelFile.load(model).fingerprint());
        assertThat(p.dimension()).isEqualTo(32);
        assertThat(p.count("ham")).isEqualTo(20);
        JsonNode report = json(r.out());
        assertThat(report.get("labels").get("spam").asInt()).isEqualTo(20);
        assertThat(report.get("gate").asText()).isEqualTo("off");
        double norm = 0;
        for (float x : p.centroid("spam")) norm += x * x;
        assertThat(norm).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
    }

    @Test
    void prototypesRejectsUnlabelledLinesAndBadOptions() throws Exception {
        List<String> lines = new ArrayList<>(LabelledCorpus.documents(4, 1));
        lines.add("{\"id\": \"n\", \"text\": \"river stone\"}");
        Path in = LabelledCorpus.writeLines(dir.resolve("p.jsonl"), lines);
        Path out = dir.resolve("proto.json");
        Cli r = Cli.run("prototypes", "--model", model.toString(), "--input", in.toString(), "--out", out.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.err()).contains("line 5: missing \"label\"");
        assertThat(Prototypes.read(out).count("ham")).isEqualTo(2);

        Cli gate = Cli.run("prototypes", "--model", model.toString(), "--input", in.toString(), "--out", out.toString(),
                "--gate", "maybe");
        assertThat(gate.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(gate.errLines()).hasSize(1);
        assertThat(gate.err()).contains("--gate must be on or off");

        Cli policy = Cli.run("prototypes", "--model", model.toString(), "--input", in.toString(), "--out", out.toString(),
                "--policy", dir.resolve("missing.json").toString());
        assertThat(policy.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(policy.errLines()).hasSize(1);
        assertThat(policy.err()).contains("no such file");
    }
}
