package dev.s3proc.cli.bench;

import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.dlq.DlqRedriver;
import dev.s3proc.cli.dlq.MoveTaskRedriver;
import dev.s3proc.cli.dlq.QueueDirectory;
import dev.s3proc.cli.dlq.QueueRef;
import dev.s3proc.cli.dlq.RedriveFilter;
import dev.s3proc.cli.testing.ElasticMq;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Client-mode redrive of N messages on ElasticMQ against a plain SDK loop doing batched
 * receive/send/delete at the same concurrency, interleaved in one run; then a native move task. Run
 * with bench/dlq-redrive.sh.
 */
public final class RedriveBenchmark {
  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int concurrency = 4;
    ElasticMq.endpoint();
    System.setProperty("aws.accessKeyId", "bench");
    System.setProperty("aws.secretAccessKey", "bench");
    try (ClientFactory aws = ElasticMq.clients()) {
      SqsClient sqs = aws.sqs();
      String dlq = sqs.createQueue(r -> r.queueName("bench-dlq")).queueUrl();
      String target = sqs.createQueue(r -> r.queueName("bench")).queueUrl();
      QueueDirectory dir = new QueueDirectory(aws);
      List<Double> s3proc = new ArrayList<>();
      List<Double> plain = new ArrayList<>();
      List<Double> nativeRates = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        fill(sqs, dlq, messages);
        long t0 = System.nanoTime();
        var summary =
            new DlqRedriver(aws)
                .run(
                    new DlqRedriver.Options(
                        dir.describe(dlq),
                        dir.describe(target),
                        new RedriveFilter(null, null, null, null),
                        null,
                        0,
                        concurrency,
                        Duration.ofSeconds(60),
                        false),
                    new AtomicBoolean(),
                    n -> {});
        s3proc.add(rate(summary.moved(), t0));
        purge(sqs, target);

        fill(sqs, dlq, messages);
        t0 = System.nanoTime();
        long moved = plainLoop(sqs, dlq, target, concurrency);
        plain.add(rate(moved, t0));
        purge(sqs, target);

        fill(sqs, dlq, messages);
        QueueRef source = dir.describe(dlq);
        t0 = System.nanoTime();
        var nat =
            new MoveTaskRedriver(aws)
                .run(source, dir.describe(target), 0, false, new AtomicBoolean(), n -> {});
        nativeRates.add(rate(nat.moved(), t0));
        purge(sqs, target);
        System.out.printf(
            "round %d: s3proc client %.0f msg/s, plain SDK loop %.0f msg/s, native move task %.0f msg/s%n",
            round + 1, s3proc.get(round), plain.get(round), nativeRates.get(round));
      }
      double a = median(s3proc);
      double b = median(plain);
      System.out.printf(
          "%n%d messages, %d workers, medians of %d rounds:%n", messages, concurrency, rounds);
      System.out.printf(
          "  s3proc dlq redrive --mode client  %6.0f msg/s  %.2fx of the plain loop%n", a, a / b);
      System.out.printf("  plain SDK receive/send/delete     %6.0f msg/s  1.00x%n", b);
      System.out.printf("  s3proc dlq redrive --mode native  %6.0f msg/s%n", median(nativeRates));
    }
    System.exit(0);
  }

  static double rate(long moved, long startNanos) {
    return moved / ((System.nanoTime() - startNanos) / 1e9);
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  static void fill(SqsClient sqs, String url, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> fs = new ArrayList<>();
    for (int i = 0; i < n; i += 10) {
      int from = i;
      fs.add(
          pool.submit(
              () -> {
                List<SendMessageBatchRequestEntry> e = new ArrayList<>();
                for (int j = from; j < Math.min(n, from + 10); j++) {
                  e.add(
                      SendMessageBatchRequestEntry.builder()
                          .id("m" + j)
                          .messageBody("{\"n\":" + j + ",\"pad\":\"" + "x".repeat(200) + "\"}")
                          .build());
                }
                sqs.sendMessageBatch(r -> r.queueUrl(url).entries(e));
              }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
  }

  static void purge(SqsClient sqs, String url) {
    sqs.purgeQueue(r -> r.queueUrl(url));
  }

  /** What a careful operator would write by hand: the same batching, no filter, no pacing. */
  static long plainLoop(SqsClient sqs, String from, String to, int concurrency) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<Future<Long>> fs = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      fs.add(
          pool.submit(
              () -> {
                long moved = 0;
                int empty = 0;
                while (empty < 2) {
                  List<Message> batch =
                      sqs.receiveMessage(
                              r ->
                                  r.queueUrl(from)
                                      .maxNumberOfMessages(10)
                                      .waitTimeSeconds(1)
                                      .messageAttributeNames("All"))
                          .messages();
                  if (batch.isEmpty()) {
                    empty++;
                    continue;
                  }
                  empty = 0;
                  List<SendMessageBatchRequestEntry> send = new ArrayList<>();
                  List<DeleteMessageBatchRequestEntry> delete = new ArrayList<>();
                  for (int i = 0; i < batch.size(); i++) {
                    Message m = batch.get(i);
                    send.add(
                        SendMessageBatchRequestEntry.builder()
                            .id("" + i)
                            .messageBody(m.body())
                            .messageAttributes(m.messageAttributes())
                            .build());
                    delete.add(
                        DeleteMessageBatchRequestEntry.builder()
                            .id("" + i)
                            .receiptHandle(m.receiptHandle())
                            .build());
                  }
                  sqs.sendMessageBatch(r -> r.queueUrl(to).entries(send));
                  moved +=
                      sqs.deleteMessageBatch(r -> r.queueUrl(from).entries(delete))
                          .successful()
                          .size();
                }
                return moved;
              }));
    }
    long total = 0;
    for (Future<Long> f : fs) {
      total += f.get();
    }
    pool.shutdown();
    return total;
  }
}
