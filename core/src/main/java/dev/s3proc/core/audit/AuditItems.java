package dev.s3proc.core.audit;

import dev.s3proc.core.audit.AuditRecord.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** How an attempt is stored as a DynamoDB item, and read back: the audit table's item layout. */
final class AuditItems {
  private AuditItems() {}

  /** The item an attempt is stored as, expiring {@code ttl} after it started. */
  static Map<String, AttributeValue> toItem(AuditRecord r, Duration ttl) {
    Map<String, AttributeValue> i = new LinkedHashMap<>();
    String pk = AuditSchema.partitionKey(r.bucket(), r.key());
    i.put(AuditSchema.PK, s(pk));
    i.put(AuditSchema.SK, s(AuditTrail.attemptSortKey(r.startedAt(), r.attemptId())));
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
          AttributeValue.builder().l(r.outputs().stream().map(AuditItems::s).toList()).build());
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
    put(i, "deadline", r.deadline() == null ? null : r.deadline().toString());
    if (r.retry() != null) {
      i.put("retry", AttributeValue.builder().bool(r.retry()).build());
    }
    if (r.vcpu() != null) {
      i.put("vcpu", AttributeValue.builder().n(r.vcpu().toString()).build());
    }
    return i;
  }

  static AuditRecord fromItem(Map<String, AttributeValue> i) {
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
        metadata,
        instant(str(i, "deadline")),
        i.containsKey("retry") ? i.get("retry").bool() : null,
        i.containsKey("vcpu") ? Double.valueOf(i.get("vcpu").n()) : null);
  }

  static String truncate(String s, int max) {
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

  static String str(Map<String, AttributeValue> i, String name) {
    AttributeValue v = i.get(name);
    return v == null ? null : v.s();
  }

  static Long num(Map<String, AttributeValue> i, String name) {
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
