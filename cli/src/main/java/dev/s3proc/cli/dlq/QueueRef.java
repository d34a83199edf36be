package dev.s3proc.cli.dlq;

import java.util.Map;

/** A queue resolved from a name, URL or ARN: where to call it and what it is. */
public record QueueRef(String name, String url, String arn, Map<String, String> attributes) {
  public boolean fifo() {
    return name.endsWith(".fifo");
  }

  public long visible() {
    return number("ApproximateNumberOfMessages");
  }

  public long inFlight() {
    return number("ApproximateNumberOfMessagesNotVisible");
  }

  private long number(String attribute) {
    try {
      return Long.parseLong(attributes.getOrDefault(attribute, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
