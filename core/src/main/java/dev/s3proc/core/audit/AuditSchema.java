package dev.s3proc.core.audit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The audit table's layout, defined once for the handlers that write it and the CLI that creates
 * and reads it.
 *
 * <ul>
 *   <li>{@code pk} = {@code BUCKET/KEY}: every attempt on one object is one {@code Query}.
 *   <li>{@code sk} = {@code A#<startedAt>#<attemptId>} for attempts (newest first with
 *       ScanIndexForward=false); {@code D#<version>#<token>} marks an event already processed.
 *   <li>Index {@value #TIME_INDEX}: partition {@code tb} = {@code <yyyy-MM-dd>#<shard>}, sort
 *       {@code ts} = startedAt#attemptId. A day of attempts is spread over {@value #TIME_SHARDS}
 *       partitions by object, so that no partition runs hot: at 1,000,000 files a day with 10x
 *       spikes (116 files/s, 4 writes each) a shard takes about 60 writes/s, far under DynamoDB's
 *       1,000 per partition. A time window is one Query per day and shard (240 for 30 days), never
 *       a Scan.
 *   <li>{@value #TTL_ATTRIBUTE}: epoch seconds after which DynamoDB may delete the item.
 * </ul>
 */
public final class AuditSchema {
  public static final String PK = "pk";
  public static final String SK = "sk";
  public static final String TIME_INDEX = "byTime";
  public static final String TIME_BUCKET = "tb";
  public static final String TIME_SORT = "ts";
  public static final String TTL_ATTRIBUTE = "expiresAt";
  public static final int TIME_SHARDS = 8;
  public static final String ATTEMPT_PREFIX = "A#";
  public static final String DONE_PREFIX = "D#";

  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private static final DateTimeFormatter SORTABLE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private AuditSchema() {}

  /** A fixed-width UTC timestamp, so that keys sort in time order as strings. */
  public static String sortable(Instant t) {
    return SORTABLE.format(t);
  }

  public static String partitionKey(String bucket, String key) {
    return bucket + "/" + key;
  }

  /** The time-index partition of an attempt on one object started at a given instant. */
  public static String timeBucket(Instant startedAt, String partitionKey) {
    return DAY.format(startedAt) + "#" + Math.floorMod(partitionKey.hashCode(), TIME_SHARDS);
  }

  /** Every time-index partition that can hold attempts started in [since, until). */
  public static List<String> timeBuckets(Instant since, Instant until) {
    List<String> buckets = new ArrayList<>();
    for (Instant d = since.truncatedTo(ChronoUnit.DAYS);
        d.isBefore(until);
        d = d.plus(1, ChronoUnit.DAYS)) {
      for (int shard = 0; shard < TIME_SHARDS; shard++) {
        buckets.add(DAY.format(d) + "#" + shard);
      }
    }
    return buckets;
  }

  public static CreateTableRequest createTable(String table) {
    return CreateTableRequest.builder()
        .tableName(table)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            attribute(PK), attribute(SK), attribute(TIME_BUCKET), attribute(TIME_SORT))
        .keySchema(key(PK, KeyType.HASH), key(SK, KeyType.RANGE))
        .globalSecondaryIndexes(
            GlobalSecondaryIndex.builder()
                .indexName(TIME_INDEX)
                .keySchema(key(TIME_BUCKET, KeyType.HASH), key(TIME_SORT, KeyType.RANGE))
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                .build())
        .build();
  }

  private static AttributeDefinition attribute(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }
}
