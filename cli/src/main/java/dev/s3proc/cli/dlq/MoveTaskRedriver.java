package dev.s3proc.cli.dlq;

import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.aws.ClientFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;

/**
 * Native redrive: SQS's own message move task. SQS moves every message and keeps nothing twice;
 * s3proc starts it, follows it, and cancels it when asked to stop.
 */
public final class MoveTaskRedriver {
  private static final long POLL_MILLIS = 250;
  private final ClientFactory clients;

  public MoveTaskRedriver(ClientFactory clients) {
    this.clients = clients;
  }

  /** Whether the endpoint implements message move tasks (moto does not). */
  public boolean supported(QueueRef dlq) {
    try {
      clients.sqs().listMessageMoveTasks(r -> r.sourceArn(dlq.arn()).maxResults(1));
      return true;
    } catch (SdkException e) {
      return false;
    }
  }

  public RedriveSummary run(
      QueueRef source,
      QueueRef target,
      double rate,
      boolean dryRun,
      AtomicBoolean stop,
      LongConsumer progress) {
    if (dryRun) {
      return summary(source, target, 0, 0, true, false, List.of());
    }
    Optional<ListMessageMoveTasksResultEntry> running =
        latest(source).filter(t -> "RUNNING".equals(t.status()));
    if (running.isPresent()) {
      throw S3procException.runtime(
          "a message move task is already running on "
              + source.name()
              + " (handle "
              + running.get().taskHandle()
              + "): wait for it, or cancel it first");
    }
    long start = System.nanoTime();
    String handle =
        clients
            .sqs()
            .startMessageMoveTask(
                r -> {
                  r.sourceArn(source.arn()).destinationArn(target.arn());
                  if (rate > 0) {
                    r.maxNumberOfMessagesPerSecond((int) Math.max(1, Math.min(500, rate)));
                  }
                })
            .taskHandle();
    long reported = 0;
    ListMessageMoveTasksResultEntry task;
    boolean cancelled = false;
    while (true) {
      task =
          latest(source)
              .orElseThrow(
                  () ->
                      S3procException.runtime(
                          "the move task on " + source.name() + " disappeared"));
      long moved =
          task.approximateNumberOfMessagesMoved() == null
              ? 0
              : task.approximateNumberOfMessagesMoved();
      if (moved > reported) {
        progress.accept(moved - reported);
        reported = moved;
      }
      if (!"RUNNING".equals(task.status())) {
        break;
      }
      if (stop.get() && !cancelled) {
        clients.sqs().cancelMessageMoveTask(r -> r.taskHandle(handle));
        cancelled = true;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop.set(true);
      }
    }
    if ("FAILED".equals(task.status())) {
      throw S3procException.runtime(
          "the move task on "
              + source.name()
              + " failed after moving "
              + reported
              + " messages: "
              + task.failureReason()
              + "; the rest are still in the DLQ");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    RedriveSummary s = summary(source, target, reported, seconds, false, cancelled, List.of());
    return s;
  }

  private Optional<ListMessageMoveTasksResultEntry> latest(QueueRef source) {
    return clients
        .sqs()
        .listMessageMoveTasks(r -> r.sourceArn(source.arn()).maxResults(1))
        .results()
        .stream()
        .findFirst();
  }

  private static RedriveSummary summary(
      QueueRef source,
      QueueRef target,
      long moved,
      double seconds,
      boolean dryRun,
      boolean interrupted,
      List<String> wouldMove) {
    return new RedriveSummary(
        "native",
        source.name(),
        target.name(),
        "all messages",
        moved,
        0,
        0,
        0,
        Map.of(),
        seconds,
        seconds > 0 ? moved / seconds : 0,
        0,
        dryRun,
        interrupted,
        wouldMove,
        "SQS's move task moves each message once; a cancelled task leaves the rest in the DLQ");
  }
}
