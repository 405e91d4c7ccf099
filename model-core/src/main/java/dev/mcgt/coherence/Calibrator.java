package dev.mcgt.coherence;

import dev.mcgt.McgtException;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.gate.GateController;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.gate.SpikePacket;
import dev.mcgt.gate.TierDecision;
import dev.mcgt.gate.TierSizes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Chooses gate thresholds that give a requested tier mix on a sample of real chunks (README, "Calibration and gated quality"),
 * and replays a sample through the real {@link GateController} to tell which mix a policy gives. Pure: no
 * model, no I/O; deterministic.
 *
 * <p><b>What depends on what.</b> λ, λprev (the stream's λ history records every chunk whatever its tier), the
 * boundary figures and the novelty do not depend on the policy, so they are measured once
 * ({@link CalibrationChunk}). Whether a chunk fires (novelty ≥ the policy's {@code spikeNoveltyQ15Min}), the
 * stream's fire rate (an exponential average of the fires, {@code rateShift}) and cache hits (a chunk whose
 * tokens equal the stream's last computed chunk is skipped) do depend on it; {@link #replay} recomputes them
 * per stream, in order, exactly as the scorer does, and asks the controller. A chunk the gate would skip while
 * its stream has no computed chunk yet runs at tier 0, as the scorer runs it.
 *
 * <p><b>The thresholds</b>, in the gate's order of checks:
 * <ol>
 *   <li><b>Skip</b>: a first chunk always fires; any other chunk is skipped when its novelty is below the
 *       threshold, so {@code spikeNoveltyQ15Min} is the novelty value whose count of chunks below it is nearest
 *       to the skip share.</li>
 *   <li><b>Spike storm</b> is switched off ({@code spikeRateQ15Max} 32767: the rate never exceeds it). With a
 *       requested skip share the fire rate is known in advance, so a storm rule would only move a fixed share of
 *       chunks to tier 2.</li>
 *   <li><b>Tier 2</b>: {@code lambdaMin} sends the lowest-λ chunks among those not skipped to tier 2, as many as
 *       the requested safe share of all chunks; 0 (nothing) by default.</li>
 *   <li><b>Tier 1</b> among the rest: drop ratio, boundary edges, boundary concentration and partitions each get
 *       the threshold that at most k of these chunks exceed (the same k for all four, so each signal weighs the
 *       same); k is searched so that the union of the four — the chunks sent to tier 1 — is nearest to the tier-1
 *       share. A signal with no spread (e.g. always 1 partition) sends nothing.</li>
 * </ol>
 * Then the sample is replayed with the policy. Ties in the signals and cache hits can make the replayed mix
 * differ from the aimed one; the aim is then corrected by the difference and the thresholds chosen again, a few
 * rounds, keeping the policy whose replay is nearest. The mix is over the chunks outside tier 2.
 */
public final class Calibrator {
    /** The spike-rate threshold of a calibrated policy: above every possible rate (storm rule off). */
    public static final int STORM_OFF = 32767;
    /** Rounds of aim correction in {@link #calibrate}. */
    public static final int ROUNDS = 6;

    private static final long U32_MAX = 0xFFFF_FFFFL;
    private static final int Q15_MAX = 32767;
    private static final int U16_MAX = 0xFFFF;

    private final GatePolicy base;
    private final int rateShift;

    /**
     * @param base      the policy whose two {@code allow*WhenUnstable} flags a calibrated policy keeps
     * @param rateShift the spike detector's rate shift (see {@link SpikeDetectorConfig#rateShift()})
     */
    public Calibrator(GatePolicy base, int rateShift) {
        if (base == null) throw McgtException.badConfig("calibration needs a base policy");
        if (rateShift < 1 || rateShift > 15) throw McgtException.badConfig("spike rate shift must be in 1..15, got " + rateShift);
        this.base = base.validate();
        this.rateShift = rateShift;
    }

    /** Flags of the default policy, the default detector's rate shift. */
    public static Calibrator withDefaults() {
        return new Calibrator(GatePolicy.defaults(), SpikeDetectorConfig.defaults().rateShift());
    }

    /**
     * A policy giving {@code target} (and {@code safePercent} % of all chunks at tier 2) on the sample, as near as
     * the sample's ties allow.
     *
     * @throws McgtException BAD_INPUT for an empty sample, BAD_CONFIG for a safe share outside 0..100
     */
    public CalibrationResult calibrate(CalibrationSample sample, CalibrationMix target, double safePercent) {
        if (sample == null || sample.chunks() == 0) throw McgtException.badInput("calibration sample has no chunks");
        if (target == null) throw McgtException.badConfig("calibration needs a target mix");
        if (!(safePercent >= 0.0 && safePercent < 100.0)) {
            throw McgtException.badConfig("safe share must be in 0..100 (exclusive), got " + safePercent);
        }
        Signals s = new Signals(sample);
        CalibrationMix aim = target;
        CalibrationResult best = null;
        double bestError = Double.POSITIVE_INFINITY;
        for (int round = 0; round < ROUNDS; round++) {
            GatePolicy p = thresholds(s, aim, safePercent);
            CalibrationCounts c = replay(sample, p);
            double error = c.mix().distance(target) + Math.abs(c.safePercent() - safePercent);
            if (error < bestError) {
                bestError = error;
                best = new CalibrationResult(p, aim, safePercent, c);
            }
            if (error < 1e-9) break;
            CalibrationMix next = corrected(aim, target, c.mix());
            if (next.distance(aim) < 1e-9) break;
            aim = next;
        }
        return best;
    }

    /**
     * The aim of the next round: {@code aim + (target − achieved)} per share, clamped to 0..100 and scaled to sum
     * to 100 (the command line uses it too, after a real rescoring).
     */
    public static CalibrationMix corrected(CalibrationMix aim, CalibrationMix target, CalibrationMix achieved) {
        double s = clamp(aim.skip() + target.skip() - achieved.skip());
        double t1 = clamp(aim.tier1() + target.tier1() - achieved.tier1());
        double t0 = clamp(aim.tier0() + target.tier0() - achieved.tier0());
        double sum = s + t1 + t0;
        if (sum <= 0) return target;
        s = s * 100.0 / sum;
        t1 = t1 * 100.0 / sum;
        return new CalibrationMix(s, t1, Math.max(0.0, 100.0 - s - t1));
    }

    private static double clamp(double v) {
        return Math.max(0.0, Math.min(100.0, v));
    }

    /** The tier counts of the sample's streams run through the gate with {@code policy}. */
    public CalibrationCounts replay(CalibrationSample sample, GatePolicy policy) {
        long[] counts = new long[4];
        for (List<CalibrationChunk> stream : sample.streams()) {
            for (int t : replayStream(stream, policy)) counts[t]++;
        }
        return CalibrationCounts.of(counts);
    }

    /** The tier of each chunk of one stream (fresh state) with {@code policy}. */
    public int[] replayStream(List<CalibrationChunk> stream, GatePolicy policy) {
        GateController gate = new GateController(policy, TierSizes.referenceBaseline());
        int threshold = policy.spikeNoveltyQ15Min();
        int[] tiers = new int[stream.size()];
        int rate = 0;
        boolean cached = false;
        boolean computed = false;
        long signature = 0L;
        for (int i = 0; i < tiers.length; i++) {
            CalibrationChunk c = stream.get(i);
            boolean first = i == 0;
            int novelty = first ? Q15_MAX : c.noveltyQ15();
            boolean fired = first || novelty >= threshold;
            if (!first) rate = rate + (((fired ? Q15_MAX : 0) - rate) >> rateShift);
            TierDecision d = gate.evaluate(new GatePacket(c.lambda(), c.lambdaPrev(), c.boundaryEdges(),
                    c.boundaryConcentrationQ15(), c.partitionCount(), 0), SpikePacket.of(fired ? 1 : 0, rate, novelty));
            int tier = d.tier();
            if (d.skip() && !computed) tier = 0;   // the scorer runs a document's first computed chunk in full
            if (tier != 3) {
                if (c.hasSignature() && cached && signature == c.signature()) {
                    tier = 3;
                } else {
                    cached = c.hasSignature();
                    signature = c.signature();
                    computed = true;
                }
            }
            tiers[i] = tier;
        }
        return tiers;
    }

    // ------------------------------------------------------------------------------------------- thresholds

    private GatePolicy thresholds(Signals s, CalibrationMix aim, double safePercent) {
        int n = s.n;
        long safeCount = Math.round(safePercent * n / 100.0);
        long rest = n - safeCount;
        long skipCount = Math.round(aim.skip() * rest / 100.0);
        long tier1Count = Math.round(aim.tier1() * rest / 100.0);

        // 1. skip: count(novelty < T) of the chunks that are not first
        long[] novelties = new long[n];
        int m = 0;
        for (int i = 0; i < n; i++) if (!s.first[i]) novelties[m++] = s.novelty[i];
        int noveltyMin = (int) belowThreshold(Arrays.copyOf(novelties, m), skipCount, Q15_MAX);

        // 2. tier 2: count(λ < L) of the chunks that run
        boolean[] runs = new boolean[n];
        long[] lambdas = new long[n];
        int r = 0;
        for (int i = 0; i < n; i++) {
            runs[i] = s.first[i] || s.novelty[i] >= noveltyMin;
            if (runs[i]) lambdas[r++] = s.lambda[i];
        }
        long lambdaMin = safeCount == 0 ? 0L : belowThreshold(Arrays.copyOf(lambdas, r), safeCount, U32_MAX);

        // 3. tier 1 among the chunks that run and pass λ
        int[] idx = new int[n];
        int k = 0;
        for (int i = 0; i < n; i++) if (runs[i] && s.lambda[i] >= lambdaMin) idx[k++] = i;
        int[] rest1 = Arrays.copyOf(idx, k);
        long[][] desc = {
            descending(s.drop, rest1), descending(s.edges, rest1), descending(s.conc, rest1), descending(s.parts, rest1)
        };
        long[] caps = {Q15_MAX, U16_MAX, Q15_MAX, U16_MAX};
        int lo = 0;
        int hi = rest1.length;
        while (lo < hi) { // smallest q with union(q) >= tier1Count
            int mid = (lo + hi) >>> 1;
            if (union(s, rest1, desc, caps, mid) >= tier1Count) hi = mid;
            else lo = mid + 1;
        }
        int q = lo;
        if (q > 0 && Math.abs(union(s, rest1, desc, caps, q - 1) - tier1Count)
                <= Math.abs(union(s, rest1, desc, caps, q) - tier1Count)) {
            q = q - 1;
        }
        long[] t = levels(desc, caps, q);
        return new GatePolicy(lambdaMin, (int) t[0], (int) t[1], (int) t[2], (int) t[3], STORM_OFF, noveltyMin,
                base.allowKvWriteWhenUnstable(), base.allowExternalWriteWhenUnstable()).validate();
    }

    /**
     * The threshold t in 0..max whose count of values below it ({@code x < t}) is nearest to {@code target};
     * on a tie the smaller count.
     */
    static long belowThreshold(long[] values, long target, long max) {
        long[] v = values.clone();
        Arrays.sort(v);
        long bestT = 0;
        long bestErr = Math.abs(target); // t = 0: nothing below
        for (int i = 0; i <= v.length; i++) {
            long t;
            if (i == v.length) {
                if (v.length == 0 || v[i - 1] >= max) break;
                t = v[i - 1] + 1;
            } else {
                if (i > 0 && v[i] == v[i - 1]) continue;
                t = Math.min(v[i], max);
            }
            long err = Math.abs(i - target);
            if (err < bestErr) {
                bestErr = err;
                bestT = t;
            }
        }
        return bestT;
    }

    private static long[] descending(long[] all, int[] idx) {
        long[] v = new long[idx.length];
        for (int i = 0; i < idx.length; i++) v[i] = all[idx[i]];
        Arrays.sort(v);
        for (int i = 0, j = v.length - 1; i < j; i++, j--) {
            long x = v[i];
            v[i] = v[j];
            v[j] = x;
        }
        return v;
    }

    /** Per signal: the threshold that at most q values exceed (strictly), clamped to the field's range. */
    private static long[] levels(long[][] desc, long[] caps, int q) {
        long[] t = new long[desc.length];
        for (int j = 0; j < desc.length; j++) {
            long[] d = desc[j];
            long level = q < d.length ? d[q] : (d.length == 0 ? caps[j] : d[d.length - 1] - 1);
            t[j] = Math.max(0, Math.min(caps[j], level));
        }
        return t;
    }

    private static long union(Signals s, int[] idx, long[][] desc, long[] caps, int q) {
        long[] t = levels(desc, caps, q);
        long count = 0;
        for (int i : idx) {
            if (s.drop[i] > t[0] || s.edges[i] > t[1] || s.conc[i] > t[2] || s.parts[i] > t[3]) count++;
        }
        return count;
    }

    /** The sample flattened into columns. */
    private static final class Signals {
        final int n;
        final boolean[] first;
        final long[] novelty;
        final long[] lambda;
        final long[] drop;
        final long[] edges;
        final long[] conc;
        final long[] parts;

        Signals(CalibrationSample sample) {
            List<CalibrationChunk> all = new ArrayList<>();
            List<Boolean> firsts = new ArrayList<>();
            for (List<CalibrationChunk> s : sample.streams()) {
                for (int i = 0; i < s.size(); i++) {
                    all.add(s.get(i));
                    firsts.add(i == 0);
                }
            }
            n = all.size();
            first = new boolean[n];
            novelty = new long[n];
            lambda = new long[n];
            drop = new long[n];
            edges = new long[n];
            conc = new long[n];
            parts = new long[n];
            for (int i = 0; i < n; i++) {
                CalibrationChunk c = all.get(i);
                first[i] = firsts.get(i);
                novelty[i] = first[i] ? Q15_MAX : c.noveltyQ15();
                lambda[i] = c.lambda();
                drop[i] = c.dropRatioQ15();
                edges[i] = c.boundaryEdges();
                conc[i] = c.boundaryConcentrationQ15();
                parts[i] = c.partitionCount();
            }
        }
    }
}
