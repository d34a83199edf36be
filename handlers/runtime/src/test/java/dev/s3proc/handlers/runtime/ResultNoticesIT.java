package dev.s3proc.handlers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.s3proc.handlers.testing.HandlerHarness;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Every finished attempt announced on the results topic, on a real moto: one message per attempt,
 * its outcome as JSON, and the attributes a subscription filter policy selects on, delivered by
 * moto to an SQS subscriber as SNS delivers them.
 */
class ResultNoticesIT {
  HandlerHarness h;
  SnsClient sns;
  String topicArn;
  String queueUrl;
  String pagerUrl;

  @BeforeEach
  void setUp() {
    h = new HandlerHarness();
    sns = SnsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    topicArn = sns.createTopic(r -> r.name("processing-results")).topicArn();
    queueUrl = h.sqs.createQueue(r -> r.queueName("results-subscriber")).queueUrl();
    String queueArn = "arn:aws:sqs:us-east-1:123456789012:results-subscriber";
    sns.subscribe(
        r ->
            r.topicArn(topicArn)
                .protocol("sqs")
                .endpoint(queueArn)
                .attributes(Map.of("RawMessageDelivery", "true")));
    // the 3 a.m. subscriber: only failures that will not be tried again
    pagerUrl = h.sqs.createQueue(r -> r.queueName("results-pager")).queueUrl();
    sns.subscribe(
        r ->
            r.topicArn(topicArn)
                .protocol("sqs")
                .endpoint("arn:aws:sqs:us-east-1:123456789012:results-pager")
                .attributes(
                    Map.of(
                        "RawMessageDelivery",
                        "true",
                        "FilterPolicy",
                        "{\"status\": [\"FAILED\"], \"retry\": [\"false\"]}")));
  }

  private List<Message> receive(String url, int atMost) {
    List<Message> got = new ArrayList<>();
    for (int i = 0; i < 5 && got.size() < atMost; i++) {
      got.addAll(
          h.sqs
              .receiveMessage(
                  r ->
                      r.queueUrl(url)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .messageAttributeNames("All"))
              .messages());
    }
    return got;
  }

  @Test
  void eachFinishedAttemptIsAnnouncedWithFilterableAttributes() throws Exception {
    ScriptedHandler handler =
        new ScriptedHandler(
            HandlerHarness.with(h.env(true), "RESULTS_TOPIC_ARN", topicArn),
            input -> {
              if (input.key().contains("bad")) {
                throw new PermanentFailure("CORRUPT", "not what it claims to be");
              }
            });
    List<JsonNode> events = new ArrayList<>();
    for (String key : List.of("uploads/images/good.jpg", "uploads/images/bad.jpg")) {
      byte[] bytes = ("content of " + key).getBytes(StandardCharsets.UTF_8);
      events.add(h.event("sqs-moto-s3-event.json", key, bytes.length, h.put(key, bytes)));
    }
    h.invoke(handler, HandlerHarness.batch(events));

    List<Message> notices = receive(queueUrl, 2);
    assertThat(notices).hasSize(2);
    ObjectMapper json = new ObjectMapper();
    for (Message m : notices) {
      JsonNode body = json.readTree(m.body());
      Map<String, MessageAttributeValue> a = m.messageAttributes();
      assertThat(a.get("processor").stringValue()).isEqualTo("scripted");
      assertThat(a.get("workflow").stringValue())
          .isEqualTo("s3proc.media-ingest.process-images-jpg");
      if (body.path("key").asText().endsWith("good.jpg")) {
        assertThat(a.get("status").stringValue()).isEqualTo("SUCCEEDED");
        assertThat(a).doesNotContainKey("errorType");
        assertThat(body.path("outputs").get(0).asText())
            .isEqualTo("s3://terminus-uploads/processed/copies/uploads/images/good.jpg");
      } else {
        assertThat(a.get("status").stringValue()).isEqualTo("FAILED");
        assertThat(a.get("errorType").stringValue()).isEqualTo("CORRUPT");
        assertThat(body.path("errorMessage").asText()).isEqualTo("not what it claims to be");
        assertThat(body.path("retry").asBoolean()).isFalse();
      }
      assertThat(body.path("durationMs").asLong()).isPositive();
      assertThat(body.path("bucket").asText()).isEqualTo(HandlerHarness.BUCKET);
    }
    assertThat(h.history("uploads/images/good.jpg").get(0).requests()).containsEntry("sns", 1L);

    List<Message> paged = receive(pagerUrl, 2);
    assertThat(paged).hasSize(1);
    assertThat(json.readTree(paged.get(0).body()).path("key").asText())
        .isEqualTo("uploads/images/bad.jpg");
  }

  @Test
  void aTransientFailureIsAnnouncedAsOneThatWillBeRetried() throws Exception {
    ScriptedHandler handler =
        new ScriptedHandler(
            HandlerHarness.with(h.env(true), "RESULTS_TOPIC_ARN", topicArn),
            input -> {
              throw new java.io.UncheckedIOException(new java.io.IOException("connection reset"));
            });
    String key = "uploads/images/flaky.jpg";
    byte[] bytes = "flaky".getBytes(StandardCharsets.UTF_8);
    h.invoke(
        handler,
        HandlerHarness.batch(
            List.of(h.event("sqs-moto-s3-event.json", key, bytes.length, h.put(key, bytes)))));

    List<Message> notices = receive(queueUrl, 1);
    assertThat(notices).hasSize(1);
    assertThat(notices.get(0).messageAttributes().get("status").stringValue()).isEqualTo("FAILED");
    assertThat(notices.get(0).messageAttributes().get("retry").stringValue()).isEqualTo("true");
    assertThat(receive(pagerUrl, 1)).as("the pager hears only final failures").isEmpty();
  }

  @Test
  void aTopicThatCannotBeReachedNeitherFailsNorRetriesTheFile() throws Exception {
    String missing = "arn:aws:sns:us-east-1:123456789012:no-such-topic";
    ScriptedHandler handler =
        new ScriptedHandler(
            HandlerHarness.with(h.env(true), "RESULTS_TOPIC_ARN", missing), input -> {});
    String key = "uploads/images/quiet.jpg";
    byte[] bytes = "quiet".getBytes(StandardCharsets.UTF_8);
    h.invoke(
        handler,
        HandlerHarness.batch(
            List.of(h.event("sqs-moto-s3-event.json", key, bytes.length, h.put(key, bytes)))));

    assertThat(h.history(key).get(0).status())
        .isEqualTo(dev.s3proc.core.audit.AuditRecord.Status.SUCCEEDED);
    assertThat(h.history(key)).hasSize(1);
  }
}
