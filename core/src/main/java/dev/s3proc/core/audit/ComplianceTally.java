package dev.s3proc.core.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Where the subscribers of a fan-out topic meet for one upload: an item in the audit table ({@code
 * sk} = {@code R#<version>#<event token>}) that each subscriber's answer is written to with one
 * conditional update. The first answer of a subscriber adds one to {@code answered}; a later one (a
 * redrive that succeeds after a failure) replaces it without counting again. The update returns the
 * item as it now stands, so the subscriber whose answer completes the count knows it, from the
 * write itself: nobody polls, and of two subscribers answering at once exactly one sees the count
 * complete.
 */
public final class ComplianceTally {
  /** The sort-key prefix of a tally; attempts ({@code A#}) and claims ({@code D#}) sort apart. */
  public static final String PREFIX = "R#";

  private static final String ANSWER = "answer.";

  /**
   * One subscriber's answer.
   *
   * @param status SUCCEEDED or FAILED (for good: the file is in the subscriber's DLQ)
   * @param verdict the processor's verdict ({@code scanVerdict}, {@code piiVerdict}, ...), or null
   * @param errorType why it failed, for a failure
   * @param details what the processor recorded (its metadata), or the error message
   * @param outputs what it wrote for the upload (withdrawn when another subscriber finds a virus)
   */
  public record Answer(
      String processor,
      String status,
      String verdict,
      String errorType,
      String attemptId,
      Instant at,
      Map<String, String> details,
      List<String> outputs) {
    public boolean succeeded() {
      return "SUCCEEDED".equals(status);
    }
  }

  /** The tally after an answer: the processors expected, and every answer so far. */
  public record Tally(List<String> expected, Map<String, Answer> answers) {
    /** Whether every expected subscriber has answered. */
    public boolean complete() {
      return answers.keySet().containsAll(expected);
    }
  }

  private final DynamoDbClient dynamo;
  private final String table;
  private final Duration ttl;

  public ComplianceTally(DynamoDbClient dynamo, String table, Duration ttl) {
    this.dynamo = dynamo;
    this.table = table;
    this.ttl = ttl;
  }

  /**
   * Records a subscriber's answer for one upload event and returns the tally as it stands after it.
   */
  public Tally answer(
      String bucket, String key, String version, String token, List<String> expected, Answer a) {
    Map<String, AttributeValue> itemKey =
        Map.of(
            AuditSchema.PK,
            AuditItems.s(AuditSchema.partitionKey(bucket, key)),
            AuditSchema.SK,
            AuditItems.s(PREFIX + (version == null ? "null" : version) + "#" + token));
    Map<String, String> names = Map.of("#a", ANSWER + a.processor());
    Map<String, AttributeValue> answer = Map.of(":a", toValue(a));
    Map<String, AttributeValue> first = new LinkedHashMap<>(answer);
    first.put(":exp", AttributeValue.builder().ss(expected).build());
    first.put(":one", AuditItems.n(1));
    first.put(":ttl", AuditItems.n(a.at().plus(ttl).getEpochSecond()));
    Map<String, AttributeValue> item;
    try {
      item =
          dynamo
              .updateItem(
                  u ->
                      u.tableName(table)
                          .key(itemKey)
                          .updateExpression(
                              "SET #a = :a, expected = :exp, #ttl = :ttl ADD answered :one")
                          .conditionExpression("attribute_not_exists(#a)")
                          .expressionAttributeNames(
                              Map.of("#a", names.get("#a"), "#ttl", AuditSchema.TTL_ATTRIBUTE))
                          .expressionAttributeValues(first)
                          .returnValues(ReturnValue.ALL_NEW))
              .attributes();
    } catch (ConditionalCheckFailedException e) {
      // answered before (a redrive, or a retry after a crash): the new answer replaces it
      item =
          dynamo
              .updateItem(
                  u ->
                      u.tableName(table)
                          .key(itemKey)
                          .updateExpression("SET #a = :a")
                          .expressionAttributeNames(names)
                          .expressionAttributeValues(answer)
                          .returnValues(ReturnValue.ALL_NEW))
              .attributes();
    }
    return fromItem(item, expected);
  }

  static Tally fromItem(Map<String, AttributeValue> item, List<String> fallback) {
    List<String> expected =
        item.containsKey("expected") ? List.copyOf(item.get("expected").ss()) : fallback;
    Map<String, Answer> answers = new TreeMap<>();
    item.forEach(
        (name, v) -> {
          if (name.startsWith(ANSWER)) {
            Answer a = fromValue(name.substring(ANSWER.length()), v);
            answers.put(a.processor(), a);
          }
        });
    return new Tally(expected, answers);
  }

  private static AttributeValue toValue(Answer a) {
    Map<String, AttributeValue> m = new LinkedHashMap<>();
    m.put("status", AuditItems.s(a.status()));
    if (a.verdict() != null) {
      m.put("verdict", AuditItems.s(a.verdict()));
    }
    if (a.errorType() != null) {
      m.put("errorType", AuditItems.s(a.errorType()));
    }
    m.put("attemptId", AuditItems.s(a.attemptId()));
    m.put("at", AuditItems.s(a.at().toString()));
    Map<String, AttributeValue> details = new LinkedHashMap<>();
    a.details().forEach((k, v) -> details.put(k, AuditItems.s(AuditItems.truncate(v, 1000))));
    m.put("details", AttributeValue.builder().m(details).build());
    m.put(
        "outputs",
        AttributeValue.builder().l(a.outputs().stream().map(AuditItems::s).toList()).build());
    return AttributeValue.builder().m(m).build();
  }

  private static Answer fromValue(String processor, AttributeValue v) {
    Map<String, AttributeValue> m = v.m();
    Map<String, String> details = new TreeMap<>();
    if (m.containsKey("details")) {
      m.get("details").m().forEach((k, d) -> details.put(k, d.s()));
    }
    return new Answer(
        processor,
        AuditItems.str(m, "status"),
        AuditItems.str(m, "verdict"),
        AuditItems.str(m, "errorType"),
        AuditItems.str(m, "attemptId"),
        m.containsKey("at") ? Instant.parse(m.get("at").s()) : null,
        details,
        m.containsKey("outputs")
            ? m.get("outputs").l().stream().map(AttributeValue::s).toList()
            : List.of());
  }
}
