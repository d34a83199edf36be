package dev.s3proc.cli.dlq;

import dev.s3proc.cli.aws.ClientFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Client-mode redrive: workers receive batches of 10 from the DLQ, filter, send to the target
 * preserving body, message attributes and FIFO group and deduplication ids, and delete from the DLQ
 * only what the target acknowledged. A message is deleted only after it was sent, so a kill at any
 * moment loses nothing: unsent messages reappear in the DLQ when their visibility timeout ends, and
 * at most the batches in flight can arrive twice.
 */
public final class DlqRedriver {
  private final ClientFactory clients;
  private final DlqInspector inspector;

  public DlqRedriver(ClientFactory clients) {
    this.clients = clients;
    this.inspector = new DlqInspector(clients);
  }

  public record Options(
      QueueRef source,
      QueueRef target,
      RedriveFilter filter,
      Long max,
      double rate,
      int concurrency,
      Duration visibilityTimeout,
      boolean dryRun) {}

  public RedriveSummary run(Options o, AtomicBoolean stop, LongConsumer progress) {
    Run run = new Run(o, stop, progress);
    return run.execute();
  }

  private final class Run {
    final Options o;
    final AtomicBoolean stop;
    final LongConsumer progress;
    final SqsClient sqs = clients.sqs();
    final TokenBucket bucket;
    final AtomicLong moved = new AtomicLong();
    final AtomicLong reserved = new AtomicLong();
    final Map<String, Message> held =
        new ConcurrentHashMap<>(); // skipped, over --max, failed, dry-run
    final Map<String, Boolean> skipped = new ConcurrentHashMap<>();
    final Map<String, Boolean> wouldMove = new ConcurrentHashMap<>();
    final Map<String, Boolean> failedIds = new ConcurrentHashMap<>();
    final Map<String, Boolean> arrivedDuring = new ConcurrentHashMap<>();

    /**
     * Messages sent to the DLQ after this moment arrived during the run: a consumer that fails at
     * once would otherwise bounce them back and forth for ever. They are left for the next run.
     */
    final long startedMillis = System.currentTimeMillis();

    /** Bodies this run has moved: the same body back in the DLQ is a bounce, not a new failure. */
    final java.util.Set<String> movedBodies = ConcurrentHashMap.newKeySet();

    final Map<String, Long> failures = new ConcurrentHashMap<>();

    Run(Options o, AtomicBoolean stop, LongConsumer progress) {
      this.o = o;
      this.stop = stop;
      this.progress = progress;
      this.bucket = new TokenBucket(o.rate());
    }

    RedriveSummary execute() {
      long start = System.nanoTime();
      ExecutorService pool =
          Executors.newFixedThreadPool(
              o.concurrency(),
              r -> {
                Thread t = new Thread(r, "s3proc-redrive");
                t.setDaemon(true);
                return t;
              });
      List<Future<?>> workers = new ArrayList<>();
      for (int i = 0; i < o.concurrency(); i++) {
        workers.add(pool.submit(this::work));
      }
      RuntimeException failure = null;
      for (Future<?> w : workers) {
        try {
          w.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stop.set(true);
        } catch (java.util.concurrent.ExecutionException e) {
          stop.set(true);
          if (failure == null && e.getCause() instanceof RuntimeException r) {
            failure = r;
          }
        }
      }
      pool.shutdownNow();
      inspector.release(o.source(), new ArrayList<>(held.values()));
      if (failure != null) {
        throw failure;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long failed = failedIds.size();
      return new RedriveSummary(
          "client",
          o.source().name(),
          o.target().name(),
          o.filter().toString(),
          moved.get(),
          skipped.size(),
          arrivedDuring.size(),
          failed,
          Map.copyOf(failures),
          seconds,
          seconds > 0 ? moved.get() / seconds : 0,
          10L * o.concurrency(),
          o.dryRun(),
          stop.get(),
          o.dryRun() ? List.copyOf(wouldMove.keySet()) : List.of(),
          "a message is deleted from the DLQ only after the target acknowledged it, so a run killed mid-way loses nothing;"
              + " at most "
              + (10L * o.concurrency())
              + " messages (the batches in flight) could then be sent twice:"
              + " identical copies, same body and attributes (S3 events with the same sequencer or eTag and event time),"
              + " which the handlers record as SKIPPED_DUPLICATE");
    }

    private boolean sentAfterStart(Message m) {
      String sent = m.attributesAsStrings().get("SentTimestamp");
      return sent != null && Long.parseLong(sent) > startedMillis;
    }

    private boolean full() {
      return o.max() != null && reserved.get() >= o.max();
    }

    void work() {
      int empty = 0;
      while (!stop.get() && !full() && empty < 2) {
        List<Message> batch =
            sqs.receiveMessage(
                    r ->
                        r.queueUrl(o.source().url())
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(1)
                            .visibilityTimeout((int) o.visibilityTimeout().toSeconds())
                            .messageSystemAttributeNamesWithStrings("All")
                            .messageAttributeNames("All"))
                .messages();
        if (batch.isEmpty()) {
          empty++;
          continue;
        }
        empty = 0;
        long now = System.currentTimeMillis();
        List<Message> send = new ArrayList<>();
        for (Message m : batch) {
          if (held.containsKey(m.messageId())) {
            held.put(
                m.messageId(), m); // seen again after its visibility ended: keep the newest handle
          } else if (sentAfterStart(m) || movedBodies.contains(m.body())) {
            arrivedDuring.put(m.messageId(), true);
            held.put(m.messageId(), m);
          } else if (!o.filter().matches(m, now)) {
            skipped.put(m.messageId(), true);
            held.put(m.messageId(), m);
          } else if (o.max() != null && reserved.incrementAndGet() > o.max()) {
            reserved.decrementAndGet();
            held.put(m.messageId(), m);
          } else {
            if (o.max() == null) {
              reserved.incrementAndGet();
            }
            send.add(m);
          }
        }
        if (send.isEmpty()) {
          continue;
        }
        if (o.dryRun()) {
          send.forEach(
              m -> {
                wouldMove.put(m.messageId(), true);
                held.put(m.messageId(), m);
              });
          progress.accept(send.size());
          continue;
        }
        try {
          bucket.acquire(send.size());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          send.forEach(m -> held.put(m.messageId(), m));
          return;
        }
        sendAndDelete(send);
      }
    }

    private void sendAndDelete(List<Message> send) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = 0; i < send.size(); i++) {
        Message m = send.get(i);
        SendMessageBatchRequestEntry.Builder e =
            SendMessageBatchRequestEntry.builder()
                .id(Integer.toString(i))
                .messageBody(m.body())
                .messageAttributes(m.messageAttributes());
        if (o.target().fifo()) {
          Map<String, String> a = m.attributesAsStrings();
          e.messageGroupId(a.getOrDefault("MessageGroupId", "s3proc-redrive"));
          e.messageDeduplicationId(a.getOrDefault("MessageDeduplicationId", m.messageId()));
        }
        entries.add(e.build());
      }
      SendMessageBatchResponse sent;
      try {
        sent = sqs.sendMessageBatch(r -> r.queueUrl(o.target().url()).entries(entries));
      } catch (SdkException e) {
        String reason = "send failed: " + dev.s3proc.cli.AwsErrors.describe(e);
        send.forEach(m -> fail(m, reason));
        return;
      }
      for (BatchResultErrorEntry err : sent.failed()) {
        fail(send.get(Integer.parseInt(err.id())), err.code() + ": " + err.message());
      }
      List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
      sent.successful()
          .forEach(
              ok ->
                  deletes.add(
                      DeleteMessageBatchRequestEntry.builder()
                          .id(ok.id())
                          .receiptHandle(send.get(Integer.parseInt(ok.id())).receiptHandle())
                          .build()));
      if (deletes.isEmpty()) {
        return;
      }
      DeleteMessageBatchResponse deleted =
          sqs.deleteMessageBatch(r -> r.queueUrl(o.source().url()).entries(deletes));
      for (BatchResultErrorEntry err : deleted.failed()) {
        // Sent but still in the DLQ: it will be offered again, and a second run would send it
        // twice.
        fail(
            send.get(Integer.parseInt(err.id())),
            "sent, but not deleted from the DLQ (" + err.code() + "): it may arrive twice");
      }
      deleted
          .successful()
          .forEach(ok -> movedBodies.add(send.get(Integer.parseInt(ok.id())).body()));
      moved.addAndGet(deleted.successful().size());
      progress.accept(deleted.successful().size());
    }

    private void fail(Message m, String reason) {
      failedIds.put(m.messageId(), true);
      failures.merge(reason, 1L, Long::sum);
      held.put(m.messageId(), m);
      if (o.max() != null) {
        reserved.decrementAndGet();
      }
    }
  }
}
