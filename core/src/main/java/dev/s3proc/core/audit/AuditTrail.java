package dev.s3proc.core.audit;

import dev.s3proc.core.audit.AuditRecord.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

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
  public enum ClaimState {
    /** This attempt owns the event until its deadline: process it. */
    CLAIMED,
    /** The event already succeeded: a duplicate, skip it. */
    ALREADY_SUCCEEDED,
    /**
     * Another attempt holds a live claim: this delivery must go back to the queue, untouched, to be
     * taken over if that attempt never finishes. Never a duplicate: the holder may still fail.
     */
    HELD
  }

  /**
   * An attempt that claimed the event and never settled it: its process was killed, timed out or
   * ran out of memory before it could record an outcome.
   */
  public record Abandoned(String attemptId, Instant startedAt, Instant deadline) {}

  /**
   * The outcome of a claim.
   *
   * @param holder the attempt holding the claim (this one when CLAIMED)
   * @param leaseUntil when the holder's claim expires
   * @param abandoned how many earlier claims on this event ended without an outcome
   * @param previous the attempt this one took over from, when it had been abandoned
   */
  public record Claim(
      ClaimState state, String holder, Instant leaseUntil, int abandoned, Abandoned previous) {}

  /**
   * Claims an event until {@code leaseUntil}, the end of the attempt that claims it, with a
   * conditional write: of two concurrent duplicates one processes. A claim can be taken when the
   * event was never claimed, when its last attempt failed, or when the attempt holding it is past
   * its deadline (it was killed, timed out or ran out of memory); a claim whose attempt succeeded
   * is never taken again.
   */
  public Claim claim(
      String bucket,
      String key,
      String version,
      String token,
      String attemptId,
      Instant now,
      Instant leaseUntil) {
    Map<String, AttributeValue> markerKey = marker(bucket, key, version, token);
    try {
      Map<String, AttributeValue> old =
          dynamo
              .updateItem(
                  u ->
                      u.tableName(table)
                          .key(markerKey)
                          .updateExpression(
                              "SET #st = :processing, attemptId = :a, claimedAt = :now,"
                                  + " leaseUntil = :lease, #ttl = :ttl ADD claims :one")
                          .conditionExpression(
                              "attribute_not_exists(#pk) OR #st = :failed OR (#st = :processing"
                                  + " AND (leaseUntil < :now OR attemptId = :a"
                                  + " OR (attribute_not_exists(leaseUntil) AND claimedAt < :legacy)))")
                          .expressionAttributeNames(
                              Map.of(
                                  "#pk",
                                  AuditSchema.PK,
                                  "#st",
                                  "status",
                                  "#ttl",
                                  AuditSchema.TTL_ATTRIBUTE))
                          .expressionAttributeValues(
                              Map.of(
                                  ":processing", s(Status.PROCESSING.name()),
                                  ":failed", s(Status.FAILED.name()),
                                  ":a", s(attemptId),
                                  ":now", n(now.toEpochMilli()),
                                  ":lease", n(leaseUntil.toEpochMilli()),
                                  ":legacy", n(now.minus(LEGACY_CLAIM).toEpochMilli()),
                                  ":ttl", n(now.plus(ttl).getEpochSecond()),
                                  ":one", n(1)))
                          .returnValues(ReturnValue.ALL_OLD)
                          .returnValuesOnConditionCheckFailure(
                              ReturnValuesOnConditionCheckFailure.ALL_OLD))
              .attributes();
      Abandoned previous = null;
      int abandoned = 0;
      if (old != null
          && Status.PROCESSING.name().equals(str(old, "status"))
          && !attemptId.equals(str(old, "attemptId"))) {
        Long claimedAt = num(old, "claimedAt");
        Long lease = num(old, "leaseUntil");
        previous =
            new Abandoned(
                str(old, "attemptId"),
                claimedAt == null ? null : Instant.ofEpochMilli(claimedAt),
                lease == null ? null : Instant.ofEpochMilli(lease));
        abandoned = 1;
      }
      if (old != null && num(old, "claims") != null) {
        long released = num(old, "released") == null ? 0 : num(old, "released");
        abandoned = (int) Math.max(0, num(old, "claims") - released);
      }
      return new Claim(ClaimState.CLAIMED, attemptId, leaseUntil, abandoned, previous);
    } catch (ConditionalCheckFailedException e) {
      Map<String, AttributeValue> existing =
          e.hasItem()
              ? e.item()
              : dynamo.getItem(g -> g.tableName(table).consistentRead(true).key(markerKey)).item();
      if (existing != null && Status.SUCCEEDED.name().equals(str(existing, "status"))) {
        return new Claim(ClaimState.ALREADY_SUCCEEDED, str(existing, "attemptId"), null, 0, null);
      }
      Long lease = existing == null ? null : num(existing, "leaseUntil");
      return new Claim(
          ClaimState.HELD,
          existing == null ? null : str(existing, "attemptId"),
          lease == null ? null : Instant.ofEpochMilli(lease),
          0,
          null);
    }
  }

  /**
   * Records how a claimed event ended: SUCCEEDED keeps duplicates away, FAILED lets a retry claim
   * it. Only the attempt holding the claim settles it: false when another attempt took it over
   * after this one's deadline passed (that one's outcome stands). Settling accounts for every claim
   * before it, so the count of abandoned attempts restarts: a file failed as CRASHED and redriven
   * after its cause is fixed is tried again, not failed at once.
   */
  public boolean release(
      String bucket,
      String key,
      String version,
      String token,
      String attemptId,
      Status outcome,
      Instant now) {
    try {
      dynamo.updateItem(
          u ->
              u.tableName(table)
                  .key(marker(bucket, key, version, token))
                  .updateExpression("SET #st = :s, settledAt = :now, released = claims")
                  .conditionExpression("attemptId = :a AND #st = :processing")
                  .expressionAttributeNames(Map.of("#st", "status"))
                  .expressionAttributeValues(
                      Map.of(
                          ":s", s(outcome.name()),
                          ":now", n(now.toEpochMilli()),
                          ":a", s(attemptId),
                          ":processing", s(Status.PROCESSING.name()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Moves a live claim's expiry to {@code leaseUntil}, for an attempt that proves it is alive as it
   * goes (a workflow step's heartbeat): a process killed mid-step leaves a claim that expires soon
   * after its last heartbeat, when the workflow retries the step. False when the attempt no longer
   * holds the claim.
   */
  public boolean extendClaim(
      String bucket,
      String key,
      String version,
      String token,
      String attemptId,
      Instant leaseUntil) {
    try {
      dynamo.updateItem(
          u ->
              u.tableName(table)
                  .key(marker(bucket, key, version, token))
                  .updateExpression("SET leaseUntil = :lease")
                  .conditionExpression("attemptId = :a AND #st = :processing")
                  .expressionAttributeNames(Map.of("#st", "status"))
                  .expressionAttributeValues(
                      Map.of(
                          ":lease", n(leaseUntil.toEpochMilli()),
                          ":a", s(attemptId),
                          ":processing", s(Status.PROCESSING.name()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Records a successful attempt, then settles its claim SUCCEEDED. The record is written first: it
   * is the truth, the claim's status a shortcut to it. A process killed between the two leaves a
   * SUCCEEDED record under a claim still PROCESSING; the attempt that takes the claim over finds
   * the record ({@link #markAbandoned}) and settles the claim instead of processing again. (Not a
   * transaction: moto copies every table a transaction touches, whole, for each of its items, which
   * made the local pipeline slower with every file; this ordering needs none.) False when another
   * attempt took the claim over after this one's deadline passed.
   */
  public boolean complete(AuditRecord succeeded, String token, Instant now) {
    put(succeeded);
    return release(
        succeeded.bucket(),
        succeeded.key(),
        succeeded.versionId(),
        token,
        succeeded.attemptId(),
        Status.SUCCEEDED,
        now);
  }

  /** What marking an abandoned attempt found. */
  public enum AbandonedAttempt {
    /** It was PROCESSING, and is now recorded FAILED ABANDONED. */
    MARKED,
    /** It had recorded SUCCEEDED, and died before settling its claim: the object is done. */
    SUCCEEDED,
    /** It never wrote its record, or had already settled it otherwise. */
    UNRECORDED
  }

  /**
   * Records an abandoned attempt as FAILED with the reason, if it is still PROCESSING in the trail
   * (it may never have written its record: it can die between the claim and the first write).
   */
  public AbandonedAttempt markAbandoned(
      String bucket, String key, Abandoned a, String errorMessage) {
    if (a.attemptId() == null || a.startedAt() == null) {
      return AbandonedAttempt.UNRECORDED;
    }
    Map<String, AttributeValue> recordKey =
        Map.of(
            AuditSchema.PK,
            s(AuditSchema.partitionKey(bucket, key)),
            AuditSchema.SK,
            s(attemptSortKey(a.startedAt(), a.attemptId())));
    Instant finished = a.deadline() != null ? a.deadline() : a.startedAt();
    try {
      dynamo.updateItem(
          u ->
              u.tableName(table)
                  .key(recordKey)
                  .updateExpression(
                      // retry: the attempt taking it over is that retry; until its own record is
                      // written, readers (reconcile) must not take this one for a final failure
                      "SET #st = :failed, errorType = :type, errorMessage = :msg, finishedAt = :end,"
                          + " retry = :retry")
                  .conditionExpression("#st = :processing")
                  .expressionAttributeNames(Map.of("#st", "status"))
                  .expressionAttributeValues(
                      Map.of(
                          ":failed", s(Status.FAILED.name()),
                          ":processing", s(Status.PROCESSING.name()),
                          ":type", s(ABANDONED),
                          ":msg", s(AuditItems.truncate(errorMessage, 1000)),
                          ":end", s(finished.toString()),
                          ":retry", AttributeValue.builder().bool(true).build()))
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return AbandonedAttempt.MARKED;
    } catch (ConditionalCheckFailedException e) {
      Map<String, AttributeValue> existing =
          e.hasItem()
              ? e.item()
              : dynamo.getItem(g -> g.tableName(table).consistentRead(true).key(recordKey)).item();
      return existing != null && Status.SUCCEEDED.name().equals(str(existing, "status"))
          ? AbandonedAttempt.SUCCEEDED
          : AbandonedAttempt.UNRECORDED;
    }
  }

  /** The error type of an attempt that ended without an outcome. */
  public static final String ABANDONED = "ABANDONED";

  /**
   * Claims written before leases existed carry only claimedAt; they are taken to expire after this.
   */
  private static final Duration LEGACY_CLAIM = Duration.ofMinutes(15);

  private static Map<String, AttributeValue> marker(
      String bucket, String key, String version, String token) {
    return Map.of(
        AuditSchema.PK,
        s(AuditSchema.partitionKey(bucket, key)),
        AuditSchema.SK,
        s(markerKey(version, token)));
  }

  static String attemptSortKey(Instant startedAt, String attemptId) {
    return AuditSchema.ATTEMPT_PREFIX + AuditSchema.sortable(startedAt) + "#" + attemptId;
  }

  static String markerKey(String version, String token) {
    return AuditSchema.DONE_PREFIX + (version == null ? "null" : version) + "#" + token;
  }

  // ---- reading ---------------------------------------------------------------------------

  /**
   * An idempotency marker as read back: which event it is for, how it stands, and until when the
   * attempt holding it may run.
   */
  public record Marker(
      String version, String token, Status status, String attemptId, Instant leaseUntil) {}

  /** Everything the trail holds of one object: its attempts, newest first, and its markers. */
  public record ObjectState(List<AuditRecord> attempts, List<Marker> markers) {}

  /** Attempts and markers of one object, from one Query of its partition (paged). */
  public ObjectState object(String bucket, String key) {
    List<AuditRecord> attempts = new ArrayList<>();
    List<Marker> markers = new ArrayList<>();
    QueryRequest q =
        QueryRequest.builder()
            .tableName(table)
            .scanIndexForward(false)
            .keyConditionExpression("#pk = :pk")
            .expressionAttributeNames(Map.of("#pk", AuditSchema.PK))
            .expressionAttributeValues(Map.of(":pk", s(AuditSchema.partitionKey(bucket, key))))
            .build();
    for (Map<String, AttributeValue> i : dynamo.queryPaginator(q).items()) {
      String sk = str(i, AuditSchema.SK);
      if (sk.startsWith(AuditSchema.ATTEMPT_PREFIX)) {
        attempts.add(fromItem(i));
      } else if (sk.startsWith(AuditSchema.DONE_PREFIX)) {
        String rest = sk.substring(AuditSchema.DONE_PREFIX.length());
        int hash = rest.indexOf('#');
        String version = hash < 0 ? rest : rest.substring(0, hash);
        Long lease = num(i, "leaseUntil");
        markers.add(
            new Marker(
                "null".equals(version) ? null : version,
                hash < 0 ? "" : rest.substring(hash + 1),
                Status.valueOf(str(i, "status")),
                str(i, "attemptId"),
                lease == null ? null : Instant.ofEpochMilli(lease)));
      }
    }
    return new ObjectState(attempts, markers);
  }

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

  /** The item an attempt is stored as (for batch loads). */
  public Map<String, AttributeValue> toItem(AuditRecord r) {
    return AuditItems.toItem(r, ttl);
  }

  public static AuditRecord fromItem(Map<String, AttributeValue> i) {
    return AuditItems.fromItem(i);
  }

  private static String str(Map<String, AttributeValue> i, String name) {
    return AuditItems.str(i, name);
  }

  private static Long num(Map<String, AttributeValue> i, String name) {
    return AuditItems.num(i, name);
  }

  static AttributeValue s(String v) {
    return AuditItems.s(v);
  }

  static AttributeValue n(long v) {
    return AuditItems.n(v);
  }
}
