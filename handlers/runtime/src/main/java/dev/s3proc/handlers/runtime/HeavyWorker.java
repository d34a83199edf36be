package dev.s3proc.handlers.runtime;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The heavy worker: a processor's handler as a long-running process (the ECS task of {@code
 * config/template.yaml}, the container of {@code handlers/video/Dockerfile}), for work past
 * Lambda's limits: no 15-minute timeout, the task's own disk and memory. It takes one message at a
 * time from {@code QUEUE_URL}, keeps it invisible while it works, hands it to {@code HANDLER} as a
 * one-record SQS batch (so the handler does exactly what it does on Lambda: a workflow step's task
 * token answered with heartbeats, or an S3 event processed with its claim), and deletes it unless
 * the handler reports it failed. On SIGTERM (a scale-in) it stops taking work and lets the current
 * message finish within the task's stop timeout; a message it cannot finish comes back, and a
 * step's missing heartbeat makes Step Functions retry it.
 *
 * <p>{@code java -cp s3proc-video-handler.jar dev.s3proc.handlers.runtime.HeavyWorker}; settings:
 * {@code QUEUE_URL}, {@code HANDLER} (e.g. {@code dev.s3proc.handlers.video.VideoHandler}), {@code
 * TASK_TIMEOUT} in seconds (default 4 h: a step's deadline), {@code MEMORY_MB} and {@code VCPU}
 * (the task's size, as the task definition sets it: recorded with each attempt, which {@code cost
 * report} prices as Fargate vCPU- and GB-seconds; the worker takes one message at a time, so each
 * attempt is charged the whole task for its duration).
 */
public final class HeavyWorker {
  /** How long a message stays invisible between two extensions while it is worked on. */
  static final Duration HOLD = Duration.ofMinutes(5);

  private final SqsClient sqs;
  private final String queueUrl;
  private final ProcessorHandler handler;
  private final Duration timeout;
  private final int memoryMb;
  private final double vcpu;

  /** Whether a message is being worked on (a stop then lets it finish). */
  final AtomicBoolean busy = new AtomicBoolean();

  /** The worker's own lines, as JSON log lines beside the handler's (the task's awslogs stream). */
  private final Telemetry telemetry = new Telemetry(System.out, "heavy-worker");

  HeavyWorker(
      SqsClient sqs,
      String queueUrl,
      ProcessorHandler handler,
      Duration timeout,
      int memoryMb,
      double vcpu) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.handler = handler;
    this.timeout = timeout;
    this.memoryMb = memoryMb;
    this.vcpu = vcpu;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    String queueUrl = required(env, "QUEUE_URL");
    String handlerClass = required(env, "HANDLER");
    ProcessorHandler handler =
        (ProcessorHandler) Class.forName(handlerClass).getDeclaredConstructor().newInstance();
    SqsClient sqs = SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    AtomicBoolean stop = new AtomicBoolean();
    HeavyWorker worker =
        new HeavyWorker(
            sqs,
            queueUrl,
            handler,
            Duration.ofSeconds(Long.parseLong(env.getOrDefault("TASK_TIMEOUT", "14400"))),
            Integer.parseInt(env.getOrDefault("MEMORY_MB", "16384")),
            Double.parseDouble(env.getOrDefault("VCPU", "4")));
    Thread main = Thread.currentThread();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.set(true);
                  if (!worker.busy.get()) {
                    return; // waiting for work: nothing to finish
                  }
                  try {
                    main.join(Duration.ofSeconds(110).toMillis()); // ECS's stopTimeout is 120 s
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    watchRunner(env.get("S3PROC_RUNNER_PID"), stop);
    worker.run(stop);
  }

  /**
   * Locally, s3proc's runner starts this worker as ECS would; when the runner is gone (however it
   * went), the worker stops taking work, as the runner's other workers do.
   */
  private static void watchRunner(String runnerPid, AtomicBoolean stop) {
    if (runnerPid == null || runnerPid.isBlank()) {
      return;
    }
    long runner = Long.parseLong(runnerPid.strip());
    Thread watch =
        new Thread(
            () -> {
              while (!stop.get()) {
                long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
                if (parent != runner) {
                  stop.set(true);
                  return;
                }
                sleep(500);
              }
            },
            "s3proc-runner-watch");
    watch.setDaemon(true);
    watch.start();
  }

  private static String required(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      new Telemetry(System.out, "heavy-worker")
          .log("ERROR", "set " + name + " (see the template's task definition)", Map.of());
      System.exit(2);
    }
    return v;
  }

  /** Takes messages until {@code stop} is set. */
  void run(AtomicBoolean stop) {
    ScheduledExecutorService holder =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "s3proc-hold");
              t.setDaemon(true);
              return t;
            });
    long backoffMs = 1000;
    telemetry.log(
        "INFO",
        "heavy worker ready",
        Map.of(
            "queueUrl",
            queueUrl,
            "memoryMb",
            Integer.toString(memoryMb),
            "vcpu",
            Double.toString(vcpu)));
    try {
      while (!stop.get()) {
        List<Message> messages;
        try {
          messages =
              sqs.receiveMessage(
                      r ->
                          r.queueUrl(queueUrl)
                              .maxNumberOfMessages(1)
                              .waitTimeSeconds(20)
                              .visibilityTimeout((int) HOLD.toSeconds())
                              .messageSystemAttributeNames(
                                  MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                  .messages();
          backoffMs = 1000;
        } catch (RuntimeException e) {
          telemetry.log(
              "WARN",
              "cannot receive from the queue; trying again in " + backoffMs + " ms",
              Map.of("queueUrl", queueUrl, "error", String.valueOf(e.getMessage())));
          sleep(backoffMs);
          backoffMs = Math.min(30_000, backoffMs * 2);
          continue;
        }
        for (Message m : messages) {
          work(m, holder);
        }
      }
    } finally {
      holder.shutdownNow();
    }
  }

  /** One message: held invisible while the handler works, deleted unless it failed. */
  void work(Message m, ScheduledExecutorService holder) {
    busy.set(true);
    var hold =
        holder.scheduleAtFixedRate(
            () -> {
              try {
                sqs.changeMessageVisibility(
                    r ->
                        r.queueUrl(queueUrl)
                            .receiptHandle(m.receiptHandle())
                            .visibilityTimeout((int) HOLD.toSeconds()));
              } catch (RuntimeException e) {
                telemetry.log(
                    "WARN",
                    "cannot keep the message invisible; it may come back while worked on",
                    Map.of("messageId", m.messageId(), "error", String.valueOf(e.getMessage())));
              }
            },
            HOLD.toSeconds() / 2,
            HOLD.toSeconds() / 2,
            TimeUnit.SECONDS);
    try {
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("eventSource", "aws:sqs");
      record.put("messageId", m.messageId());
      record.put("receiptHandle", m.receiptHandle());
      record.put("body", m.body());
      record.put(
          "attributes",
          Map.of(
              "ApproximateReceiveCount",
              m.attributes()
                  .getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1")));
      record.put("eventSourceARN", queueUrl);
      Map<String, Object> event = Map.of("Records", List.of(record));
      Map<String, Object> result =
          handler.handle(
              event,
              new LocalInvoke.Invocation(
                  memoryMb, System.currentTimeMillis() + timeout.toMillis(), vcpu));
      if (!(result.get("batchItemFailures") instanceof List<?> failures) || failures.isEmpty()) {
        sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
      }
    } catch (RuntimeException | Error e) {
      // the message comes back when its hold lapses; the handler has recorded what it could
      telemetry.log(
          "ERROR",
          "the handler failed; the message comes back when its hold lapses",
          Map.of("messageId", m.messageId(), "error", String.valueOf(e)));
    } finally {
      hold.cancel(false);
      busy.set(false);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
