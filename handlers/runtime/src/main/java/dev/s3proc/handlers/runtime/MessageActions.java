package dev.s3proc.handlers.runtime;

import dev.s3proc.core.event.Tree;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * What a handler does to SQS messages beyond its response: dead-letters a message with its reason
 * as message attributes, and holds back a deferred one until the claim it met expires. Both are
 * best effort: when they fail, the message is left to the queue (retried, then moved to the DLQ by
 * its redrive policy). The SQS client is built on first use: most invocations never need it.
 */
final class MessageActions {
  /** SQS's longest visibility timeout. */
  private static final Duration MAX_VISIBILITY = Duration.ofHours(12);

  private final Supplier<SqsClient> sqs;
  private final HandlerConfig config;
  private final Telemetry telemetry;
  private final String processor;
  private final Map<String, String> queueUrls = new ConcurrentHashMap<>();

  MessageActions(
      Supplier<SqsClient> sqs, HandlerConfig config, Telemetry telemetry, String processor) {
    this.sqs = sqs;
    this.config = config;
    this.telemetry = telemetry;
    this.processor = processor;
  }

  /**
   * Sends a body to the function's DLQ with the reason; false when no DLQ is configured or the send
   * failed.
   */
  boolean deadLetter(String body, String type, String reason, String messageId) {
    if (config.deadLetterQueueUrl() == null) {
      return false;
    }
    try {
      sqs.get()
          .sendMessage(
              r ->
                  r.queueUrl(config.deadLetterQueueUrl())
                      .messageBody(body)
                      .messageAttributes(
                          Map.of(
                              "s3proc-error-type", text(String.valueOf(type)),
                              "s3proc-error", text(abbreviate(String.valueOf(reason))),
                              "s3proc-processor", text(processor))));
      return true;
    } catch (SdkException e) {
      telemetry.log(
          "WARN",
          "could not send to the DLQ; the queue will retry the message",
          Map.of(
              "messageId",
              messageId,
              "queueUrl",
              config.deadLetterQueueUrl(),
              "error",
              String.valueOf(e.getMessage())));
      return false;
    }
  }

  /**
   * Keeps an SQS record's message invisible until {@code until}, so that it comes back when the
   * claim it met has expired rather than at once, which would spend its receives.
   */
  void holdUntil(Map<String, Object> record, Instant until) {
    String arn = Tree.text(record, "eventSourceARN", null);
    String receipt = Tree.text(record, "receiptHandle", null);
    if (arn == null || receipt == null || until == null) {
      return;
    }
    long seconds =
        Math.min(
            MAX_VISIBILITY.toSeconds(),
            Math.max(1, Duration.between(Instant.now(), until).toSeconds() + 1));
    try {
      String url = queueUrls.computeIfAbsent(arn, this::queueUrl);
      sqs.get()
          .changeMessageVisibility(
              r -> r.queueUrl(url).receiptHandle(receipt).visibilityTimeout((int) seconds));
    } catch (SdkException | IllegalArgumentException e) {
      telemetry.log(
          "WARN",
          "could not delay the deferred message; it comes back after the queue's visibility timeout",
          Map.of("queue", arn, "error", String.valueOf(e.getMessage())));
    }
  }

  /** arn:aws:sqs:REGION:ACCOUNT:NAME to the queue's URL, as SQS itself resolves it. */
  private String queueUrl(String arn) {
    String[] parts = arn.split(":");
    if (parts.length != 6) {
      throw new IllegalArgumentException("not a queue ARN: " + arn);
    }
    return sqs.get()
        .getQueueUrl(r -> r.queueName(parts[5]).queueOwnerAWSAccountId(parts[4]))
        .queueUrl();
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  static String abbreviate(String s) {
    return s.length() <= 500 ? s : s.substring(0, 500) + "…";
  }
}
