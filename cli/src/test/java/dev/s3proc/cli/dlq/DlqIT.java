package dev.s3proc.cli.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.testing.Cli;
import dev.s3proc.cli.testing.ElasticMq;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

/** dlq against ElasticMQ (SQS) and moto (everything else), as a user would point them. */
@ExtendWith(ElasticMq.class)
class DlqIT {
  ClientFactory aws;
  SqsFixture sqs;
  final Cli cli = new Cli();

  @BeforeEach
  void setUp() {
    aws = ElasticMq.clients();
    sqs = new SqsFixture(aws);
  }

  @AfterEach
  void tearDown() {
    aws.close();
  }

  static Set<String> bodies(List<Message> messages) {
    Set<String> out = new HashSet<>();
    messages.forEach(m -> out.add(m.body()));
    return out;
  }

  @Test
  void aFilteredRedriveMovesExactlyTheMatchingMessagesWithTheirAttributes() {
    String[] q = sqs.pair("images", false);
    sqs.send(
        q[1],
        30,
        i ->
            SqsFixture.s3Event(
                (i % 3 == 0 ? "uploads/images/" : "uploads/other/") + "f" + i + ".jpg"),
        null);

    Cli.Result r =
        cli.run(
            "dlq",
            "redrive",
            "images-dlq",
            "--key-prefix",
            "uploads/images/",
            "--yes",
            "-o",
            "json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("\"mode\" : \"client\"", "\"moved\" : 10", "\"skipped\" : 20", "\"failed\" : 0");

    List<Message> moved = sqs.drain(q[0]);
    assertThat(moved)
        .hasSize(10)
        .allSatisfy(
            m -> {
              assertThat(m.body()).contains("uploads/images/");
              String n = m.messageAttributes().get("n").stringValue();
              assertThat(m.body()).contains("f" + n + ".jpg");
              assertThat(m.messageAttributes().get("n").dataType()).isEqualTo("Number");
            });
    assertThat(sqs.drain(q[1]))
        .hasSize(20)
        .allSatisfy(m -> assertThat(m.body()).contains("uploads/other/"));
  }

  @Test
  void aFullClientRedriveMovesEverythingAndTheSummaryMatches() {
    String[] q = sqs.pair("docs", false);
    sqs.send(q[1], 200, i -> "message " + i, null);

    Cli.Result r =
        cli.run("dlq", "redrive", "docs-dlq", "--mode", "client", "--concurrency", "4", "--yes");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("client", "docs-dlq", "docs ", " 200 ");
    assertThat(bodies(sqs.drain(q[0]))).hasSize(200);
    assertThat(sqs.visible(q[1]) + sqs.inFlight(q[1])).isZero();
  }

  @Test
  void nativeModeUsesAMessageMoveTask() {
    String[] q = sqs.pair("native", false);
    sqs.send(q[1], 50, i -> "message " + i, null);

    Cli.Result r = cli.run("dlq", "redrive", "native-dlq", "--yes", "-o", "json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("\"mode\" : \"native\"", "\"moved\" : 50");
    assertThat(bodies(sqs.drain(q[0]))).hasSize(50);
  }

  @Test
  void peekLeavesTheQueueAsItWas() {
    String[] q = sqs.pair("peek", false);
    sqs.send(q[1], 15, i -> SqsFixture.s3Event("uploads/my+photo+%C3%A9+" + i + ".jpg"), null);

    Cli.Result r = cli.run("dlq", "peek", "peek-dlq", "-n", "20", "-o", "json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("\"key\" : \"uploads/my photo é 0.jpg\"", "\"bucket\" : \"terminus-uploads\"");
    assertThat(r.out().split("\"messageId\"")).hasSize(16);
    assertThat(sqs.visible(q[1])).isEqualTo(15);
    assertThat(sqs.inFlight(q[1])).isZero();
  }

  @Test
  void dryRunChangesNothing() {
    String[] q = sqs.pair("dry", false);
    sqs.send(q[1], 20, i -> SqsFixture.s3Event("uploads/images/" + i + ".jpg"), null);

    Cli.Result r =
        cli.run(
            "dlq",
            "redrive",
            "dry-dlq",
            "--key-prefix",
            "uploads/images/1",
            "--dry-run",
            "-o",
            "json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("\"dryRun\" : true", "\"moved\" : 0", "\"skipped\" : 9");
    assertThat(r.out().split("\"wouldMove\"")[1]).contains(",");
    assertThat(sqs.visible(q[1])).isEqualTo(20);
    assertThat(sqs.visible(q[0])).isZero();
  }

  @Test
  void fifoGroupIdsSurvive() {
    String[] q = sqs.pair("orders", true);
    sqs.send(q[1], 6, i -> "order " + i, i -> "group-" + (i % 2));

    Cli.Result r = cli.run("dlq", "redrive", "orders-dlq.fifo", "--mode", "client", "--yes");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<Message> moved = sqs.drain(q[0]);
    assertThat(moved)
        .hasSize(6)
        .allSatisfy(
            m -> {
              int n = Integer.parseInt(m.body().substring("order ".length()));
              assertThat(m.attributesAsStrings().get("MessageGroupId"))
                  .isEqualTo("group-" + (n % 2));
            });
  }

  @Test
  void mistakesAreOneClearLineAndChangeNothing() {
    String[] q = sqs.pair("a", false);
    String[] fifo = sqs.pair("b", true);
    sqs.send(q[1], 3, i -> "m" + i, null);

    Cli.Result unknown = cli.run("dlq", "peek", "nope");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("queue nope does not exist in us-east-1");

    Cli.Result notDlq = cli.run("dlq", "redrive", "a", "--yes");
    assertThat(notDlq.exitCode()).isEqualTo(1);
    assertThat(notDlq.err()).contains("queue a is not a dead-letter queue").contains("--to");

    Cli.Result mismatch = cli.run("dlq", "redrive", "a-dlq", "--to", "b.fifo", "--yes");
    assertThat(mismatch.exitCode()).isEqualTo(1);
    assertThat(mismatch.err())
        .contains("cannot redrive from standard queue a-dlq to FIFO queue b.fifo");

    Cli.Result noTerminal = cli.run("dlq", "redrive", "a-dlq");
    assertThat(noTerminal.exitCode()).isEqualTo(2);
    assertThat(sqs.visible(q[1])).isEqualTo(3);
    assertThat(fifo).hasSize(2);
  }

  @Test
  void exportWritesEveryMessageAndDeletesOnlyWhatWasWritten(@TempDir Path tmp) throws IOException {
    String[] q = sqs.pair("exp", false);
    sqs.send(q[1], 25, i -> "message " + i, null);

    Path keep = tmp.resolve("keep.jsonl");
    Cli.Result copy = cli.run("dlq", "export", "exp-dlq", "-f", keep.toString(), "-o", "json");
    assertThat(copy.exitCode()).as(copy.toString()).isZero();
    assertThat(Files.readAllLines(keep))
        .hasSize(25)
        .allSatisfy(
            l -> assertThat(l).contains("\"messageAttributes\":{\"n\":{\"dataType\":\"Number\""));
    assertThat(sqs.visible(q[1])).isEqualTo(25);
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(keep)))
        .as("the export names what users uploaded: only its owner may read it")
        .isEqualTo("rw-------");

    Path moved = tmp.resolve("moved.jsonl");
    Cli.Result export =
        cli.run(
            "dlq", "export", "exp-dlq", "-f", moved.toString(), "--delete", "--yes", "-o", "json");
    assertThat(export.out()).contains("\"exported\" : 25", "\"deleted\" : 25");
    assertThat(Files.readAllLines(moved)).hasSize(25);
    assertThat(sqs.visible(q[1]) + sqs.inFlight(q[1])).isZero();

    assertThat(cli.run("dlq", "export", "exp-dlq", "-f", moved.toString()).err())
        .contains("already exists");
  }

  @Test
  void purgeAsksAndThenEmptiesTheQueue() {
    String[] q = sqs.pair("p", false);
    sqs.send(q[1], 5, i -> "m" + i, null);
    assertThat(cli.run("dlq", "purge", "p-dlq", "--dry-run").err())
        .contains("would purge 5 visible");
    assertThat(cli.stdin("n\n").run("dlq", "purge", "p-dlq").err()).contains("nothing was purged");
    assertThat(sqs.visible(q[1])).isEqualTo(5);
    assertThat(new Cli().run("dlq", "purge", "p-dlq", "--yes").exitCode()).isZero();
    await(() -> sqs.visible(q[1]) == 0);
  }

  @Test
  void aRedriveKilledWithSigkillAndRunAgainLosesNothing() throws Exception {
    String[] q = sqs.pair("kill", false);
    int total = 2000;
    sqs.send(q[1], total, i -> "message-" + i, null);

    Path jar = Path.of("target", "s3proc.jar").toAbsolutePath();
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "dlq",
                "redrive",
                "kill-dlq",
                "--mode",
                "client",
                "--rate",
                "400",
                "--concurrency",
                "2",
                "--visibility-timeout",
                "3s",
                "--yes")
            .redirectErrorStream(true)
            .redirectOutput(Path.of("target", "killed-redrive.log").toFile());
    Map<String, String> env = pb.environment();
    env.put("AWS_ENDPOINT_URL_SQS", ElasticMq.endpoint());
    env.put("AWS_ENDPOINT_URL", dev.s3proc.cli.testing.Moto.endpoint());
    env.put("AWS_ACCESS_KEY_ID", "testing");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    env.put("AWS_REGION", "us-east-1");
    Process p = pb.start();
    await(() -> sqs.visible(q[0]) >= 300);
    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    long movedBeforeKill = sqs.visible(q[0]);
    assertThat(movedBeforeKill).as("killed mid-run").isLessThan(total);

    await(() -> sqs.inFlight(q[1]) == 0); // the killed run's hidden messages come back after 3 s
    Cli.Result again =
        cli.run("dlq", "redrive", "kill-dlq", "--mode", "client", "--yes", "-o", "json");
    assertThat(again.exitCode()).as(again.toString()).isZero();

    List<Message> arrived = sqs.drain(q[0]);
    Map<String, Integer> copies = new HashMap<>();
    arrived.forEach(m -> copies.merge(m.body(), 1, Integer::sum));
    assertThat(copies).hasSize(total);
    long duplicates = arrived.size() - total;
    assertThat(duplicates)
        .as("at most the batches in flight: 2 workers x 10")
        .isLessThanOrEqualTo(20);
    assertThat(sqs.visible(q[1]) + sqs.inFlight(q[1])).isZero();
  }

  static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 60 s");
      }
      try {
        TimeUnit.MILLISECONDS.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
