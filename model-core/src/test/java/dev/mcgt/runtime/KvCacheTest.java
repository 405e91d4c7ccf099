package dev.mcgt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.gate.KvAction;
import dev.mcgt.model.SyntheticWeights;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** KV cache semantics: WRITE, FREEZE, FLUSH, context across chunks, ring eviction, snapshots. */
class KvCacheTest {
    private final GatedTransformer micro = Fixtures.model(Fixtures.MICRO);

    private InferOutput run(int[] tokens, dev.mcgt.gate.GatePacket g, InferState s) {
        return Fixtures.run(micro, InferInput.of(tokens, g), s);
    }

    @Test
    void writeGrowsTheCache() {
        InferState s = micro.newState();
        InferOutput out = run(Fixtures.tokens(10, 256, 1), Fixtures.NORMAL, s);
        assertThat(out.witness().kvAction()).isEqualTo(KvAction.WRITE);
        assertThat(out.witness().kvWritesEnabled()).isTrue();
        assertThat(s.kvCache().length(0)).isEqualTo(10);
        assertThat(s.kvCache().length(1)).isEqualTo(10);
        run(Fixtures.tokens(10, 256, 2), Fixtures.NORMAL, s);
        assertThat(s.kvCache().length(0)).isEqualTo(20);
        // Tier 1 (early layers) writes layer 0 only, its 16 kept tokens; the ring holds kvContext = 32 positions.
        run(Fixtures.tokens(32, 256, 3), Fixtures.REDUCED, s);
        assertThat(s.kvCache().length(0)).isEqualTo(32);
        assertThat(s.kvCache().length(1)).isEqualTo(20);
    }

    @Test
    void freezeReadsButNeverChangesTheCache() {
        InferState s = micro.newState();
        run(Fixtures.tokens(10, 256, 1), Fixtures.NORMAL, s);
        byte[] before = s.kvCache().toBytes();
        for (var g : new dev.mcgt.gate.GatePacket[] {Fixtures.FORCE_SAFE, Fixtures.SAFE}) {
            InferOutput out = run(Fixtures.tokens(3, 256, 4), g, s);
            assertThat(out.witness().kvAction()).isEqualTo(KvAction.FREEZE);
            assertThat(out.witness().kvWritesEnabled()).isFalse();
            assertThat(out.stats().kvBytesWritten()).isZero();
            // window 4: the 3 newest cached positions are reachable, read once for the one block.
            assertThat(out.stats().kvBytesRead()).isEqualTo(3L * s.kvCache().bytesPerPosition());
            assertThat(s.kvCache().toBytes()).isEqualTo(before);
        }
    }

    @Test
    void flushClearsThenWrites() {
        InferState s = micro.newState();
        run(Fixtures.tokens(20, 256, 1), Fixtures.NORMAL, s);
        int[] chunk = Fixtures.tokens(32, 256, 9);
        InferOutput flushed = run(chunk, Fixtures.FLUSH, s);
        assertThat(flushed.witness().kvAction()).isEqualTo(KvAction.FLUSH);
        assertThat(flushed.witness().kvWritesEnabled()).isTrue();
        assertThat(s.kvCache().length(0)).isEqualTo(16);
        assertThat(s.kvCache().length(1)).isZero();
        // Same as running the chunk on a fresh stream: the old context is gone.
        InferState fresh = micro.newState();
        InferOutput ref = run(chunk, Fixtures.FLUSH, fresh);
        assertThat(flushed.output()).isEqualTo(ref.output());
        assertThat(s.kvCache().toBytes()).isEqualTo(fresh.kvCache().toBytes());
    }

    @Test
    void theCacheChangesLaterOutputs() {
        int[] a = Fixtures.tokens(6, 256, 1);
        int[] b = Fixtures.tokens(4, 256, 2);
        InferState withContext = micro.newState();
        run(a, Fixtures.NORMAL, withContext);
        InferOutput second = run(b, Fixtures.NORMAL, withContext);
        InferOutput alone = run(b, Fixtures.NORMAL, micro.newState());
        assertThat(second.output()).isNotEqualTo(alone.output());
        assertThat(second.stats().kvBytesRead()).isPositive();
        // A different earlier chunk gives a different output for the same chunk.
        InferState otherContext = micro.newState();
        run(Fixtures.tokens(6, 256, 3), Fixtures.NORMAL, otherContext);
        assertThat(run(b, Fixtures.NORMAL, otherContext).output()).isNotEqualTo(second.output());
    }

    @Test
    void disabledCacheIsNeverWritten() {
        TransformerConfig c = TransformerConfig.micro().toBuilder().enableKvCache(false).build();
        GatedTransformer m = Fixtures.model(SyntheticWeights.generate(c, 42));
        InferState s = m.newState();
        InferOutput out = Fixtures.run(m, InferInput.of(Fixtures.tokens(10, 256, 1), Fixtures.NORMAL), s);
        assertThat(out.witness().kvAction()).isEqualTo(KvAction.FREEZE);
        assertThat(out.witness().kvWritesEnabled()).isFalse();
        assertThat(s.kvCache().totalLength()).isZero();
        out = Fixtures.run(m, InferInput.of(Fixtures.tokens(10, 256, 1), Fixtures.FLUSH), s);
        assertThat(out.witness().kvAction()).isEqualTo(KvAction.FREEZE);
    }

    @Test
    void skipLeavesTheCacheUntouched() {
        InferState s = micro.newState();
        run(Fixtures.tokens(10, 256, 1), Fixtures.NORMAL, s);
        byte[] before = s.kvCache().toBytes();
        InferOutput out = run(Fixtures.tokens(10, 256, 5), Fixtures.SKIP, s);
        assertThat(out.witness().kvAction()).isEqualTo(KvAction.NONE);
        assertThat(out.witness().kvWritesEnabled()).isFalse();
        assertThat(s.kvCache().toBytes()).isEqualTo(before);
    }

    @Test
    void ringEvictsTheOldestPositions() {
        KvCache c = new KvCache(1, 3, 4, 2);
        byte[] k = new byte[5 * 4];
        float[] ks = new float[5 * 2];
        for (int r = 0; r < 5; r++) {
            Arrays.fill(k, r * 4, r * 4 + 4, (byte) (r + 1));
            ks[r * 2] = r + 1;
            ks[r * 2 + 1] = r + 1;
        }
        assertThat(c.append(0, k, ks, k, ks, 0, 2)).isEqualTo(2);
        assertThat(c.append(0, k, ks, k, ks, 2, 2)).isEqualTo(2);
        assertThat(c.length(0)).isEqualTo(3);
        byte[] rk = new byte[3 * 4];
        float[] rs = new float[3 * 2];
        c.copyRecent(0, 3, rk, rs, new byte[12], new float[6]);
        assertThat(new byte[] {rk[0], rk[4], rk[8]}).containsExactly(2, 3, 4);
        // More rows than fit: only the newest 3 are kept.
        assertThat(c.append(0, k, ks, k, ks, 0, 5)).isEqualTo(3);
        c.copyRecent(0, 2, rk, rs, new byte[12], new float[6]);
        assertThat(new byte[] {rk[0], rk[4]}).containsExactly(4, 5);
        c.flush();
        assertThat(c.length(0)).isZero();
        assertThat(c.toBytes()).isEqualTo(new KvCache(1, 3, 4, 2).toBytes());
    }

    @Test
    void snapshotsRoundTripAndContinueIdentically() {
        InferState s = micro.newState();
        for (int i = 0; i < 3; i++) run(Fixtures.tokens(12, 256, i), Fixtures.NORMAL, s);
        byte[] kvBytes = s.kvCache().toBytes();
        assertThat(KvCache.fromBytes(kvBytes).toBytes()).isEqualTo(kvBytes);
        byte[] stateBytes = s.toBytes();
        InferState restored = InferState.fromBytes(stateBytes);
        assertThat(restored.toBytes()).isEqualTo(stateBytes);
        assertThat(restored).isEqualTo(s);
        assertThat(restored.cachedSignature()).isEqualTo(s.cachedSignature());

        int[] next = Fixtures.tokens(12, 256, 42);
        InferOutput a = run(next, Fixtures.NORMAL, s);
        InferOutput b = run(next, Fixtures.NORMAL, restored);
        assertThat(b.output()).isEqualTo(a.output());
        assertThat(b.stats()).isEqualTo(a.stats());
        assertThat(restored.toBytes()).isEqualTo(s.toBytes());
        assertThat(s.copy().toBytes()).isEqualTo(s.toBytes());
    }

    @Test
    void corruptSnapshotsAreRejected() {
        byte[] good = micro.newState().toBytes();
        assertThatThrownBy(() -> InferState.fromBytes(Arrays.copyOf(good, good.length - 3)))
                .isInstanceOf(McgtException.class).hasMessageContaining("Bad input");
        byte[] bad = good.clone();
        bad[0] = 0;
        assertThatThrownBy(() -> InferState.fromBytes(bad)).hasMessageContaining("bad magic");
        byte[] kv = new KvCache(1, 2, 4, 2).toBytes();
        kv[7] = 9;
        assertThatThrownBy(() -> KvCache.fromBytes(kv)).hasMessageContaining("version 9");
        // A forged header asking for a huge capacity is refused before anything is allocated.
        byte[] huge = new KvCache(1, 2, 4, 2).toBytes();
        java.nio.ByteBuffer.wrap(huge).putInt(8, 4000).putInt(12, 1 << 20).putInt(16, 1 << 12).putInt(20, 8);
        assertThatThrownBy(() -> KvCache.fromBytes(huge)).hasMessageContaining("too large");
    }

    /** A header that claims a large ring (under the cap) but carries few positions costs only those positions. */
    @Test
    void restoringASnapshotAllocatesOnlyWhatItCarries() {
        KvCache small = new KvCache(4, 2, 256, 4);
        byte[] bytes = small.toBytes();
        java.nio.ByteBuffer.wrap(bytes).putInt(12, 60_000); // context: a 60,000-position ring claimed, none carried
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        KvCache.fromBytes(bytes); // warm up the code path
        long before = mx.getThreadAllocatedBytes(tid);
        KvCache restored = KvCache.fromBytes(bytes);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(restored.context()).isEqualTo(60_000);
        assertThat(allocated).as("bytes allocated by the restore").isLessThan(64 * 1024); // the ring would be 120 MiB
    }

    /** A restored cache grows its ring on the first write and then behaves exactly like the original. */
    @Test
    void aRestoredCacheGrowsOnItsFirstWriteAndEvictsLikeTheOriginal() {
        KvCache original = new KvCache(1, 3, 4, 2);
        byte[] k = new byte[6 * 4];
        float[] ks = new float[6 * 2];
        for (int r = 0; r < 6; r++) {
            Arrays.fill(k, r * 4, r * 4 + 4, (byte) (r + 1));
            ks[r * 2] = r + 1;
            ks[r * 2 + 1] = r + 1;
        }
        original.append(0, k, ks, k, ks, 0, 2);
        KvCache restored = KvCache.fromBytes(original.toBytes());
        for (int step = 2; step < 6; step++) {
            original.append(0, k, ks, k, ks, step, 1);
            restored.append(0, k, ks, k, ks, step, 1);
            assertThat(restored.toBytes()).isEqualTo(original.toBytes());
        }
        byte[] a = new byte[12];
        byte[] b = new byte[12];
        original.copyRecent(0, 3, a, new float[6], new byte[12], new float[6]);
        restored.copyRecent(0, 3, b, new float[6], new byte[12], new float[6]);
        assertThat(b).isEqualTo(a);
        assertThat(KvCache.fromBytes(original.toBytes()).copy().toBytes()).isEqualTo(original.toBytes());
    }

    @Test
    void stateOfAnotherShapeIsRejected() {
        InferState other = new InferState(TransformerConfig.baseline());
        assertThatThrownBy(() -> Fixtures.run(micro, InferInput.of(new int[] {1}, Fixtures.NORMAL), other))
                .isInstanceOf(McgtException.class).hasMessageContaining("another shape");
    }
}
