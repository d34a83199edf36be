package dev.s3proc.cli.aws;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Requests read side by side: a command that needs several answers waits for the slowest, not for
 * their sum. Threads are daemons, so an abandoned read never holds the JVM open.
 */
public final class Parallel {
  private Parallel() {}

  /** A pool of {@code threads} daemon threads named {@code name}; shut it down when done. */
  public static ExecutorService pool(String name, int threads) {
    return Executors.newFixedThreadPool(
        Math.max(1, threads),
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  /** The future's value, or the exception the work threw, unwrapped (an AWS or s3proc error). */
  public static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
