package dev.s3proc.cli.audit;

import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditSchema;
import dev.s3proc.core.audit.AuditTrail;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** Reads the audit trail: one object's history, or every attempt in a time window (in parallel). */
public final class AuditReader {
  private static final int PARALLEL_QUERIES = 16;
  private final ClientFactory clients;
  private final String table;

  public AuditReader(ClientFactory clients, String table) {
    this.clients = clients;
    this.table = table;
  }

  private AuditTrail trail() {
    return new AuditTrail(clients.dynamoDb(), table, Duration.ofDays(90));
  }

  public List<AuditRecord> history(String bucket, String key, String version) {
    try {
      return trail().history(bucket, key, version);
    } catch (ResourceNotFoundException e) {
      throw missing();
    }
  }

  /** Every attempt started in the window; {@code progress} hears of each partition read. */
  public List<AuditRecord> window(Instant since, Instant until, IntConsumer progress) {
    List<AuditRecord> all = new ArrayList<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            PARALLEL_QUERIES,
            r -> {
              Thread t = new Thread(r, "s3proc-audit");
              t.setDaemon(true);
              return t;
            });
    try {
      trail()
          .window(
              since,
              until,
              page -> {
                all.addAll(page);
                progress.accept(page.size());
              },
              pool);
    } catch (ResourceNotFoundException e) {
      throw missing();
    } finally {
      pool.shutdownNow();
    }
    return all;
  }

  public static int partitions(Instant since, Instant until) {
    return AuditSchema.timeBuckets(since, until).size();
  }

  private S3procException missing() {
    return S3procException.runtime(
        "audit table "
            + table
            + " does not exist in "
            + clients.region()
            + ": create it with `s3proc rules apply`, or name another with --table");
  }
}
