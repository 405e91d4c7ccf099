package dev.mcgt.cli;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The embedded Flink of {@code mcgt score}: Flink's own local executor, but with a mini cluster that this class
 * holds and closes (waiting until it is down) when the run ends, and with every file Flink writes for itself (its
 * RPC jar, blob and working folders, RocksDB's local state, web uploads) in one private temporary folder that is
 * deleted afterwards. TaskManagers report to the JobManager every second (Flink's default is 10 s), so that the
 * job's accumulators ({@code JobProgress}) are fresh for the progress line. A shutdown hook does the same when the run is interrupted (Ctrl-C, SIGTERM), so a run
 * leaves nothing in the temporary folder however it ends, short of SIGKILL.
 */
public final class EmbeddedFlink implements AutoCloseable {
    private static final String EXECUTOR = "mcgt-embedded";

    private final Path tmp;
    private final AtomicReference<MiniCluster> cluster = new AtomicReference<>();
    private final Thread hook;
    private volatile boolean interrupted;
    private boolean closed;

    private EmbeddedFlink(Path tmp) {
        this.tmp = tmp;
        this.hook = new Thread(() -> {
            interrupted = true;
            shutDown();
        }, "mcgt-embedded-flink-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** A fresh private temporary folder ({@code mcgt-score-*} in {@code java.io.tmpdir}). */
    public static EmbeddedFlink create() throws IOException {
        return new EmbeddedFlink(Files.createTempDirectory("mcgt-score-"));
    }

    /** True once the JVM began to shut down under the run (Ctrl-C, SIGTERM): a job failure is then that. */
    public boolean interrupted() {
        return interrupted;
    }

    /** The private temporary folder (deleted on close). */
    Path tmp() {
        return tmp;
    }

    /** An environment for one job at {@code parallelism} on this embedded cluster, with {@code conf} applied. */
    public StreamExecutionEnvironment environment(Configuration conf, int parallelism) {
        Configuration c = new Configuration(conf);
        c.set(DeploymentOptions.TARGET, EXECUTOR);
        c.set(DeploymentOptions.ATTACHED, true);
        c.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        c.setString("execution.batch.adaptive.auto-parallelism.enabled", "false");   // every stage at parallelism
        c.setString("io.tmp.dirs", tmp.toString());
        c.setString("web.tmpdir", tmp.toString());
        c.setString("rest.bind-address", "127.0.0.1");
        c.setString("rest.address", "127.0.0.1");
        c.setString("heartbeat.interval", "1000");
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(new Loader(), c, EmbeddedFlink.class.getClassLoader());
        env.setParallelism(parallelism);
        return env;
    }

    /** Executors of this class only: Flink's local executor with a mini cluster we keep a hand on. */
    private final class Loader implements PipelineExecutorServiceLoader {
        @Override
        public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
            return new PipelineExecutorFactory() {
                @Override public String getName() { return EXECUTOR; }

                @Override public boolean isCompatibleWith(Configuration c) { return true; }

                @Override
                public PipelineExecutor getExecutor(Configuration c) {
                    return LocalExecutor.createWithFactory(c, mc -> {
                        MiniCluster m = new MiniCluster(mc);
                        cluster.set(m);
                        return m;
                    });
                }
            };
        }

        @Override
        public Stream<String> getExecutorNames() {
            return Stream.of(EXECUTOR);
        }
    }

    /** Stops the mini cluster (waiting for it) and deletes the temporary folder. */
    @Override
    public void close() {
        shutDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run: nothing left to remove
        }
    }

    private synchronized void shutDown() {
        if (closed) return;
        closed = true;
        MiniCluster m = cluster.getAndSet(null);
        if (m != null) {
            try {
                m.close();
            } catch (Exception e) {
                // the cluster is going away in any case; the folder below is what must not stay behind
            }
        }
        deleteTree(tmp);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Files.deleteIfExists(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("mcgt: warning: could not delete the temporary folder " + root + ": " + e.getMessage());
        }
    }
}
