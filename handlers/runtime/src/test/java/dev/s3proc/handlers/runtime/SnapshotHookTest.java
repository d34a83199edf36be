package dev.s3proc.handlers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * SnapStart's hook: the snapshot is taken only once the processor's warm-up has finished, so that a
 * restored function does not finish it during its first event. (No AWS request is made.)
 */
class SnapshotHookTest {
  static final Map<String, String> ENV =
      Map.of(
          "AWS_REGION", "us-east-1",
          "AWS_ACCESS_KEY_ID", "s3proc-test",
          "AWS_SECRET_ACCESS_KEY", "s3proc-test",
          "AUDIT_TABLE", "s3proc-audit");

  @Test
  void theSnapshotWaitsForTheWarmUpToFinish() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean warmedUp = new AtomicBoolean();
    Processor slowToWarm =
        new Processor() {
          @Override
          public String name() {
            return "slow-to-warm";
          }

          @Override
          public Result process(Input input) {
            throw new UnsupportedOperationException("no event in this test");
          }

          @Override
          public void warmUp() throws InterruptedException {
            started.countDown();
            release.await();
            warmedUp.set(true);
          }
        };
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream out = System.out;
    ProcessorHandler handler;
    System.setOut(new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      handler = new ProcessorHandler(slowToWarm, ENV) {};
    } finally {
      System.setOut(out);
    }
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(warmedUp).as("still warming up when the snapshot is asked for").isFalse();

    // the snapshot is asked for while the warm-up is still running: it must wait for it
    java.util.concurrent.CompletableFuture<Void> snapshot =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try {
                handler.beforeCheckpoint(null);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(snapshot)
        .as("the snapshot taken while the warm-up runs")
        .failsWithin(java.time.Duration.ofMillis(200))
        .withThrowableOfType(java.util.concurrent.TimeoutException.class);
    release.countDown();
    snapshot.get(10, TimeUnit.SECONDS);
    assertThat(warmedUp).as("warmed up before the snapshot").isTrue();
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("ready for the snapshot")
        .contains("\"warmedUp\":\"true\"");
  }
}
