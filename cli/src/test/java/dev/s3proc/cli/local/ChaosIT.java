package dev.s3proc.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.s3proc.cli.GlobalOptions;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.testing.Cli;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.core.audit.AuditTrail;
import dev.s3proc.core.testing.FaultProxy;
import dev.s3proc.core.testing.HostileFiles;
import dev.s3proc.core.testing.MotoProcess;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The invariant, under faults, on the whole local pipeline (moto, the runner, the real handler
 * jars): every uploaded object ends SUCCEEDED, or FAILED with its reason and in a DLQ; none is
 * lost, none is processed twice with effects. The handlers reach moto's S3 and DynamoDB through a
 * {@link FaultProxy} (the SDK's AWS_ENDPOINT_URL_S3 / _DYNAMODB, which `local up` passes on), so
 * that a test can take answers away; `audit reconcile` is the oracle that every object is accounted
 * for.
 */
class ChaosIT {
  static final String PIPELINE = "src/test/resources/chaos/pipeline.yaml";
  static final String BUCKET = "chaos-uploads";
  static final String OUTPUTS = "chaos-processed";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path state;
  static FaultProxy proxy;
  static Cli cli;
  static ClientFactory aws;
  static AuditTrail trail;

  @BeforeAll
  static void up() {
    int port = MotoProcess.freePort();
    proxy = new FaultProxy("http://127.0.0.1:" + port);
    cli =
        new Cli()
            .env("S3PROC_STATE_DIR", state.toString())
            .env("S3PROC_HOME", Path.of("..").toAbsolutePath().normalize().toString())
            .env("AWS_ENDPOINT_URL_DYNAMODB", proxy.endpoint())
            .env("AWS_ENDPOINT_URL_S3", proxy.endpoint());
    Cli.Result up = cli.run("local", "up", "--port", Integer.toString(port), "-f", PIPELINE);
    assertThat(up.exitCode()).as(up.toString()).isZero();
    GlobalOptions options = new GlobalOptions();
    new CommandLine(options).parseArgs("--local");
    aws = new ClientFactory(options, new LocalState(state));
    trail = new AuditTrail(aws.dynamoDb(), "chaos-audit", Duration.ofDays(1));
  }

  @AfterAll
  static void down() {
    if (aws != null) {
      aws.close();
    }
    cli.run("local", "down");
    proxy.close();
  }

  /** A test that killed the runner leaves it to `local up` to start it again, as a user would. */
  @BeforeEach
  void runnerUp() {
    Cli.Result up = cli.run("local", "up", "-f", PIPELINE);
    assertThat(up.exitCode()).as(up.toString()).isZero();
    await(Duration.ofSeconds(60), () -> cli.run("local", "status").exitCode() == 0);
  }

  @Test
  void killedMidBurstNothingIsLostOrProcessedTwice() throws Exception {
    String prefix = "uploads/images/kill/";
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 30; i++) { // 12 MP each: an attempt lasts long enough to be killed in
      keys.add(prefix + "photo " + i + ".jpg");
      put(keys.get(i), jpeg(i, 4000, 3000));
    }
    await(
        Duration.ofSeconds(60),
        () -> keys.stream().anyMatch(k -> statuses(k).contains(Status.PROCESSING)));
    LocalState.Runner runner = new LocalState(state).runner().orElseThrow();
    killRunnerAndWorkers(runner);
    Cli.Result down = cli.run("local", "status");
    assertThat(down.exitCode()).as(down.toString()).isEqualTo(1);

    runnerUp();
    settle(prefix, keys.size());
    for (String key : keys) {
      assertThat(statuses(key))
          .as(
              key
                  + ": "
                  + trail.history(BUCKET, key, null).stream()
                      .map(r -> r.status() + " " + r.errorType() + " " + r.errorMessage())
                      .toList())
          .containsOnlyOnce(Status.SUCCEEDED);
    }
    assertThat(keys.stream().flatMap(k -> trail.history(BUCKET, k, null).stream()))
        .as("the kill hit attempts in flight, which retries took over")
        .anyMatch(r -> AuditTrail.ABANDONED.equals(r.errorType()));
    assertThat(outputs("thumbnails/" + prefix)).isEqualTo(2L * keys.size());
    assertThat(dlq("chaos-images-dlq")).isEmpty();
  }

  /**
   * Batches that outlast the runner's 10 s visibility timeout (ten 12-megapixel photos in a batch)
   * are kept invisible while in flight: a healthy run delivers nothing twice.
   */
  @Test
  void aSlowBatchIsNeverDeliveredTwice() throws Exception {
    String prefix = "uploads/images/slow/";
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      keys.add(prefix + "photo " + i + ".jpg");
      put(keys.get(i), jpeg(i, 4000, 3000));
    }
    settle(prefix, keys.size());
    for (String key : keys) {
      assertThat(statuses(key)).as(key).containsExactly(Status.SUCCEEDED);
    }
  }

  /** The "4 files lost": DynamoDB answering 500 to the write that follows the claim. */
  @Test
  void dynamoDbFailingBetweenClaimAndWriteLosesNothing() throws Exception {
    String prefix = "uploads/images/ddb/";
    int before = proxy.injected();
    proxy.fail(
        r ->
            r.operation().equals("PutItem")
                && r.body().contains("\"PROCESSING\"")
                && r.body().contains(prefix),
        Duration.ofSeconds(5),
        1_000);
    List<String> keys = upload(prefix, 10);
    settle(prefix, keys.size());
    assertThat(proxy.injected()).isGreaterThan(before);
    for (String key : keys) {
      assertThat(statuses(key)).as(key).containsOnlyOnce(Status.SUCCEEDED);
    }
    assertThat(outputs("thumbnails/" + prefix)).isEqualTo(2L * keys.size());
  }

  @Test
  void aHostilePdfFailsAloneWithItsReasonAndTheRestIsProcessed() throws Exception {
    String docs = "uploads/documents/hostile/";
    String images = "uploads/images/beside-hostile/";
    put(docs + "bomb.pdf", HostileFiles.glyphBombPdf(200_000_000L));
    put(docs + "fine-1.pdf", HostileFiles.glyphBombPdf(2_000));
    put(docs + "fine-2.pdf", HostileFiles.glyphBombPdf(3_000));
    List<String> keys = upload(images, 10);

    settle(docs, 3);
    settle(images, keys.size());
    AuditRecord bomb = trail.history(BUCKET, docs + "bomb.pdf", null).get(0);
    assertThat(bomb.status()).isEqualTo(Status.FAILED);
    assertThat(bomb.errorType()).isEqualTo("TOO_LARGE");
    assertThat(statuses(docs + "fine-1.pdf")).containsOnlyOnce(Status.SUCCEEDED);
    List<Message> dead = dlq("chaos-documents-dlq");
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).body()).contains("bomb.pdf");
    assertThat(dead.get(0).messageAttributes().get("s3proc-error-type").stringValue())
        .isEqualTo("TOO_LARGE");
    LocalState.Runner runner = new LocalState(state).runner().orElseThrow();
    assertThat(runner.workers()).allSatisfy(w -> assertThat(w.state()).isEqualTo("running"));
  }

  @Test
  void duplicateDeliveriesAreProcessedOnce() throws Exception {
    String queue = aws.sqs().getQueueUrl(r -> r.queueName("chaos-images")).queueUrl();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String key = "elsewhere/dup-" + i + ".jpg"; // no rule routes it: only our copies arrive
      String eTag = put(key, jpeg(i));
      keys.add(key);
      String event =
          "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"eventTime\":"
              + "\"2026-11-29T10:00:00.000Z\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{"
              + "\"configurationId\":\"dup\",\"bucket\":{\"name\":\""
              + BUCKET
              + "\"},\"object\":{\"key\":\""
              + key
              + "\",\"size\":1,\"eTag\":\""
              + eTag
              + "\",\"sequencer\":\"00DUP"
              + i
              + "\"}}}]}";
      // three copies a moment apart (moto's DynamoDB, unlike DynamoDB, does not serialize two
      // conditional writes to one item sent in the very same instant)
      for (int c = 0; c < 3; c++) {
        aws.sqs().sendMessage(r -> r.queueUrl(queue).messageBody(event));
        TimeUnit.MILLISECONDS.sleep(300);
      }
    }
    await(
        Duration.ofSeconds(90),
        () ->
            keys.stream()
                .allMatch(
                    k ->
                        statuses(k).stream()
                                .filter(s -> s == Status.SUCCEEDED || s == Status.SKIPPED_DUPLICATE)
                                .count()
                            == 3));
    for (String key : keys) {
      assertThat(statuses(key)).as(key).containsOnlyOnce(Status.SUCCEEDED);
    }
    assertThat(outputs("thumbnails/elsewhere/")).isEqualTo(2L * keys.size());
  }

  @Test
  void handlersCutOffFromMotoForAWhileLoseNothing() throws Exception {
    String prefix = "uploads/images/blackout/";
    proxy.blackout(Duration.ofSeconds(8));
    List<String> keys = upload(prefix, 8);
    settle(prefix, keys.size());
    for (String key : keys) {
      assertThat(statuses(key)).as(key).containsOnlyOnce(Status.SUCCEEDED);
    }
    assertThat(dlq("chaos-images-dlq")).isEmpty();
  }

  /**
   * SIGKILLs the runner and its workers and returns once they are gone: the signal is sent at once
   * but delivered later, and `local status` asked in between still sees them running.
   */
  static void killRunnerAndWorkers(LocalState.Runner runner) throws Exception {
    List<ProcessHandle> killed = new ArrayList<>();
    for (LocalState.Worker w : runner.workers()) {
      ProcessHandle.of(w.pid()).ifPresent(killed::add);
    }
    ProcessHandle.of(runner.pid()).ifPresent(killed::add);
    killed.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : killed) {
      p.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** The "done when": a file deliberately left unprocessed is found and requeued. */
  @Test
  void reconcileFindsAnUploadWhoseEventWasLostAndRequeueCompletesIt() throws Exception {
    killRunnerAndWorkers(new LocalState(state).runner().orElseThrow());
    String key = "uploads/images/lost/forgotten.jpg";
    put(key, jpeg(7));
    String queue = aws.sqs().getQueueUrl(r -> r.queueName("chaos-images")).queueUrl();
    await(Duration.ofSeconds(10), () -> depth(queue) > 0);
    aws.sqs().purgeQueue(r -> r.queueUrl(queue)); // the event is lost, as if never delivered

    Cli.Result found = reconcile("uploads/images/lost/");
    assertThat(found.exitCode()).as(found.toString()).isEqualTo(1);
    assertThat(found.out()).contains("NEVER_SEEN", key, "queue chaos-images", "chaos-images-dlq");
    assertThat(found.err()).contains("1 unaccounted for", "--requeue");

    runnerUp();
    Cli.Result requeued = reconcile("uploads/images/lost/", "--requeue", "--yes");
    assertThat(requeued.exitCode()).as(requeued.toString()).isZero();
    assertThat(requeued.err()).contains("requeued 1 of 1");
    settle("uploads/images/lost/", 1);
    assertThat(statuses(key)).containsExactly(Status.SUCCEEDED);
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** Waits until reconcile accounts for every object under a prefix, then checks it says so. */
  static void settle(String prefix, int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
    JsonNode r = null;
    while (System.nanoTime() < deadline) {
      Cli.Result run = reconcile(prefix, "-o", "json");
      r = JSON.readTree(run.out());
      if (r.path("routed").asLong() == expected
          && r.path("processed").asLong() + r.path("failed").asLong() == expected) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(r.path("unaccounted").asLong()).isZero();
        return;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    throw new AssertionError("not every object under " + prefix + " settled in 150 s: " + r);
  }

  static Cli.Result reconcile(String prefix, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "audit",
                "reconcile",
                "--local",
                "-f",
                PIPELINE,
                "--prefix",
                prefix,
                "--since",
                "1h",
                "--grace",
                "0s"));
    args.addAll(List.of(more));
    return cli.run(args.toArray(String[]::new));
  }

  static List<Status> statuses(String key) {
    return trail.history(BUCKET, key, null).stream().map(AuditRecord::status).toList();
  }

  static long outputs(String prefix) {
    return aws
        .s3()
        .listObjectsV2Paginator(r -> r.bucket(OUTPUTS).prefix(prefix))
        .contents()
        .stream()
        .count();
  }

  static List<Message> dlq(String name) {
    String url = aws.sqs().getQueueUrl(r -> r.queueName(name)).queueUrl();
    List<Message> all = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      all.addAll(
          aws.sqs()
              .receiveMessage(
                  r ->
                      r.queueUrl(url)
                          .maxNumberOfMessages(10)
                          .visibilityTimeout(30)
                          .messageAttributeNames("All"))
              .messages());
    }
    return all;
  }

  static long depth(String queueUrl) {
    var a =
        aws.sqs()
            .getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNamesWithStrings("All"))
            .attributesAsStrings();
    return Long.parseLong(a.get("ApproximateNumberOfMessages"))
        + Long.parseLong(a.get("ApproximateNumberOfMessagesNotVisible"));
  }

  static List<String> upload(String prefix, int n) throws Exception {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String key = prefix + "photo " + i + ".jpg";
      put(key, jpeg(i));
      keys.add(key);
    }
    return keys;
  }

  static String put(String key, byte[] bytes) {
    return aws.s3()
        .putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes))
        .eTag()
        .replace("\"", "");
  }

  static byte[] jpeg(int seed) throws Exception {
    return jpeg(seed, 320, 240);
  }

  static byte[] jpeg(int seed, int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(
        new GradientPaint(0, 0, new Color(seed * 40 % 256, 90, 160), width, height, Color.ORANGE));
    g.fillRect(0, 0, width, height);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", out);
    return out.toByteArray();
  }

  static void await(Duration within, BooleanSupplier condition) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within.toSeconds() + " s");
      }
      try {
        TimeUnit.MILLISECONDS.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
