package dev.mcgt.cli;

import dev.mcgt.McgtException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Scores documents on a few threads, one worker state (e.g. a {@code DocumentScorer}, which is not thread-safe)
 * per thread, and returns the results in input order, so the outcome does not depend on the thread count. A
 * document whose scoring fails with a core error (e.g. no tokens) is reported on stderr with its line number and
 * left out; any other error stops the run. Progress (documents done, docs/s) goes to stderr every few seconds.
 */
final class ParallelScoring {
    /** The results in input order (rejected documents left out) and the number rejected. */
    record Outcome<R>(List<R> results, long rejected, double seconds) { }

    private ParallelScoring() { }

    static <S, R> Outcome<R> run(List<InputDocument> docs, int threads, Supplier<S> perThread,
                                 BiFunction<S, InputDocument, R> work, String what,
                                 PrintWriter err, double progressSeconds) {
        int n = docs.size();
        Object[] results = new Object[n];
        String[] errors = new String[n];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        int count = Math.max(1, Math.min(threads, n));
        List<Thread> workers = new ArrayList<>(count);
        for (int t = 0; t < count; t++) {
            Thread th = new Thread(() -> {
                try {
                    S state = perThread.get();
                    int i;
                    while (failure.get() == null && (i = next.getAndIncrement()) < n) {
                        try {
                            results[i] = work.apply(state, docs.get(i));
                        } catch (McgtException e) {
                            errors[i] = e.detail();
                        }
                        done.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "mcgt-" + what + "-" + t);
            th.setDaemon(true);
            workers.add(th);
            th.start();
        }
        long interval = (long) (progressSeconds * 1000);   // 0: join until done, no progress lines
        for (Thread th : workers) {
            while (th.isAlive()) {
                try {
                    th.join(interval);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw McgtException.badInput("interrupted");
                }
                if (th.isAlive()) {
                    err.println("mcgt " + what + ": " + done.get() + "/" + n + " documents done, "
                            + rate(done.get(), start) + " docs/s");
                    err.flush();
                }
            }
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error e) throw e;
        if (f != null) throw new IllegalStateException(f);
        List<R> out = new ArrayList<>(n);
        long rejected = 0;
        for (int i = 0; i < n; i++) {
            if (errors[i] != null) {
                rejected++;
                err.println("mcgt: " + docs.get(i).where() + ": " + errors[i]);
            } else {
                @SuppressWarnings("unchecked") R r = (R) results[i];
                out.add(r);
            }
        }
        err.flush();
        return new Outcome<>(out, rejected, (System.nanoTime() - start) / 1e9);
    }

    static String rate(long done, long start) {
        double seconds = Math.max((System.nanoTime() - start) / 1e9, 1e-9);
        return String.format(Locale.ROOT, "%.2f", done / seconds);
    }
}
