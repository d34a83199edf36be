package dev.s3proc.cli.dlq;

import dev.s3proc.core.event.S3EventParser;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.sqs.model.Message;

/** Which messages a client-mode redrive moves; every criterion given must hold. */
public record RedriveFilter(
    String keyPrefix, Duration olderThan, Duration newerThan, String bodyContains) {
  public boolean isEmpty() {
    return keyPrefix == null && olderThan == null && newerThan == null && bodyContains == null;
  }

  public boolean matches(Message m, long nowMillis) {
    if (bodyContains != null && !m.body().contains(bodyContains)) {
      return false;
    }
    if (olderThan != null || newerThan != null) {
      String sent = m.attributesAsStrings().get("SentTimestamp");
      if (sent == null) {
        return false;
      }
      long age = nowMillis - Long.parseLong(sent);
      if (olderThan != null && age < olderThan.toMillis()) {
        return false;
      }
      if (newerThan != null && age > newerThan.toMillis()) {
        return false;
      }
    }
    if (keyPrefix != null) {
      return S3EventParser.parse(m.body()).orElse(List.of()).stream()
          .anyMatch(e -> e.key().startsWith(keyPrefix));
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (keyPrefix != null) {
      sb.append(" key prefix '").append(keyPrefix).append("'");
    }
    if (olderThan != null) {
      sb.append(" older than ").append(dev.s3proc.core.config.Durations.format(olderThan));
    }
    if (newerThan != null) {
      sb.append(" newer than ").append(dev.s3proc.core.config.Durations.format(newerThan));
    }
    if (bodyContains != null) {
      sb.append(" body containing '").append(bodyContains).append("'");
    }
    return sb.length() == 0 ? "all messages" : sb.toString().trim();
  }
}
