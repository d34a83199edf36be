package dev.s3proc.handlers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.core.audit.AuditTrail;
import dev.s3proc.core.event.S3EventParser;
import dev.s3proc.core.event.S3ObjectEvent;
import dev.s3proc.core.testing.FaultProxy;
import dev.s3proc.core.testing.MotoProcess;
import dev.s3proc.handlers.testing.HandlerHarness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Claims that expire with their attempt, on a real moto: a delivery that meets a live claim is
 * deferred and held back, never deleted; an attempt past its deadline is taken over and recorded
 * ABANDONED; a file that keeps killing its attempts ends CRASHED in the DLQ; whatever fails after
 * the claim (the trail itself, memory, the network) leaves the file retryable, and its last
 * delivery reaches the DLQ with the reason.
 */
class ClaimsIT {
  HandlerHarness h;

  @BeforeEach
  void setUp() {
    h = new HandlerHarness();
  }

  private record Upload(String key, String body, JsonNode event) {}

  private Upload upload(String key) throws Exception {
    byte[] bytes = ("content of " + key).getBytes(StandardCharsets.UTF_8);
    JsonNode event = h.event("sqs-moto-s3-event.json", key, bytes.length, h.put(key, bytes));
    return new Upload(key, event.path("Records").get(0).path("body").asText(), event);
  }

  private static S3ObjectEvent parsed(Upload u) {
    return S3EventParser.parse(u.body()).orElseThrow().get(0);
  }

  private List<AuditRecord> history(String key) {
    return h.history(key);
  }

  private List<String> outputs() {
    return h
        .s3
        .listObjectsV2(r -> r.bucket(HandlerHarness.BUCKET).prefix("processed/"))
        .contents()
        .stream()
        .map(o -> o.key())
        .toList();
  }

  @Test
  void aDeliveryThatMeetsALiveClaimIsDeferredAndHeldBackUntilTheClaimExpires() throws Exception {
    String queueUrl = h.sqs.createQueue(r -> r.queueName("image-processing")).queueUrl();
    String arn = "arn:aws:sqs:us-east-1:123456789012:image-processing";
    Upload u = upload("uploads/images/held.jpg");
    h.sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(u.body()));

    CountDownLatch processing = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    ScriptedHandler slow =
        new ScriptedHandler(
            h.env(true),
            input -> {
              processing.countDown();
              finish.await(30, TimeUnit.SECONDS);
            });
    List<Message> first = receive(queueUrl, 1);
    CompletableFuture<JsonNode> holder =
        CompletableFuture.supplyAsync(
            () -> invoke(slow, HandlerHarness.sqsEvent(first, arn), Duration.ofSeconds(4)));
    assertThat(processing.await(20, TimeUnit.SECONDS)).isTrue();

    // the same message delivered again while the first attempt holds its claim
    h.sqs.changeMessageVisibility(
        r -> r.queueUrl(queueUrl).receiptHandle(first.get(0).receiptHandle()).visibilityTimeout(0));
    List<Message> second = receive(queueUrl, 1);
    ScriptedHandler other = new ScriptedHandler(h.env(true), input -> {});
    JsonNode response = h.invoke(other, HandlerHarness.sqsEvent(second, arn));

    assertThat(response.path("batchItemFailures").findValuesAsText("itemIdentifier"))
        .containsExactly(second.get(0).messageId());
    assertThat(history(u.key()))
        .extracting(AuditRecord::status)
        .contains(Status.DEFERRED, Status.PROCESSING);
    assertThat(history(u.key()).get(0).errorMessage()).contains("holds a live claim");
    // held back until the holder's claim expires, not handed out again at once
    assertThat(receiveNow(queueUrl)).isEmpty();
    long heldFrom = System.nanoTime();
    List<Message> third = receive(queueUrl, 20);
    assertThat(third).hasSize(1);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - heldFrom)).isGreaterThan(1000);

    finish.countDown();
    assertThat(holder.get(30, TimeUnit.SECONDS).path("batchItemFailures")).isEmpty();
    JsonNode last = h.invoke(other, HandlerHarness.sqsEvent(third, arn));
    assertThat(last.path("batchItemFailures")).isEmpty();
    assertThat(history(u.key()))
        .extracting(AuditRecord::status)
        .containsExactly(Status.SKIPPED_DUPLICATE, Status.DEFERRED, Status.SUCCEEDED);
    assertThat(outputs()).containsExactly("processed/copies/" + u.key());
  }

  @Test
  void anAttemptPastItsDeadlineIsTakenOverAndRecordedAbandoned() throws Exception {
    Upload u = upload("uploads/images/killed.jpg");
    S3ObjectEvent e = parsed(u);
    Instant started = Instant.now().minusSeconds(70);
    crashedAttempt(e, "killed-attempt", started, started.plusSeconds(60));

    JsonNode response =
        h.invoke(
            new ScriptedHandler(h.env(true), input -> {}),
            HandlerHarness.withReceiveCount(u.event(), 2));

    assertThat(response.path("batchItemFailures")).isEmpty();
    List<AuditRecord> history = history(u.key());
    assertThat(history)
        .extracting(AuditRecord::status)
        .containsExactly(Status.SUCCEEDED, Status.FAILED);
    assertThat(history.get(1).attemptId()).isEqualTo("killed-attempt");
    assertThat(history.get(1).errorType()).isEqualTo(AuditTrail.ABANDONED);
    assertThat(history.get(1).errorMessage()).contains("killed, timed out or ran out of memory");
    assertThat(history.get(0).deadline()).isAfter(history.get(0).startedAt());
  }

  /** Killed between writing its SUCCEEDED record and settling its claim: done, not redone. */
  @Test
  void anAttemptThatSucceededButDiedBeforeSettlingIsNotProcessedAgain() throws Exception {
    Upload u = upload("uploads/images/almost.jpg");
    Instant started = Instant.now().minusSeconds(70);
    crashedAttempt(
        parsed(u), "finished-then-killed", started, started.plusSeconds(60), Status.SUCCEEDED);

    for (int delivery = 2; delivery <= 3; delivery++) {
      JsonNode response =
          h.invoke(
              new ScriptedHandler(h.env(true), input -> {}),
              HandlerHarness.withReceiveCount(u.event(), delivery));
      assertThat(response.path("batchItemFailures")).isEmpty();
    }
    assertThat(history(u.key()))
        .extracting(AuditRecord::status)
        .containsExactly(Status.SKIPPED_DUPLICATE, Status.SKIPPED_DUPLICATE, Status.SUCCEEDED);
    assertThat(history(u.key()).get(1).errorMessage())
        .contains("finished-then-killed ended before it could settle its claim");
    assertThat(outputs()).isEmpty(); // nothing processed again
  }

  @Test
  void aFileThatKeepsKillingItsAttemptsFailsAsCrashedWithItsReasonInTheDlq() throws Exception {
    Upload u = upload("uploads/images/poison.jpg");
    S3ObjectEvent e = parsed(u);
    Instant started = Instant.now().minusSeconds(200);
    crashedAttempt(e, "killed-1", started, started.plusSeconds(60));
    crashedAttempt(e, "killed-2", started.plusSeconds(100), started.plusSeconds(160));

    JsonNode response =
        h.invoke(
            new ScriptedHandler(h.env(true), input -> {}),
            HandlerHarness.withReceiveCount(u.event(), 3));

    assertThat(response.path("batchItemFailures")).isEmpty();
    AuditRecord last = history(u.key()).get(0);
    assertThat(last.status()).isEqualTo(Status.FAILED);
    assertThat(last.errorType()).isEqualTo("CRASHED");
    assertThat(last.errorMessage()).startsWith("2 earlier attempts ended without a result");
    assertThat(history(u.key()))
        .filteredOn(r -> AuditTrail.ABANDONED.equals(r.errorType()))
        .hasSize(2);
    Message dead = h.dlq().get(0);
    assertThat(dead.messageAttributes().get("s3proc-error-type").stringValue())
        .isEqualTo("CRASHED");
    assertThat(outputs()).isEmpty();

    // redriven once its cause is fixed, it is tried again, not failed at once
    JsonNode redriven =
        h.invoke(
            new ScriptedHandler(h.env(true), input -> {}),
            HandlerHarness.withReceiveCount(u.event(), 1));
    assertThat(redriven.path("batchItemFailures")).isEmpty();
    assertThat(history(u.key()).get(0).status()).isEqualTo(Status.SUCCEEDED);
    assertThat(outputs()).containsExactly("processed/copies/" + u.key());
  }

  @Test
  void aFileThatMustBeRetriedIsRetriedAndItsLastDeliveryDeadLetteredWithTheReason()
      throws Exception {
    Upload u = upload("uploads/images/flaky.jpg");
    ScriptedHandler flaky =
        new ScriptedHandler(
            HandlerHarness.with(h.env(true), "MAX_RECEIVE_COUNT", "3"),
            input -> {
              throw SdkClientException.create("Connection reset by the test");
            });

    JsonNode second = h.invoke(flaky, HandlerHarness.withReceiveCount(u.event(), 2));
    assertThat(second.path("batchItemFailures")).hasSize(1);
    assertThat(h.dlq()).isEmpty();

    JsonNode third = h.invoke(flaky, HandlerHarness.withReceiveCount(u.event(), 3));
    assertThat(third.path("batchItemFailures")).isEmpty(); // dead-lettered by the handler
    Message dead = h.dlq().get(0);
    assertThat(dead.body()).isEqualTo(u.body());
    assertThat(dead.messageAttributes().get("s3proc-error-type").stringValue())
        .isEqualTo("TRANSIENT");
    assertThat(dead.messageAttributes().get("s3proc-error").stringValue())
        .contains("Connection reset by the test");
    assertThat(history(u.key()))
        .extracting(AuditRecord::status)
        .containsExactly(Status.FAILED, Status.FAILED);
  }

  @Test
  void runningOutOfMemoryFailsThatFileForRetryAndTheRestOfTheBatchGoesOn() throws Exception {
    Upload hog = upload("uploads/images/hog.jpg");
    Upload fine = upload("uploads/images/fine.jpg");
    ScriptedHandler handler =
        new ScriptedHandler(
            h.env(true),
            input -> {
              if (input.key().contains("hog")) {
                throw new OutOfMemoryError("Java heap space");
              }
            });

    JsonNode response = h.invoke(handler, HandlerHarness.batch(List.of(hog.event(), fine.event())));

    assertThat(response.path("batchItemFailures").findValuesAsText("itemIdentifier"))
        .containsExactly(hog.event().path("Records").get(0).path("messageId").asText());
    assertThat(history(hog.key()).get(0).errorType()).isEqualTo("OUT_OF_MEMORY");
    assertThat(history(fine.key()).get(0).status()).isEqualTo(Status.SUCCEEDED);
    assertThat(h.dlq()).isEmpty();
  }

  /**
   * The "4 files lost": DynamoDB answering 500 to the write that follows the claim (the
   * PROCESSING record). The attempt records its failure as retryable and settles its claim FAILED,
   * so the queue's retry processes the file: never a SKIPPED_DUPLICATE "being processed".
   */
  @Test
  void aTrailThatFailsAfterTheClaimLeavesTheFileRetryableNeverADuplicate() throws Exception {
    Upload u = upload("uploads/images/unlucky.jpg");
    try (FaultProxy proxy = new FaultProxy(MotoProcess.endpoint())) {
      proxy.fail(
          r -> r.operation().equals("PutItem") && r.body().contains("\"PROCESSING\""),
          Duration.ofSeconds(60),
          1000);
      System.setProperty("aws.endpointUrlDynamoDb", proxy.endpoint());
      ScriptedHandler handler;
      try {
        handler = new ScriptedHandler(h.env(true), input -> {});
      } finally {
        System.clearProperty("aws.endpointUrlDynamoDb");
      }
      JsonNode response = h.invoke(handler, u.event());
      assertThat(proxy.injected()).isPositive();
      assertThat(response.path("batchItemFailures")).hasSize(1);
    }
    assertThat(outputs()).isEmpty();
    AuditRecord failed = history(u.key()).get(0);
    assertThat(failed.errorType()).isEqualTo("AUDIT_UNAVAILABLE");
    assertThat(failed.retry()).isTrue();

    JsonNode retried =
        h.invoke(
            new ScriptedHandler(h.env(true), input -> {}),
            HandlerHarness.withReceiveCount(u.event(), 2));
    assertThat(retried.path("batchItemFailures")).isEmpty();
    assertThat(history(u.key()))
        .extracting(AuditRecord::status)
        .containsExactly(Status.SUCCEEDED, Status.FAILED);
    assertThat(outputs()).containsExactly("processed/copies/" + u.key());
  }

  /**
   * When every write after the claim fails — the failure record and the claim's release too — the
   * claim holds until the attempt's deadline: a retry meanwhile is deferred, one after it takes the
   * file over.
   */
  @Test
  void aClaimNobodyCouldSettleHoldsUntilItsDeadlineThenIsTakenOver() throws Exception {
    Upload u = upload("uploads/images/stranded.jpg");
    S3ObjectEvent e = parsed(u);
    Instant started = Instant.now();
    // what such an attempt leaves: its claim, live for a few more seconds, and nothing else
    h.trail.claim(
        e.bucket(),
        e.key(),
        e.versionId(),
        AttemptRunner.claimToken(e, "scripted", null),
        "cut-off",
        started,
        started.plusSeconds(3));
    ScriptedHandler retry = new ScriptedHandler(h.env(true), input -> {});
    JsonNode early = h.invoke(retry, HandlerHarness.withReceiveCount(u.event(), 2));
    assertThat(early.path("batchItemFailures")).hasSize(1);
    assertThat(history(u.key()).get(0).status()).isEqualTo(Status.DEFERRED);
    TimeUnit.MILLISECONDS.sleep(
        Math.max(0, Duration.between(Instant.now(), heldUntil(u)).toMillis() + 500));
    JsonNode later = h.invoke(retry, HandlerHarness.withReceiveCount(u.event(), 3));
    assertThat(later.path("batchItemFailures")).isEmpty();
    assertThat(history(u.key()))
        .extracting(AuditRecord::status)
        .containsExactly(Status.SUCCEEDED, Status.DEFERRED);
    assertThat(outputs()).containsExactly("processed/copies/" + u.key());
  }

  @Test
  void aKeyInsideTheOutputLocationIsRefusedNotProcessed() throws Exception {
    Upload u = upload("processed/copies/uploads/images/loop.jpg");
    JsonNode response = h.invoke(new ScriptedHandler(h.env(true), input -> {}), u.event());
    assertThat(response.path("batchItemFailures")).isEmpty();
    AuditRecord r = history(u.key()).get(0);
    assertThat(r.errorType()).isEqualTo("OUTPUT_LOCATION");
    assertThat(r.errorMessage()).contains("which would loop");
    assertThat(outputs()).containsExactly(u.key()); // only the upload itself: no output of it
    assertThat(h.dlq()).hasSize(1);
  }

  /** When the claim a deferred delivery met expires, as its record says. */
  private Instant heldUntil(Upload u) {
    String message = h.history(u.key()).get(0).errorMessage();
    return Instant.parse(message.replaceAll(".* until (\\S+):.*", "$1"));
  }

  /** What a process killed mid-attempt leaves behind: a claim and a PROCESSING record. */
  private void crashedAttempt(
      S3ObjectEvent e, String attemptId, Instant started, Instant deadline) {
    crashedAttempt(e, attemptId, started, deadline, Status.PROCESSING);
  }

  /** ... or, killed after it recorded its outcome, a claim and that record. */
  private void crashedAttempt(
      S3ObjectEvent e, String attemptId, Instant started, Instant deadline, Status recorded) {
    AuditTrail.Claim claim =
        h.trail.claim(
            e.bucket(),
            e.key(),
            e.versionId(),
            AttemptRunner.claimToken(e, "scripted", null),
            attemptId,
            started,
            deadline);
    if (claim.previous() != null) { // as the attempt would have, before it was killed in turn
      h.trail.markAbandoned(e.bucket(), e.key(), claim.previous(), "killed");
    }
    h.trail.put(
        new AuditRecord(
            e.bucket(),
            e.key(),
            null,
            e.size(),
            e.eTag(),
            e.eventName(),
            e.eventTime(),
            null,
            e.configurationId(),
            "scripted",
            recorded,
            1,
            attemptId,
            started,
            null,
            null,
            null,
            1024,
            "x86_64",
            "killed",
            List.of(),
            null,
            null,
            0L,
            0L,
            Map.of(),
            Map.of(),
            deadline,
            null,
            null));
  }

  private JsonNode invoke(ScriptedHandler handler, JsonNode event, Duration timeout) {
    try {
      return h.invoke(handler, event, timeout);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private List<Message> receive(String queueUrl, int waitSeconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
    while (System.nanoTime() < deadline) {
      List<Message> m =
          h.sqs
              .receiveMessage(
                  r ->
                      r.queueUrl(queueUrl)
                          .waitTimeSeconds(1)
                          .messageSystemAttributeNamesWithStrings("All"))
              .messages();
      if (!m.isEmpty()) {
        return m;
      }
    }
    return List.of();
  }

  private List<Message> receiveNow(String queueUrl) {
    return h.sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(0)).messages();
  }
}
