package dev.mcgt.flink.functions;

import dev.mcgt.McgtException;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.model.LoadedModel;
import dev.mcgt.model.ModelFile;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.SyntheticWeights;
import dev.mcgt.stream.StreamState;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM-wide model cache: every scoring function of one TaskManager (all its slots, all keys) that names the
 * same {@link ModelSource} shares one set of immutable weights. Functions take a {@link Lease} in {@code open}
 * and close it in {@code close}; the weights are kept for a short while after the last lease closes (the linger,
 * {@value #LINGER_PROPERTY}, default {@value #DEFAULT_LINGER_MS} ms: in BATCH mode the chunking stage closes just
 * before the scoring stage opens, and a restarted task comes back within it) and then dropped, so a job
 * restarted with a new model file does not keep the old weights alive for long. Each load is counted
 * ({@link #loads()}) and logged once, so "loaded once per TaskManager" can be read in a TaskManager's log.
 *
 * <p>A file is identified by its path, length and modification time, so replacing the file between two runs
 * loads the new content; a resource by its name and the job's class loader; synthetic weights by preset and
 * seed. Loading happens once per identity, under one lock (model loads are rare and the lock keeps two slots from
 * reading the same file twice). Sharing is safe: weights and {@code GatedTransformer} are immutable, and each
 * function owns its scorer's per-thread scratch.
 */
public final class SharedModels {
    /** Largest model file read whole (a Java array bound). */
    static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 16;

    /** System property: milliseconds a model stays loaded after its last lease closed (0 = drop at once). */
    public static final String LINGER_PROPERTY = "mcgt.model.linger.ms";
    static final long DEFAULT_LINGER_MS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(SharedModels.class);
    private static final Map<Object, Entry> MODELS = new HashMap<>();
    private static long linger = Long.getLong(LINGER_PROPERTY, DEFAULT_LINGER_MS);
    private static long loads;

    private SharedModels() { }

    /** Weights and the model fingerprint. */
    public record SharedModel(ModelWeights weights, String fingerprint) { }

    /** A function's hold on a shared model; closing it twice is harmless. */
    public static final class Lease implements AutoCloseable {
        private final Object identity;
        private final SharedModel model;
        private boolean closed;

        private Lease(Object identity, SharedModel model) {
            this.identity = identity;
            this.model = model;
        }

        public SharedModel model() { return model; }

        @Override
        public void close() {
            synchronized (MODELS) {
                if (closed) return;
                closed = true;
                Entry e = MODELS.get(identity);
                if (e == null || --e.leases > 0) return;
                if (linger <= 0) {
                    MODELS.remove(identity);
                    return;
                }
                long release = ++e.releases;
                long wait = linger;
                Thread t = new Thread(() -> expire(identity, e, release, wait), "mcgt-model-linger");
                t.setDaemon(true);
                t.start();
            }
        }
    }

    /** Drops the entry unless it was leased again since its release number {@code release}. */
    private static void expire(Object identity, Entry e, long release, long wait) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        }
        synchronized (MODELS) {
            if (MODELS.get(identity) == e && e.leases == 0 && e.releases == release) MODELS.remove(identity);
        }
    }

    private static final class Entry {
        final SharedModel model;
        int leases;
        long releases;

        Entry(SharedModel model) { this.model = model; }
    }

    /**
     * The model of {@code source}, loaded now unless another lease holds it already.
     *
     * @param classLoader the job's class loader (resources are looked up there)
     * @throws McgtException BAD_WEIGHTS when the model cannot be read or is invalid (the message names it)
     */
    public static Lease acquire(ModelSource source, ClassLoader classLoader) {
        Object identity = identity(source, classLoader);
        synchronized (MODELS) {
            Entry e = MODELS.get(identity);
            if (e == null) {
                long t0 = System.nanoTime();
                e = new Entry(load(source, classLoader));
                MODELS.put(identity, e);
                loads++;
                LOG.info("mcgt: loaded model {} ({}) in {} ms; load {} in this JVM", source, e.model.fingerprint(),
                        (System.nanoTime() - t0) / 1_000_000, loads);
            }
            e.leases++;
            return new Lease(identity, e.model);
        }
    }

    /** Models held right now (for tests and diagnostics). */
    public static int heldModels() {
        synchronized (MODELS) {
            return MODELS.size();
        }
    }

    /** Models loaded in this JVM (class loader) so far: one per model while its leases overlap or linger. */
    public static long loads() {
        synchronized (MODELS) {
            return loads;
        }
    }

    /** Whether the model of {@code source} is loaded right now (leased or lingering; tests). */
    static boolean held(ModelSource source, ClassLoader classLoader) {
        Object identity = identity(source, classLoader);
        synchronized (MODELS) {
            return MODELS.containsKey(identity);
        }
    }

    /** Sets the linger (tests); returns the previous value. */
    static long lingerMillis(long millis) {
        synchronized (MODELS) {
            long before = linger;
            linger = millis;
            return before;
        }
    }

    private static Object identity(ModelSource source, ClassLoader classLoader) {
        return switch (source.kind()) {
            case SYNTHETIC -> source;
            case RESOURCE -> List.of(source, classLoader);
            case FILE -> {
                FileStatus st = status(source);
                yield List.of(source, st.getLen(), st.getModificationTime());
            }
        };
    }

    private static SharedModel load(ModelSource source, ClassLoader classLoader) {
        return switch (source.kind()) {
            case SYNTHETIC -> {
                TransformerConfig config = TransformerConfig.preset(source.location());
                yield new SharedModel(SyntheticWeights.generate(config, source.seed()),
                        StreamState.syntheticFingerprint(source.location(), source.seed()));
            }
            case RESOURCE -> {
                try (InputStream in = classLoader.getResourceAsStream(source.location())) {
                    if (in == null) {
                        throw McgtException.badWeights("model resource '" + source.location()
                                + "' is not on the job's class path");
                    }
                    yield decode(source, in.readAllBytes());
                } catch (IOException e) {
                    throw McgtException.badWeights("cannot read model resource '" + source.location() + "': " + e);
                }
            }
            case FILE -> {
                Path path = new Path(source.location());
                try (InputStream in = path.getFileSystem().open(path)) {
                    yield decode(source, in.readAllBytes());
                } catch (IOException e) {
                    throw McgtException.badWeights("cannot read model file '" + source.location() + "': " + e);
                }
            }
        };
    }

    private static FileStatus status(ModelSource source) {
        Path path = new Path(source.location());
        FileStatus st;
        try {
            FileSystem fs = path.getFileSystem();
            st = fs.getFileStatus(path);
        } catch (IOException e) {
            throw McgtException.badWeights("cannot read model file '" + source.location() + "': " + e);
        }
        if (st.isDir()) throw McgtException.badWeights("model file '" + source.location() + "' is a directory");
        if (st.getLen() > MAX_MODEL_BYTES) {
            throw McgtException.badWeights("model file '" + source.location() + "' is too large (" + st.getLen() + " bytes)");
        }
        return st;
    }

    private static SharedModel decode(ModelSource source, byte[] bytes) {
        try {
            LoadedModel m = ModelFile.decode(bytes);
            return new SharedModel(m.weights(), m.fingerprint());
        } catch (McgtException e) {
            throw McgtException.badWeights("model " + source + ": " + e.detail());
        }
    }
}
