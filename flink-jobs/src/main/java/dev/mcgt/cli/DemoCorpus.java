package dev.mcgt.cli;

import dev.mcgt.gate.GatePacket;
import dev.mcgt.gate.SpikePacket;
import dev.mcgt.runtime.InferInput;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic documents for {@code mcgt demo}: each is a stream of token chunks drawn from the document's own
 * small "topic" vocabulary, with a coherence trace. λ mostly stays high with small steps; now and then it drops
 * fast (about half), falls below the minimum, or the boundary grows; some chunks repeat the previous one
 * exactly; in some the spike packet did not fire (nothing new); rarely the spike rate storms. Deterministic for
 * a given seed.
 */
final class DemoCorpus {
    private DemoCorpus() { }

    /** One document: its chunks in order. */
    record Document(int index, List<InferInput> chunks) { }

    static List<Document> generate(int documents, int chunks, int seqLenMax, int vocabSize, long seed) {
        List<Document> out = new ArrayList<>(documents);
        for (int d = 0; d < documents; d++) {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + d);
            out.add(new Document(d, document(chunks, seqLenMax, vocabSize, r)));
        }
        return out;
    }

    private static List<InferInput> document(int chunks, int seqLenMax, int vocab, SplittableRandom r) {
        int topicSize = Math.max(4, Math.min(vocab, 24));
        int[] topic = new int[topicSize];
        for (int i = 0; i < topicSize; i++) topic[i] = r.nextInt(vocab);
        List<InferInput> out = new ArrayList<>(chunks);
        long lambda = 90 + r.nextInt(80);
        int[] previous = null;
        for (int c = 0; c < chunks; c++) {
            boolean repeat = previous != null && r.nextInt(100) < 12;
            int[] tokens = repeat ? previous : tokens(r, topic, vocab, seqLenMax);
            long prev = lambda;
            int roll = r.nextInt(100);
            int edges = 2 + r.nextInt(12);
            if (roll < 8) {
                lambda = Math.max(31, prev / 2);                  // drops fast: FLUSH_KV
            } else if (roll < 13) {
                lambda = 8 + r.nextInt(20);                       // below the minimum: QUARANTINE_UPDATES
            } else {
                long recovered = prev < 60 ? 100 + r.nextInt(40) : prev;
                lambda = Math.min(200, Math.max(60, recovered + r.nextInt(17) - 8));
                if (roll < 21) edges = 21 + r.nextInt(20);        // the boundary grows: REDUCE_SCOPE
            }
            GatePacket gate = new GatePacket(lambda, prev, edges, 4000 + r.nextInt(12000), 1 + r.nextInt(4), 0);
            int spikeRoll = r.nextInt(100);
            SpikePacket spike;
            if (!repeat && spikeRoll < 10) {
                spike = SpikePacket.of(0, 2000, 500);              // nothing new: skip, cheap scorer
            } else if (spikeRoll >= 97) {
                spike = SpikePacket.of(1, 20000, 9000);            // spike storm: FREEZE_WRITES
            } else {
                spike = SpikePacket.of(1, 1000 + r.nextInt(9000), 3000 + r.nextInt(12000));
            }
            out.add(InferInput.of(tokens, gate).withSpikes(spike));
            previous = tokens;
        }
        return out;
    }

    private static int[] tokens(SplittableRandom r, int[] topic, int vocab, int seqLenMax) {
        int n = Math.max(1, seqLenMax / 2 + r.nextInt(seqLenMax / 2 + 1));
        int[] t = new int[Math.min(n, seqLenMax)];
        for (int i = 0; i < t.length; i++) {
            t[i] = r.nextInt(100) < 85 ? topic[r.nextInt(topic.length)] : r.nextInt(vocab);
        }
        return t;
    }
}
