package dev.s3proc.cli.demo;

import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.core.config.PipelineConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The demo's subscriber to the pipeline's results topic: a queue of its own, subscribed with raw
 * delivery (so the notice's attributes arrive as message attributes), removed when the demo ends.
 */
final class ResultWatch implements AutoCloseable {
  private final ClientFactory clients;
  private final String queueUrl;
  private final String subscriptionArn;
  final String topic;

  private ResultWatch(ClientFactory clients, String topic, String queueUrl, String subscription) {
    this.clients = clients;
    this.topic = topic;
    this.queueUrl = queueUrl;
    this.subscriptionArn = subscription;
  }

  /** Subscribes to the results topic; null when the pipeline announces no results. */
  static ResultWatch start(ClientFactory clients, PipelineConfig config) {
    String topic = config.results().topic();
    if (topic == null) {
      return null;
    }
    String topicArn = clients.sns().createTopic(r -> r.name(topic)).topicArn(); // exists: its ARN
    String url = clients.sqs().createQueue(r -> r.queueName("s3proc-demo-results")).queueUrl();
    String queueArn =
        clients
            .sqs()
            .getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    String subscription =
        clients
            .sns()
            .subscribe(
                r ->
                    r.topicArn(topicArn)
                        .protocol("sqs")
                        .endpoint(queueArn)
                        .attributes(Map.of("RawMessageDelivery", "true"))
                        .returnSubscriptionArn(true))
            .subscriptionArn();
    return new ResultWatch(clients, topic, url, subscription);
  }

  /** The notices received within {@code within}, at most {@code count}. */
  List<Message> notices(int count, Duration within) {
    List<Message> got = new ArrayList<>();
    long deadline = System.nanoTime() + within.toNanos();
    while (got.size() < count && System.nanoTime() < deadline) {
      got.addAll(
          clients
              .sqs()
              .receiveMessage(
                  r ->
                      r.queueUrl(queueUrl)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .messageAttributeNames("All"))
              .messages());
    }
    return got;
  }

  @Override
  public void close() {
    try {
      clients.sns().unsubscribe(r -> r.subscriptionArn(subscriptionArn));
      clients.sqs().deleteQueue(r -> r.queueUrl(queueUrl));
    } catch (RuntimeException e) {
      // the stack may be stopping already: nothing of it outlives it
    }
  }
}
