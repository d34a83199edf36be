package dev.s3proc.cli.bench;

import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.testing.Cli;
import dev.s3proc.cli.testing.Moto;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.core.audit.AuditSchema;
import dev.s3proc.core.audit.AuditTrail;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * audit show and cost report as the table grows: SMALL attempts in the last day, then BIG more in
 * the 29 days before. Run with bench/audit.sh.
 */
public final class AuditBenchmark {
  static final String TABLE = "s3proc-audit";

  public static void main(String[] args) throws Exception {
    int small = Integer.parseInt(args[0]);
    int big = Integer.parseInt(args[1]);
    int runs = Integer.parseInt(args[2]);
    String endpoint = Moto.endpoint();
    Instant now = Instant.now();
    try (ClientFactory aws = Moto.clients()) {
      aws.dynamoDb().createTable(AuditSchema.createTable(TABLE));
      AuditTrail trail = new AuditTrail(aws.dynamoDb(), TABLE, Duration.ofDays(90));
      long t0 = System.nanoTime();
      load(aws, trail, small, now.minus(Duration.ofDays(1)), now, "recent");
      System.out.printf(
          "loaded %d attempts in the last day (%.0f items/s)%n",
          small, small / ((System.nanoTime() - t0) / 1e9));
      for (int a = 1; a <= 3; a++) {
        trail.put(record("uploads/images/probe.jpg", a, now.minusSeconds(600 - a)));
      }
      Cli cli = new Cli();
      String[] common = {"--endpoint-url", endpoint, "--table", TABLE, "-q", "-o", "json"};
      String show =
          median(
              cli,
              runs,
              concat(
                  new String[] {"audit", "show", "s3://terminus-uploads/uploads/images/probe.jpg"},
                  common));
      String cost1 =
          median(
              cli,
              runs,
              concat(
                  new String[] {
                    "cost",
                    "report",
                    "--since",
                    "1d",
                    "--pricing",
                    "config/pricing.yaml",
                    "--budget",
                    "1"
                  },
                  common));
      System.out.printf(
          "table %7d items: audit show %s, cost report --since 1d %s%n", small + 3, show, cost1);

      t0 = System.nanoTime();
      load(aws, trail, big, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)), "older");
      System.out.printf(
          "loaded %d more attempts in the 29 days before (%.0f items/s)%n",
          big, big / ((System.nanoTime() - t0) / 1e9));
      show =
          median(
              cli,
              runs,
              concat(
                  new String[] {"audit", "show", "s3://terminus-uploads/uploads/images/probe.jpg"},
                  common));
      cost1 =
          median(
              cli,
              runs,
              concat(
                  new String[] {
                    "cost",
                    "report",
                    "--since",
                    "1d",
                    "--pricing",
                    "config/pricing.yaml",
                    "--budget",
                    "1"
                  },
                  common));
      // Wider windows are left out: moto answers an index Query by walking the whole table
      // (README).
      System.out.printf(
          "table %7d items: audit show %s, cost report --since 1d %s%n",
          small + big + 3, show, cost1);
    }
    System.exit(0);
  }

  static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static String median(Cli cli, int runs, String... args) {
    List<Double> ms = new ArrayList<>();
    cli.run(args); // warm
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      Cli.Result r = cli.run(args);
      ms.add((System.nanoTime() - t) / 1e6);
      if (r.exitCode() != 0) {
        throw new IllegalStateException(r.toString());
      }
    }
    Collections.sort(ms);
    return String.format("%.0f ms", ms.get(ms.size() / 2));
  }

  static AuditRecord record(String key, int attempt, Instant started) {
    return new AuditRecord(
        "terminus-uploads",
        key,
        null,
        250_000L,
        "etag",
        "s3:ObjectCreated:Put",
        started.minusMillis(900),
        null,
        "s3proc.media-ingest.process-images-jpg",
        "image",
        Status.SUCCEEDED,
        attempt,
        java.util.UUID.randomUUID().toString(),
        started,
        started.plusMillis(700),
        700L,
        700L,
        1024,
        "x86_64",
        "req",
        List.of("s3://terminus-uploads/processed/" + key),
        null,
        null,
        250_000L,
        40_000L,
        Map.of("lambda", 1L, "sqs", 3L, "dynamoWrite", 4L, "s3Get", 1L, "s3Put", 2L),
        Map.of(),
        null,
        null,
        null);
  }

  static void load(
      ClientFactory aws, AuditTrail trail, int n, Instant from, Instant to, String prefix)
      throws Exception {
    long span = to.toEpochMilli() - from.toEpochMilli();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> fs = new ArrayList<>();
    for (int i = 0; i < n; i += 25) {
      int start = i;
      fs.add(
          pool.submit(
              () -> {
                List<WriteRequest> batch = new ArrayList<>();
                for (int j = start; j < Math.min(n, start + 25); j++) {
                  Instant t = from.plusMillis((long) ((double) j / n * span));
                  batch.add(
                      WriteRequest.builder()
                          .putRequest(
                              PutRequest.builder()
                                  .item(trail.toItem(record(prefix + "/" + j + ".jpg", 1, t)))
                                  .build())
                          .build());
                }
                aws.dynamoDb().batchWriteItem(r -> r.requestItems(Map.of(TABLE, batch)));
              }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
  }
}
