package dev.s3proc.core.audit;

import dev.s3proc.core.audit.AuditRecord.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Reads and writes the audit table laid out by {@link AuditSchema}: attempts, the idempotency
 * markers that make a duplicate event a {@code SKIPPED_DUPLICATE}, and time-window queries.
 */
public final class AuditTrail {
  private final DynamoDbClient dynamo;
  private final String table;
  private final Duration ttl;

  public AuditTrail(DynamoDbClient dynamo, String table, Duration ttl) {
    this.dynamo = dynamo;
    this.table = table;
    this.ttl = ttl;
  }

  // ---- writing ---------------------------------------------------------------------------

  /** Writes (or overwrites) an attempt. */
  public void put(AuditRecord r) {
    dynamo.putItem(p -> p.tableName(table).item(toItem(r)));
  }

  /** What claiming an event found. */
  public enum Claim {
    /** This attempt owns the event: process it. */
    CLAIMED,
    /** The event already succeeded: skip it. */
    ALREADY_SUCCEEDED,
    /** Another attempt is processing the same event right now: skip this duplicate. */
    IN_PROGRESS
  }

  /**
   * Claims an event with a conditional write, so that of two concurrent duplicates one processes
   * and one is skipped. A failed or stale (older than {@code staleAfter}) claim can be taken over.
   */
  public Claim claim(
      String bucket,
      String key,
      String version,
      String token,
      String attemptId,
      Instant now,
      Duration staleAfter) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(AuditSchema.PK, s(AuditSchema.partitionKey(bucket, key)));
    item.put(AuditSchema.SK, s(markerKey(version, token)));
    item.put("status", s(Status.PROCESSING.name()));
    item.put("attemptId", s(attemptId));
    item.put("claimedAt", n(now.toEpochMilli()));
    item.put(AuditSchema.TTL_ATTRIBUTE, n(now.plus(ttl).getEpochSecond()));
    try {
      dynamo.putItem(
          p ->
              p.tableName(table)
                  .item(item)
                  .conditionExpression(
                      "attribute_not_exists(#pk) OR #st = :failed OR claimedAt < :stale")
                  .expressionAttributeNames(Map.of("#pk", AuditSchema.PK, "#st", "status"))
                  .expressionAttributeValues(
                      Map.of(
                          ":failed",
                          s(Status.FAILED.name()),
                          ":stale",
                          n(now.minus(staleAfter).toEpochMilli()))));
      return Claim.CLAIMED;
    } catch (ConditionalCheckFailedException e) {
      Map<String, AttributeValue> existing =
          dynamo
              .getItem(
                  g ->
                      g.tableName(table)
                          .consistentRead(true)
                          .key(
                              Map.of(
                                  AuditSchema.PK,
                                  item.get(AuditSchema.PK),
                                  AuditSchema.SK,
                                  item.get(AuditSchema.SK))))
              .item();
      String status =
          existing == null || existing.get("status") == null ? "" : existing.get("status").s();
      return Status.SUCCEEDED.name().equals(status) ? Claim.ALREADY_SUCCEEDED : Claim.IN_PROGRESS;
    }
  }

  /**
   * Records how a claimed event ended: SUCCEEDED keeps duplicates away, FAILED lets a retry claim
   * it.
   */
  public void release(String bucket, String key, String version, String token, Status outcome) {
    dynamo.updateItem(
        u ->
            u.tableName(table)
                .key(
                    Map.of(
                        AuditSchema.PK,
                        s(AuditSchema.partitionKey(bucket, key)),
                        AuditSchema.SK,
                        s(markerKey(version, token))))
                .updateExpression("SET #st = :s")
                .expressionAttributeNames(Map.of("#st", "status"))
                .expressionAttributeValues(Map.of(":s", s(outcome.name()))));
  }

  static String markerKey(String version, String token) {
    return AuditSchema.DONE_PREFIX + (version == null ? "null" : version) + "#" + token;
  }

  // ---- reading ---------------------------------------------------------------------------

  /** Every attempt on one object, newest first, in one Query (paged). */
  public List<AuditRecord> history(String bucket, String key, String version) {
    List<AuditRecord> out = new ArrayList<>();
    QueryRequest.Builder q =
        QueryRequest.builder()
            .tableName(table)
            .scanIndexForward(false)
            .keyConditionExpression("#pk = :pk AND begins_with(#sk, :a)")
            .expressionAttributeNames(Map.of("#pk", AuditSchema.PK, "#sk", AuditSchema.SK));
    Map<String, AttributeValue> values =
        new HashMap<>(
            Map.of(
                ":pk",
                s(AuditSchema.partitionKey(bucket, key)),
                ":a",
                s(AuditSchema.ATTEMPT_PREFIX)));
    if (version != null) {
      q.filterExpression("versionId = :v");
      values.put(":v", s(version));
    }
    q.expressionAttributeValues(values);
    dynamo.queryPaginator(q.build()).items().forEach(i -> out.add(fromItem(i)));
    return out;
  }

  /**
   * Attempts started in [since, until), one Query per hour-shard partition of the time index; the
   * consumer is called per page (from the calling thread).
   */
  public void window(
      Instant since,
      Instant until,
      Consumer<List<AuditRecord>> pages,
      java.util.concurrent.ExecutorService pool) {
    List<String> partitions = AuditSchema.timeBuckets(since, until);
    List<java.util.concurrent.Future<List<AuditRecord>>> futures = new ArrayList<>();
    for (String tb : partitions) {
      futures.add(
          pool.submit(
              () -> {
                List<AuditRecord> found = new ArrayList<>();
                QueryRequest req =
                    QueryRequest.builder()
                        .tableName(table)
                        .indexName(AuditSchema.TIME_INDEX)
                        .keyConditionExpression("#tb = :tb AND #ts BETWEEN :a AND :b")
                        .expressionAttributeNames(
                            Map.of("#tb", AuditSchema.TIME_BUCKET, "#ts", AuditSchema.TIME_SORT))
                        .expressionAttributeValues(
                            Map.of(
                                ":tb",
                                s(tb),
                                ":a",
                                s(AuditSchema.sortable(since)),
                                ":b",
                                s(AuditSchema.sortable(until.minusMillis(1)) + "~")))
                        .build();
                for (QueryResponse page : dynamo.queryPaginator(req)) {
                  page.items().forEach(i -> found.add(fromItem(i)));
                }
                return found;
              }));
    }
    for (var f : futures) {
      try {
        pages.accept(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  // ---- mapping ---------------------------------------------------------------------------

  /** The item an attempt is stored as (for batch loads). */
  public Map<String, AttributeValue> toItem(AuditRecord r) {
    Map<String, AttributeValue> i = new LinkedHashMap<>();
    String pk = AuditSchema.partitionKey(r.bucket(), r.key());
    i.put(AuditSchema.PK, s(pk));
    i.put(
        AuditSchema.SK,
        s(AuditSchema.ATTEMPT_PREFIX + AuditSchema.sortable(r.startedAt()) + "#" + r.attemptId()));
    i.put(AuditSchema.TIME_BUCKET, s(AuditSchema.timeBucket(r.startedAt(), pk)));
    i.put(AuditSchema.TIME_SORT, s(AuditSchema.sortable(r.startedAt()) + "#" + r.attemptId()));
    i.put(AuditSchema.TTL_ATTRIBUTE, n(r.startedAt().plus(ttl).getEpochSecond()));
    put(i, "bucket", r.bucket());
    put(i, "key", r.key());
    put(i, "versionId", r.versionId());
    putN(i, "size", r.size());
    put(i, "eTag", r.eTag());
    put(i, "eventName", r.eventName());
    put(i, "eventTime", r.eventTime() == null ? null : r.eventTime().toString());
    put(i, "sequencer", r.sequencer());
    put(i, "workflow", r.workflow());
    put(i, "processor", r.processor());
    put(i, "status", r.status().name());
    putN(i, "attempt", (long) r.attempt());
    put(i, "attemptId", r.attemptId());
    put(i, "startedAt", r.startedAt().toString());
    put(i, "finishedAt", r.finishedAt() == null ? null : r.finishedAt().toString());
    putN(i, "durationMs", r.durationMs());
    putN(i, "billedMs", r.billedMs());
    putN(i, "memoryMb", r.memoryMb() == null ? null : r.memoryMb().longValue());
    put(i, "architecture", r.architecture());
    put(i, "requestId", r.requestId());
    if (r.outputs() != null && !r.outputs().isEmpty()) {
      i.put(
          "outputs",
          AttributeValue.builder().l(r.outputs().stream().map(AuditTrail::s).toList()).build());
    }
    put(i, "errorType", r.errorType());
    put(i, "errorMessage", r.errorMessage() == null ? null : truncate(r.errorMessage(), 1000));
    putN(i, "bytesRead", r.bytesRead());
    putN(i, "bytesWritten", r.bytesWritten());
    if (r.requests() != null && !r.requests().isEmpty()) {
      Map<String, AttributeValue> m = new LinkedHashMap<>();
      r.requests().forEach((k, v) -> m.put(k, n(v)));
      i.put("requests", AttributeValue.builder().m(m).build());
    }
    if (r.metadata() != null && !r.metadata().isEmpty()) {
      Map<String, AttributeValue> m = new LinkedHashMap<>();
      r.metadata().forEach((k, v) -> m.put(k, s(v)));
      i.put("metadata", AttributeValue.builder().m(m).build());
    }
    return i;
  }

  public static AuditRecord fromItem(Map<String, AttributeValue> i) {
    Map<String, Long> requests = new LinkedHashMap<>();
    if (i.containsKey("requests")) {
      i.get("requests").m().forEach((k, v) -> requests.put(k, Long.parseLong(v.n())));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    if (i.containsKey("metadata")) {
      i.get("metadata").m().forEach((k, v) -> metadata.put(k, v.s()));
    }
    List<String> outputs =
        i.containsKey("outputs")
            ? i.get("outputs").l().stream().map(AttributeValue::s).toList()
            : List.of();
    Long memory = num(i, "memoryMb");
    return new AuditRecord(
        str(i, "bucket"),
        str(i, "key"),
        str(i, "versionId"),
        num(i, "size"),
        str(i, "eTag"),
        str(i, "eventName"),
        instant(str(i, "eventTime")),
        str(i, "sequencer"),
        str(i, "workflow"),
        str(i, "processor"),
        Status.valueOf(str(i, "status")),
        num(i, "attempt") == null ? 1 : num(i, "attempt").intValue(),
        str(i, "attemptId"),
        instant(str(i, "startedAt")),
        instant(str(i, "finishedAt")),
        num(i, "durationMs"),
        num(i, "billedMs"),
        memory == null ? null : memory.intValue(),
        str(i, "architecture"),
        str(i, "requestId"),
        outputs,
        str(i, "errorType"),
        str(i, "errorMessage"),
        num(i, "bytesRead"),
        num(i, "bytesWritten"),
        requests,
        metadata);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }

  private static void put(Map<String, AttributeValue> i, String name, String value) {
    if (value != null) {
      i.put(name, s(value));
    }
  }

  private static void putN(Map<String, AttributeValue> i, String name, Long value) {
    if (value != null) {
      i.put(name, n(value));
    }
  }

  private static String str(Map<String, AttributeValue> i, String name) {
    AttributeValue v = i.get(name);
    return v == null ? null : v.s();
  }

  private static Long num(Map<String, AttributeValue> i, String name) {
    AttributeValue v = i.get(name);
    return v == null || v.n() == null ? null : Long.parseLong(v.n());
  }

  private static Instant instant(String s) {
    return s == null ? null : Instant.parse(s);
  }

  static AttributeValue s(String v) {
    return AttributeValue.builder().s(v).build();
  }

  static AttributeValue n(long v) {
    return AttributeValue.builder().n(Long.toString(v)).build();
  }
}
