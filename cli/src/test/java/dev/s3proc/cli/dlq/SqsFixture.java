package dev.s3proc.cli.dlq;

import dev.s3proc.cli.aws.ClientFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** Queues and messages for the dlq tests, made with the production client factory. */
final class SqsFixture {
  final ClientFactory aws;

  SqsFixture(ClientFactory aws) {
    this.aws = aws;
  }

  /**
   * A source queue whose RedrivePolicy sends failures to its DLQ; returns {source url, dlq url}.
   */
  String[] pair(String name, boolean fifo) {
    String suffix = fifo ? ".fifo" : "";
    Map<String, String> fifoAttr = fifo ? Map.of("FifoQueue", "true") : Map.of();
    String dlq =
        aws.sqs()
            .createQueue(r -> r.queueName(name + "-dlq" + suffix).attributesWithStrings(fifoAttr))
            .queueUrl();
    String dlqArn =
        aws.sqs()
            .getQueueAttributes(r -> r.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributesAsStrings()
            .get("QueueArn");
    Map<String, String> attrs = new java.util.HashMap<>(fifoAttr);
    attrs.put(
        "RedrivePolicy", "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"5\"}");
    String source =
        aws.sqs()
            .createQueue(r -> r.queueName(name + suffix).attributesWithStrings(attrs))
            .queueUrl();
    return new String[] {source, dlq};
  }

  static String s3Event(String key) {
    return "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"eventTime\":\"2026-11-28T10:00:00.000Z\","
        + "\"s3\":{\"bucket\":{\"name\":\"terminus-uploads\"},\"object\":{\"key\":\""
        + key
        + "\",\"size\":3,\"eTag\":\"e\"}}}]}";
  }

  /** Sends n messages with the bodies given, each with a message attribute n = its index. */
  void send(String url, int n, IntFunction<String> body, IntFunction<String> groupId) {
    for (int i = 0; i < n; i += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int j = i; j < Math.min(n, i + 10); j++) {
        SendMessageBatchRequestEntry.Builder e =
            SendMessageBatchRequestEntry.builder()
                .id("m" + j)
                .messageBody(body.apply(j))
                .messageAttributes(
                    Map.of(
                        "n",
                        MessageAttributeValue.builder()
                            .dataType("Number")
                            .stringValue(Integer.toString(j))
                            .build()));
        if (groupId != null) {
          e.messageGroupId(groupId.apply(j)).messageDeduplicationId("d" + j);
        }
        entries.add(e.build());
      }
      var result = aws.sqs().sendMessageBatch(r -> r.queueUrl(url).entries(entries));
      if (!result.failed().isEmpty()) {
        throw new IllegalStateException(result.failed().toString());
      }
    }
  }

  /** Receives and deletes everything visible. */
  List<Message> drain(String url) {
    List<Message> all = new ArrayList<>();
    int empty = 0;
    while (empty < 2) {
      List<Message> batch =
          aws.sqs()
              .receiveMessage(
                  r ->
                      r.queueUrl(url)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .messageAttributeNames("All")
                          .messageSystemAttributeNamesWithStrings("All"))
              .messages();
      if (batch.isEmpty()) {
        empty++;
        continue;
      }
      empty = 0;
      all.addAll(batch);
      for (Message m : batch) {
        aws.sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
      }
    }
    return all;
  }

  long count(String url, String attribute) {
    return Long.parseLong(
        aws.sqs()
            .getQueueAttributes(r -> r.queueUrl(url).attributeNamesWithStrings(attribute))
            .attributesAsStrings()
            .get(attribute));
  }

  long visible(String url) {
    return count(url, "ApproximateNumberOfMessages");
  }

  long inFlight(String url) {
    return count(url, "ApproximateNumberOfMessagesNotVisible");
  }
}
