package dev.s3proc.handlers.runtime;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.s3proc.core.audit.AuditRecord;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Announces every finished attempt, SUCCEEDED or FAILED, on the results topic (RESULTS_TOPIC_ARN):
 * the object, the outcome, the outputs or the error, as JSON, with {@code status}, {@code
 * workflow}, {@code processor}, {@code errorType} and (on a failure) {@code retry} as message
 * attributes, so that a subscriber can take only what it wants with a filter policy. A notice that
 * cannot be sent is logged, never a reason to fail or retry the file: the audit trail is the
 * record, the notice a courtesy.
 */
final class ResultNotices {
  private final Supplier<SnsClient> sns;
  private final String topicArn;
  private final Telemetry telemetry;

  ResultNotices(Supplier<SnsClient> sns, String topicArn, Telemetry telemetry) {
    this.sns = sns;
    this.topicArn = topicArn;
    this.telemetry = telemetry;
  }

  boolean enabled() {
    return topicArn != null;
  }

  void announce(AuditRecord r) {
    if (topicArn == null) {
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("bucket", r.bucket());
    body.put("key", r.key());
    put(body, "versionId", r.versionId());
    body.put("status", r.status().name());
    put(body, "workflow", r.workflow());
    body.put("processor", r.processor());
    body.put("attempt", r.attempt());
    body.put("attemptId", r.attemptId());
    body.put("outputs", r.outputs());
    put(body, "errorType", r.errorType());
    put(body, "errorMessage", r.errorMessage());
    put(body, "retry", r.retry());
    put(body, "durationMs", r.durationMs());
    put(body, "eventTime", r.eventTime() == null ? null : r.eventTime().toString());
    put(body, "finishedAt", r.finishedAt() == null ? null : r.finishedAt().toString());
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    attribute(attributes, "status", r.status().name());
    attribute(attributes, "workflow", r.workflow());
    attribute(attributes, "processor", r.processor());
    attribute(attributes, "errorType", r.errorType());
    attribute(attributes, "retry", r.retry() == null ? null : r.retry().toString());
    try {
      String json = JSON.std.asString(body);
      sns.get()
          .publish(
              p ->
                  p.topicArn(topicArn)
                      .subject("s3proc " + r.status().name())
                      .message(json)
                      .messageAttributes(attributes));
    } catch (SdkException | IOException e) {
      telemetry.log(
          "WARN",
          "could not announce the result",
          Map.of("topic", topicArn, "key", r.key(), "error", String.valueOf(e.getMessage())));
    }
  }

  private static void put(Map<String, Object> body, String name, Object value) {
    if (value != null) {
      body.put(name, value);
    }
  }

  /** SNS refuses empty attribute values: absent ones are left out. */
  private static void attribute(Map<String, MessageAttributeValue> a, String name, String value) {
    if (value != null && !value.isEmpty()) {
      a.put(name, MessageAttributeValue.builder().dataType("String").stringValue(value).build());
    }
  }
}
