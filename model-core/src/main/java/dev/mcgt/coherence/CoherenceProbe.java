package dev.mcgt.coherence;

import dev.mcgt.McgtException;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.kernel.Kernels;
import dev.mcgt.model.ModelWeights;
import java.util.Arrays;

/**
 * Turns a chunk into coherence figures (README, "How an inference runs"): the token graph of the chunk ({@link TokenGraph}), its
 * exact global minimum cut ({@link MinCut}) and what follows from it.
 *
 * <ul>
 *   <li><b>λ</b> = round(cut weight × {@code lambdaScale}), clamped to the u32 range. Higher = the chunk
 *       is harder to split = more coherent.</li>
 *   <li><b>Boundary edges</b>: edges across the global cut whose weight is strictly above
 *       {@code boundaryEdgeThreshold}; <b>boundary tokens</b> are their end points.</li>
 *   <li><b>Boundary concentration</b> (Q15): the weight of the {@code concentrationEdges} heaviest
 *       boundary edges divided by the total weight across the cut (all crossing edges, light ones
 *       included), × 32768, clamped to 32767; 0 when the cut weighs nothing.</li>
 *   <li><b>Top boundary edge ids</b>: the 8 heaviest boundary edges, heaviest first, ties to the lower id;
 *       id = i · n + j with i &lt; j.</li>
 *   <li><b>Partitions</b>: starting from the whole chunk, a part is split along its own minimum cut when
 *       that cut is weak, i.e. cut weight / size of its smaller side &lt; {@code weakCutRatio}; the two
 *       halves are examined in turn (breadth first) until no part is weakly cut, a part has been split
 *       {@code maxDepth} times, or there are {@code maxPartitions} parts. Parts are numbered in order
 *       of their first token. A chunk of one token is one part; an empty chunk has none.</li>
 * </ul>
 *
 * <p>Use: {@link #probe} returns an immutable {@link CoherenceReport}; on the hot path,
 * {@link #analyze} fills this probe's workspace without allocating (after the first call with a model)
 * and {@link #gatePacket(long)} and the accessors read the result. One probe per thread: it is not
 * thread-safe. Deterministic: the same chunk gives the same figures, bit for bit.
 */
public final class CoherenceProbe {
    private final CoherenceProbeConfig config;
    private final int maxTokens;
    private final TokenGraph graph;
    private final MinCut minCut;
    private float[] modelVectors;

    // Result of the last analysis.
    private int n;
    private double cutWeight;
    private long lambda;
    private final boolean[] sides;
    private int boundaryEdges;
    private int concentrationQ15;
    private int partitionCount;
    private final boolean[] boundaryToken;
    private final int[] partitionId;
    private final int[] heavyId;
    private final double[] heavyWeight;
    private int heavyCount;

    // Recursive cutting scratch.
    private final int[] perm;
    private final int[] scratch;
    private final int[] queueStart;
    private final int[] queueEnd;
    private final int[] queueDepth;
    private final int[] finalStart;
    private final int[] finalEnd;
    private final int[] partOf;
    private final int[] renumber;

    /** A probe for chunks of up to {@code maxTokens} tokens (1..4096), on the default kernel. */
    public CoherenceProbe(CoherenceProbeConfig config, int maxTokens) {
        this(config, maxTokens, KernelProvider.get());
    }

    /**
     * A probe for chunks of up to {@code maxTokens} tokens (1..4096) whose similarity dot products run on
     * {@code kernels} (every kernel gives the same bits, so λ and the partitions do not depend on the choice).
     */
    public CoherenceProbe(CoherenceProbeConfig config, int maxTokens, Kernels kernels) {
        if (config == null) throw McgtException.badConfig("coherence probe config is missing");
        this.config = config;
        this.maxTokens = maxTokens;
        this.graph = new TokenGraph(maxTokens, kernels);
        this.minCut = new MinCut(maxTokens, kernels);
        this.sides = new boolean[maxTokens];
        this.boundaryToken = new boolean[maxTokens];
        this.partitionId = new int[maxTokens];
        int heavy = Math.max(CoherenceReport.MAX_TOP_EDGE_IDS, config.concentrationEdges());
        this.heavyId = new int[heavy];
        this.heavyWeight = new double[heavy];
        this.perm = new int[maxTokens];
        this.scratch = new int[maxTokens];
        int parts = Math.min(config.maxPartitions(), maxTokens);
        this.queueStart = new int[2 * parts + 1];
        this.queueEnd = new int[2 * parts + 1];
        this.queueDepth = new int[2 * parts + 1];
        this.finalStart = new int[parts];
        this.finalEnd = new int[parts];
        this.partOf = new int[maxTokens];
        this.renumber = new int[parts];
    }

    public CoherenceProbeConfig config() { return config; }

    public int maxTokens() { return maxTokens; }

    // ---------------------------------------------------------------- one-call API (allocates the report)

    /** Report for the chunk {@code tokenIds[offset .. offset + length)} of {@code model}. */
    public CoherenceReport probe(ModelWeights model, int[] tokenIds, int offset, int length) {
        analyze(model, tokenIds, offset, length);
        return report();
    }

    /** Report for the chunk {@code tokenIds} of {@code model}. */
    public CoherenceReport probe(ModelWeights model, int[] tokenIds) {
        if (tokenIds == null) throw McgtException.badInput("token ids are missing");
        return probe(model, tokenIds, 0, tokenIds.length);
    }

    /** Report for {@code n} token vectors of width {@code dim}, row-major in {@code vectors}. */
    public CoherenceReport probe(float[] vectors, int n, int dim) {
        analyze(vectors, n, dim);
        return report();
    }

    /** Report for one vector per token. */
    public CoherenceReport probe(float[][] vectors) {
        analyze(vectors);
        return report();
    }

    /** Report for an explicit token graph (row-major {@code n × n} weights, see {@link TokenGraph#load}). */
    public CoherenceReport probeWeights(double[] weights, int n) {
        analyzeWeights(weights, n);
        return report();
    }

    // ---------------------------------------------------------------- hot-path API (no allocation)

    /**
     * Analyses the chunk {@code tokenIds[offset .. offset + length)} from the model's embedding rows (see
     * {@link TokenGraph#embeddingVectors}). The first call sizes a vector buffer for the model's width.
     *
     * @return λ
     */
    public long analyze(ModelWeights model, int[] tokenIds, int offset, int length) {
        if (model == null || model.tokenEmbedding() == null) throw McgtException.badInput("model has no token embedding");
        if (length < 0 || length > maxTokens) {
            throw McgtException.badInput("chunk has " + length + " tokens, the probe holds at most " + maxTokens);
        }
        int d = model.tokenEmbedding().cols();
        if (modelVectors == null || modelVectors.length < maxTokens * d) modelVectors = new float[maxTokens * d];
        TokenGraph.embeddingVectors(model, tokenIds, offset, length, config.includePositions(), modelVectors);
        graph.build(modelVectors, length, d, config.topK());
        return analyzeGraph();
    }

    /** Analyses {@code n} token vectors of width {@code dim}, row-major in {@code vectors}; returns λ. */
    public long analyze(float[] vectors, int n, int dim) {
        graph.build(vectors, n, dim, config.topK());
        return analyzeGraph();
    }

    /** Analyses one vector per token; returns λ. */
    public long analyze(float[][] vectors) {
        graph.build(vectors, config.topK());
        return analyzeGraph();
    }

    /** Analyses an explicit token graph (no top-k sparsification is applied); returns λ. */
    public long analyzeWeights(double[] weights, int n) {
        graph.load(weights, n);
        return analyzeGraph();
    }

    private long analyzeGraph() {
        int count = graph.size();
        double[] w = graph.weights();
        n = count;
        heavyCount = 0;
        boundaryEdges = 0;
        concentrationQ15 = 0;
        Arrays.fill(boundaryToken, 0, count, false);
        Arrays.fill(partitionId, 0, count, 0);
        cutWeight = minCut.computeValid(w, count);
        minCut.copySides(sides);
        lambda = scaleLambda(cutWeight, config.lambdaScale());
        if (count < 2) {
            partitionCount = count;
            return lambda;
        }
        findBoundary(w, count);
        partitionCount = partition(w, count);
        return lambda;
    }

    static long scaleLambda(double cut, double scale) {
        long v = Math.round(cut * scale);
        return Math.max(0L, Math.min(0xFFFF_FFFFL, v));
    }

    /** Boundary edges, boundary tokens, the heaviest edges and the concentration of the global cut. */
    private void findBoundary(double[] w, int count) {
        double threshold = config.boundaryEdgeThreshold();
        double crossing = 0.0;
        int heavyCap = heavyId.length;
        for (int i = 0; i < count; i++) {
            boolean si = sides[i];
            int row = i * count;
            for (int j = i + 1; j < count; j++) {
                if (sides[j] == si) continue;
                double x = w[row + j];
                crossing += x;
                if (!(x > threshold)) continue;
                boundaryEdges++;
                boundaryToken[i] = true;
                boundaryToken[j] = true;
                // Ids arrive in ascending order, so a strict comparison keeps the lower id first on ties.
                if (heavyCount < heavyCap || x > heavyWeight[heavyCount - 1]) {
                    int pos = Math.min(heavyCount, heavyCap - 1);
                    while (pos > 0 && heavyWeight[pos - 1] < x) {
                        heavyWeight[pos] = heavyWeight[pos - 1];
                        heavyId[pos] = heavyId[pos - 1];
                        pos--;
                    }
                    heavyWeight[pos] = x;
                    heavyId[pos] = row + j;
                    if (heavyCount < heavyCap) heavyCount++;
                }
            }
        }
        if (crossing > 0.0) {
            double top = 0.0;
            int k = Math.min(config.concentrationEdges(), heavyCount);
            for (int e = 0; e < k; e++) top += heavyWeight[e];
            concentrationQ15 = (int) Math.min(32767L, Math.round(top / crossing * 32768.0));
        }
    }

    /** Recursive cutting (breadth first); fills partitionId and returns the number of parts. */
    private int partition(double[] w, int count) {
        for (int i = 0; i < count; i++) perm[i] = i;
        int maxParts = Math.min(config.maxPartitions(), count);
        double weak = config.weakCutRatio();
        int head = 0;
        int tail = 0;
        int finals = 0;
        int parts = 1;
        queueStart[tail] = 0;
        queueEnd[tail] = count;
        queueDepth[tail++] = 0;
        boolean root = true;
        while (head < tail) {
            int st = queueStart[head];
            int en = queueEnd[head];
            int depth = queueDepth[head++];
            int m = en - st;
            boolean split = false;
            if (m >= 2 && depth < config.maxDepth() && parts < maxParts && weak > 0.0) {
                // The root's cut is still in the min-cut workspace (perm is the identity there).
                double cw = root ? cutWeight : minCut.computeValid(w, count, perm, st, m);
                int small = minCut.smallerSideSize();
                if (cw / small < weak) {
                    int a = st;
                    int b = 0;
                    for (int k = 0; k < m; k++) {
                        int v = perm[st + k];
                        if (minCut.side(k)) scratch[b++] = v;
                        else perm[a++] = v;
                    }
                    System.arraycopy(scratch, 0, perm, a, b);
                    queueStart[tail] = st;
                    queueEnd[tail] = a;
                    queueDepth[tail++] = depth + 1;
                    queueStart[tail] = a;
                    queueEnd[tail] = en;
                    queueDepth[tail++] = depth + 1;
                    parts++;
                    split = true;
                }
            }
            root = false;
            if (!split) {
                finalStart[finals] = st;
                finalEnd[finals++] = en;
            }
        }
        for (int f = 0; f < finals; f++) {
            for (int k = finalStart[f]; k < finalEnd[f]; k++) partOf[perm[k]] = f;
            renumber[f] = -1;
        }
        int next = 0;
        for (int i = 0; i < count; i++) {
            int f = partOf[i];
            if (renumber[f] < 0) renumber[f] = next++;
            partitionId[i] = renumber[f];
        }
        return finals;
    }

    // ---------------------------------------------------------------- results of the last analysis

    /** Tokens in the last chunk. */
    public int tokens() { return n; }

    public long lambda() { return lambda; }

    public double cutWeight() { return cutWeight; }

    public int boundaryEdges() { return boundaryEdges; }

    public int boundaryConcentrationQ15() { return concentrationQ15; }

    public int partitionCount() { return partitionCount; }

    /** Side of token {@code i} in the global cut (token 0 is on side false). */
    public boolean side(int i) { return sides[checkToken(i)]; }

    /** Part of token {@code i}. */
    public int partitionOf(int i) { return partitionId[checkToken(i)]; }

    /** Whether token {@code i} touches a boundary edge. */
    public boolean isBoundaryToken(int i) { return boundaryToken[checkToken(i)]; }

    /** Number of top boundary edge ids (at most 8). */
    public int topBoundaryEdgeCount() { return Math.min(heavyCount, CoherenceReport.MAX_TOP_EDGE_IDS); }

    /** Copies the top boundary edge ids into {@code out}, heaviest first; returns how many. */
    public int copyTopBoundaryEdgeIds(int[] out) {
        int k = topBoundaryEdgeCount();
        if (out == null || out.length < k) throw McgtException.outputTooSmall(k, out == null ? 0 : out.length);
        System.arraycopy(heavyId, 0, out, 0, k);
        return k;
    }

    /** The gate input of the last chunk (see {@link CoherenceReport#toGatePacket(long)}). */
    public GatePacket gatePacket(long lambdaPrev) {
        return CoherenceReport.packet(lambda, lambdaPrev, boundaryEdges, concentrationQ15, partitionCount,
                topBoundaryEdgeCount() > 0);
    }

    /** An immutable snapshot of the last analysis. */
    public CoherenceReport report() {
        int bt = 0;
        for (int i = 0; i < n; i++) if (boundaryToken[i]) bt++;
        int[] tokensOnBoundary = new int[bt];
        bt = 0;
        for (int i = 0; i < n; i++) if (boundaryToken[i]) tokensOnBoundary[bt++] = i;
        return new CoherenceReport(n, cutWeight, lambda, Arrays.copyOf(sides, n), boundaryEdges, concentrationQ15,
                partitionCount, Arrays.copyOf(heavyId, topBoundaryEdgeCount()), tokensOnBoundary,
                Arrays.copyOf(partitionId, n));
    }

    private int checkToken(int i) {
        if (i < 0 || i >= n) throw McgtException.badInput("token " + i + " outside 0.." + (n - 1));
        return i;
    }
}
