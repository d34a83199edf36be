package dev.s3proc.handlers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.core.audit.ComplianceTally;
import dev.s3proc.core.audit.ComplianceTally.Answer;
import dev.s3proc.core.audit.ComplianceTally.Tally;
import dev.s3proc.handlers.testing.HandlerHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The compliance tally's conditional updates on moto's DynamoDB: subscribers answering at once,
 * exactly one of them completes it; an answer given again (a redrive, a retry after a crash)
 * replaces the first without counting twice.
 */
class ComplianceTallyIT {
  static final List<String> SUBSCRIBERS = List.of("scan", "validate", "pii");
  final HandlerHarness h = new HandlerHarness();
  final ComplianceTally tally =
      new ComplianceTally(h.dynamo, HandlerHarness.TABLE, Duration.ofDays(90));

  static Answer answer(String processor, String status) {
    return new Answer(
        processor,
        status,
        status.equals("SUCCEEDED") ? "CLEAN" : null,
        status.equals("FAILED") ? "TRANSIENT" : null,
        "attempt-" + processor,
        Instant.now(),
        Map.of("engine", "ClamAV 1.4.3"),
        List.of());
  }

  @Test
  void ofSubscribersAnsweringAtOnceExactlyOneCompletesTheTally() throws Exception {
    for (int round = 0; round < 10; round++) {
      String key = "uploads/compliance/file-" + round + ".txt";
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(3);
      List<Future<Tally>> answers = new ArrayList<>();
      for (String p : SUBSCRIBERS) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return tally.answer(
                      "terminus-uploads", key, null, "tok", SUBSCRIBERS, answer(p, "SUCCEEDED"));
                }));
      }
      go.countDown();
      int complete = 0;
      for (Future<Tally> f : answers) {
        complete += f.get().complete() ? 1 : 0;
      }
      pool.shutdown();
      assertThat(complete).as("round " + round).isEqualTo(1);
    }
  }

  @Test
  void anAnswerGivenAgainReplacesTheFirstWithoutCountingTwice() {
    String key = "uploads/compliance/redriven.txt";
    tally.answer("terminus-uploads", key, null, "tok", SUBSCRIBERS, answer("scan", "FAILED"));
    tally.answer(
        "terminus-uploads", key, null, "tok", SUBSCRIBERS, answer("validate", "SUCCEEDED"));
    Tally before =
        tally.answer("terminus-uploads", key, null, "tok", SUBSCRIBERS, answer("pii", "SUCCEEDED"));
    assertThat(before.complete()).isTrue();
    assertThat(before.answers().get("scan").status()).isEqualTo("FAILED");

    Tally after =
        tally.answer(
            "terminus-uploads", key, null, "tok", SUBSCRIBERS, answer("scan", "SUCCEEDED"));
    assertThat(after.complete()).isTrue();
    assertThat(after.answers().get("scan").status()).isEqualTo("SUCCEEDED");
    Map<String, AttributeValue> item =
        h.dynamo
            .getItem(
                g ->
                    g.tableName(HandlerHarness.TABLE)
                        .key(
                            Map.of(
                                "pk", AttributeValue.fromS("terminus-uploads/" + key),
                                "sk", AttributeValue.fromS("R#null#tok"))))
            .item();
    assertThat(item.get("answered").n()).isEqualTo("3");

    // another upload event of the same key is a tally of its own
    Tally next =
        tally.answer(
            "terminus-uploads", key, null, "tok2", SUBSCRIBERS, answer("scan", "SUCCEEDED"));
    assertThat(next.complete()).isFalse();
    assertThat(next.answers()).containsOnlyKeys("scan");
  }
}
