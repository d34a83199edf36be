package dev.s3proc.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.s3proc.core.config.Durations;
import dev.s3proc.core.config.PipelineConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One queue's consumer, in a JVM of its own as a Lambda function has its own container: threads
 * long-poll the queue and hand each batch to the processor's handler jar as Lambda's event source
 * mapping would, delete what succeeded and leave the batch item failures to come back. While a
 * batch is in flight its messages are kept invisible (so a slow batch is never delivered twice); an
 * invocation that outlives the function's timeout ends this JVM, as Lambda ends a timed-out
 * runtime, and the runner starts a new one. No Throwable of a handler's ends a thread; a thread
 * that ends anyway is replaced.
 */
final class QueueWorker {
  /** Local retries come after 10 s, not after the queue's own visibility timeout. */
  static final int LOCAL_VISIBILITY_SECONDS = 10;

  static final int THREADS = 4;

  /**
   * The long poll's wait, SQS's longest. Each empty poll costs moto ~4 ms of its one core: at 1 s,
   * the idle pollers of every queue took a tenth of it from the pipeline; at 5 s the idle stack
   * (moto, runner, workers) took 10.8 % of a core, at 20 s 6.8 % (measured over 40 s). A message
   * ends a poll at once, and a stop never waits for one.
   */
  static final int POLL_SECONDS = 20;

  /** The function timeout when the pipeline gives no consumer.timeout (Lambda's default is 3 s). */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(1);

  private static final long HEARTBEAT_MS = 3_000;
  private static final long MAX_BACKOFF_MS = 15_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private record InFlight(String url, List<Message> batch, long deadlineMillis) {}

  private final SqsClient sqs;
  private final PipelineConfig config;
  private final PipelineConfig.Queue queue;
  private final Path home;
  private final Map<String, String> baseEnv;
  private final PrintWriter log;
  private final Map<Integer, InFlight> inFlight = new ConcurrentHashMap<>();

  QueueWorker(
      SqsClient sqs,
      PipelineConfig config,
      PipelineConfig.Queue queue,
      Path home,
      Map<String, String> baseEnv,
      PrintWriter log) {
    this.sqs = sqs;
    this.config = config;
    this.queue = queue;
    this.home = home;
    this.baseEnv = baseEnv;
    this.log = log;
  }

  static Duration timeout(PipelineConfig.Queue q) {
    return q.consumerTimeout() != null ? q.consumerTimeout() : DEFAULT_TIMEOUT;
  }

  /** The handler's environment, as config/template.yaml sets it for the deployed function. */
  private Map<String, String> environment(String dlqUrl, String account) {
    return environment(config, queue, baseEnv, dlqUrl, account);
  }

  /**
   * The environment of a queue's handler (a function, or the heavy worker's task), as
   * config/template.yaml sets it.
   */
  static Map<String, String> environment(
      PipelineConfig config,
      PipelineConfig.Queue queue,
      Map<String, String> baseEnv,
      String dlqUrl,
      String account) {
    Map<String, String> env = new HashMap<>(baseEnv);
    env.put("AUDIT_TABLE", config.audit().table());
    env.put("AUDIT_TTL", Durations.format(config.audit().ttl()));
    if (dlqUrl != null) {
      env.put("DEAD_LETTER_QUEUE_URL", dlqUrl);
      env.put("MAX_RECEIVE_COUNT", Integer.toString(queue.dlq().maxReceiveCount()));
    }
    if (config.outputs().bucket() != null) {
      env.put("OUTPUT_BUCKET", config.outputs().bucket());
    }
    env.put("OUTPUT_PREFIX", config.outputs().prefix());
    List<String> answering = config.reportSubscribers(queue);
    if (!answering.isEmpty()) {
      env.put("REPORT_SUBSCRIBERS", String.join(",", answering));
    }
    if ("scan".equals(queue.processor()) && config.quarantine() != null) {
      env.put("QUARANTINE_BUCKET", config.quarantine().bucket());
      env.put("QUARANTINE_PREFIX", config.quarantine().prefix());
      env.put("QUARANTINE_REMOVE", Boolean.toString(config.quarantine().removeOriginal()));
    }
    if (config.results().topic() != null) {
      env.put(
          "RESULTS_TOPIC_ARN",
          "arn:aws:sns:" + config.region() + ":" + account + ":" + config.results().topic());
    }
    return env;
  }

  void run(AtomicBoolean stop) throws Exception {
    String url = sqs.getQueueUrl(r -> r.queueName(queue.name())).queueUrl();
    String dlqUrl =
        queue.dlq() == null
            ? null
            : sqs.getQueueUrl(r -> r.queueName(queue.dlq().name())).queueUrl();
    String account = url.replaceAll(".*/(\\d{12})/[^/]+$", "$1");
    String arn = "arn:aws:sqs:" + config.region() + ":" + account + ":" + queue.name();
    String function = queue.processor() + "-" + queue.name();
    try (LoadedHandler handler =
        new LoadedHandler(
            HandlerJars.of(home, queue.processor()),
            environment(dlqUrl, account),
            function,
            LocalRunner.MEMORY_MB)) {
      Thread[] pollers = new Thread[THREADS];
      for (int i = 0; i < THREADS; i++) {
        pollers[i] = poller(i, url, arn, handler, stop);
      }
      say(
          "worker ready: "
              + queue.name()
              + " -> "
              + queue.processor()
              + " handler, "
              + THREADS
              + " threads, timeout "
              + Durations.format(timeout(queue))
              + ", Java "
              + Runtime.version().feature());
      long lastBeat = System.currentTimeMillis();
      while (!stop.get()) {
        Thread.sleep(250);
        for (int i = 0; i < THREADS; i++) {
          if (!pollers[i].isAlive() && !stop.get()) {
            say("thread " + pollers[i].getName() + " ended; starting another");
            pollers[i] = poller(i, url, arn, handler, stop);
          }
        }
        timeouts();
        if (System.currentTimeMillis() - lastBeat >= HEARTBEAT_MS) {
          keepInvisible();
          lastBeat = System.currentTimeMillis();
        }
      }
      // Only a thread with a batch in flight is waited for; one waiting on a long poll is a daemon
      // and ends with the JVM (a batch it receives meanwhile is given back, below).
      for (int i = 0; i < THREADS; i++) {
        if (inFlight.containsKey(i)) {
          pollers[i].join(Duration.ofSeconds(10).toMillis());
        }
      }
    }
  }

  private Thread poller(
      int slot, String url, String arn, LoadedHandler handler, AtomicBoolean stop) {
    Thread t =
        new Thread(
            () -> poll(slot, url, arn, handler, stop), "worker-" + queue.name() + "-" + slot);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void poll(int slot, String url, String arn, LoadedHandler handler, AtomicBoolean stop) {
    long backoff = 0;
    while (!stop.get()) {
      try {
        List<Message> batch =
            sqs.receiveMessage(
                    r ->
                        r.queueUrl(url)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(POLL_SECONDS)
                            .visibilityTimeout(LOCAL_VISIBILITY_SECONDS)
                            .messageSystemAttributeNamesWithStrings("All")
                            .messageAttributeNames("All"))
                .messages();
        backoff = 0;
        if (batch.isEmpty()) {
          continue;
        }
        if (stop.get()) {
          giveBack(url, batch);
          return;
        }
        long deadline = System.currentTimeMillis() + timeout(queue).toMillis();
        inFlight.put(slot, new InFlight(url, batch, deadline));
        Set<String> failed;
        try {
          failed = invoke(handler, event(batch, arn), deadline);
        } finally {
          inFlight.remove(slot);
        }
        delete(url, batch, failed);
        say("batch of " + batch.size() + ", " + failed.size() + " failed");
      } catch (Throwable e) { // never the thread: a poll that failed is tried again, later
        if (stop.get()) {
          return;
        }
        backoff = Math.min(MAX_BACKOFF_MS, backoff == 0 ? 500 : backoff * 2);
        say("poll failed: " + e + "; trying again in " + backoff + " ms");
        sleep(backoff);
      }
    }
  }

  private void delete(String url, List<Message> batch, Set<String> failed) {
    List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      if (!failed.contains(batch.get(i).messageId())) {
        done.add(
            DeleteMessageBatchRequestEntry.builder()
                .id(Integer.toString(i))
                .receiptHandle(batch.get(i).receiptHandle())
                .build());
      }
    }
    if (!done.isEmpty()) {
      sqs.deleteMessageBatch(r -> r.queueUrl(url).entries(done));
    }
  }

  /** A batch received while stopping: visible again at once, for the next worker. */
  private void giveBack(String url, List<Message> batch) {
    List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      entries.add(
          ChangeMessageVisibilityBatchRequestEntry.builder()
              .id(Integer.toString(i))
              .receiptHandle(batch.get(i).receiptHandle())
              .visibilityTimeout(0)
              .build());
    }
    sqs.changeMessageVisibilityBatch(r -> r.queueUrl(url).entries(entries));
  }

  /** Invokes the handler: its batch item failures, or the whole batch when it threw. */
  private Set<String> invoke(LoadedHandler handler, ObjectNode event, long deadline) {
    Set<String> failed = new HashSet<>();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      handler.invoke(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, deadline);
      JsonNode response = JSON.readTree(out.toByteArray());
      response
          .path("batchItemFailures")
          .forEach(f -> failed.add(f.path("itemIdentifier").asText()));
    } catch (Throwable e) {
      say("handler threw " + e + ": the whole batch will be retried");
      event.path("Records").forEach(r -> failed.add(r.path("messageId").asText()));
    }
    return failed;
  }

  /**
   * Keeps the messages of every batch in flight invisible, as the queue's own visibility timeout
   * does on AWS, so that a slow batch is not delivered to another thread meanwhile.
   */
  private void keepInvisible() {
    for (InFlight f : inFlight.values()) {
      List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
      for (int i = 0; i < f.batch().size(); i++) {
        entries.add(
            ChangeMessageVisibilityBatchRequestEntry.builder()
                .id(Integer.toString(i))
                .receiptHandle(f.batch().get(i).receiptHandle())
                .visibilityTimeout(LOCAL_VISIBILITY_SECONDS)
                .build());
      }
      try {
        sqs.changeMessageVisibilityBatch(r -> r.queueUrl(f.url()).entries(entries));
      } catch (RuntimeException e) {
        say("could not extend the visibility of a batch in flight: " + e);
      }
    }
  }

  /** An invocation past the function's timeout ends the runtime, as Lambda's timeout does. */
  private void timeouts() {
    long now = System.currentTimeMillis();
    for (InFlight f : inFlight.values()) {
      if (now > f.deadlineMillis() + 1_000) {
        say(
            "an invocation ran past the function's timeout of "
                + Durations.format(timeout(queue))
                + " (consumer.timeout): ending this worker, as Lambda ends a timed-out runtime;"
                + " its messages come back and are taken over");
        log.flush();
        Runtime.getRuntime().halt(3);
      }
    }
  }

  /** An SQS event as Lambda's event source mapping shapes it. */
  static ObjectNode event(List<Message> batch, String arn) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode records = root.putArray("Records");
    for (Message m : batch) {
      ObjectNode r = records.addObject();
      r.put("messageId", m.messageId());
      r.put("receiptHandle", m.receiptHandle());
      r.put("body", m.body());
      ObjectNode attributes = r.putObject("attributes");
      m.attributesAsStrings().forEach(attributes::put);
      ObjectNode messageAttributes = r.putObject("messageAttributes");
      m.messageAttributes()
          .forEach(
              (k, v) ->
                  messageAttributes
                      .putObject(k)
                      .put("stringValue", v.stringValue())
                      .put("dataType", v.dataType()));
      r.put("md5OfBody", m.md5OfBody());
      r.put("eventSource", "aws:sqs");
      r.put("eventSourceARN", arn);
      r.put("awsRegion", arn.split(":")[3]);
    }
    return root;
  }

  private void say(String message) {
    synchronized (log) {
      log.println(Instant.now() + " " + queue.name() + ": " + message);
      log.flush();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
