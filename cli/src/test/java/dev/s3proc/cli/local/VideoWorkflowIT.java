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
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The video workflow on this machine, for real: local up with moto's state-machine interpreter, the
 * runner starting executions from the bucket's EventBridge events and running the steps in the
 * video handler's JVMs, ffprobe and ffmpeg doing the work. The pipeline is the reference one with a
 * 5-second heartbeat, so that a killed worker is noticed quickly.
 */
class VideoWorkflowIT {
  static final String BUCKET = "terminus-uploads";
  static final String MACHINE = "s3proc-media-ingest-video";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path media;
  @TempDir Path state;
  @TempDir Path configDir;
  Cli cli;

  /** Clips made here with ffmpeg's test sources: nobody's footage, nothing to license. */
  @BeforeAll
  static void clips() throws Exception {
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=1280x720:rate=25",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440",
        "-t",
        "2",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        media.resolve("clip.mp4").toString());
    // portrait phone footage: stored 640x360 with a 90-degree rotation, shown 360x640
    // (ffmpeg 5 writes the rotation only when it copies the stream)
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=640x360:rate=25",
        "-t",
        "1",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        media.resolve("landscape.mp4").toString());
    ffmpeg(
        "-i",
        media.resolve("landscape.mp4").toString(),
        "-c",
        "copy",
        "-metadata:s:v:0",
        "rotate=90",
        media.resolve("portrait.mp4").toString());
    // long enough to be killed in the middle of its transcode
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=1920x1080:rate=30",
        "-t",
        "20",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        media.resolve("long.mp4").toString());
    byte[] clip = Files.readAllBytes(media.resolve("clip.mp4"));
    Files.write(media.resolve("truncated.mp4"), java.util.Arrays.copyOf(clip, 20_000));
  }

  static void ffmpeg(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).inheritIO().start();
    assertThat(p.waitFor()).as("ffmpeg " + String.join(" ", args)).isZero();
  }

  Cli cli() {
    if (cli == null) {
      cli =
          new Cli()
              .env("S3PROC_STATE_DIR", state.toString())
              .env("S3PROC_HOME", Path.of("..").toAbsolutePath().normalize().toString());
    }
    return cli;
  }

  @AfterEach
  void down() {
    cli().run("local", "down");
  }

  /**
   * The reference pipeline and its state machine, with a 5 s heartbeat and a 500 KB heavy limit.
   */
  Path pipeline() throws IOException {
    Files.copy(Path.of("../config/video.asl.json"), configDir.resolve("video.asl.json"));
    String yaml = Files.readString(Path.of("../config/pipeline.yaml"));
    assertThat(yaml).contains("heartbeat: 60s", "heavyAbove: 1GB");
    Path file = configDir.resolve("pipeline.yaml");
    // the 720p clip (690 KB) and the long one go to the heavy worker, the portrait one (94 KB) not
    Files.writeString(
        file,
        yaml.replace("heartbeat: 60s", "heartbeat: 5s")
            .replace("heavyAbove: 1GB", "heavyAbove: 500KB"));
    return file;
  }

  ClientFactory up() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Cli.Result up =
        cli().run("local", "up", "--port", Integer.toString(port), "-f", pipeline().toString());
    assertThat(up.exitCode()).as(up.toString()).isZero();
    assertThat(up.err())
        .contains(
            "runner: video-steps -> video handler", "runner: video-heavy -> video heavy worker")
        .contains("workflow video: rule process-videos starts it");
    GlobalOptions options = new GlobalOptions();
    new CommandLine(options).parseArgs("--local");
    return new ClientFactory(options, new LocalState(state));
  }

  @Test
  void videosAreTranscodedABrokenOneFailsOnceWithItsReasonAndADuplicateDoesNoWorkTwice()
      throws Exception {
    try (ClientFactory aws = up()) {
      String results = subscribeToResults(aws);
      upload(aws, "uploads/videos/clip.mp4", "clip.mp4");
      upload(aws, "uploads/videos/portrait.mp4", "portrait.mp4");
      upload(aws, "uploads/videos/truncated.mp4", "truncated.mp4");
      await(aws, 3);

      assertThat(executions(aws))
          .extracting(e -> e.name().replaceAll("-[0-9a-f]{32}$", "") + " " + e.statusAsString())
          .containsExactlyInAnyOrder(
              "clip-mp4 SUCCEEDED", "portrait-mp4 SUCCEEDED", "truncated-mp4 FAILED");

      // renditions never upscaled, aspect kept; a poster
      assertThat(outputs(aws, "uploads/videos/clip.mp4"))
          .containsExactly("480p.mp4", "720p.mp4", "poster.jpg");
      assertThat(outputs(aws, "uploads/videos/portrait.mp4"))
          .as("shown 360x640: too short for 720p")
          .containsExactly("480p.mp4", "poster.jpg");
      assertThat(probe(aws, "videos/uploads/videos/portrait.mp4/480p.mp4"))
          .as("upright, aspect kept")
          .contains("\"width\": 270", "\"height\": 480");
      assertThat(probe(aws, "videos/uploads/videos/clip.mp4/480p.mp4"))
          .contains(
              "\"codec_name\": \"h264\"",
              "\"width\": 854",
              "\"height\": 480",
              "\"codec_name\": \"aac\"");
      // the broken one left nothing behind
      assertThat(outputs(aws, "uploads/videos/truncated.mp4")).isEmpty();

      AuditTrail trail = new AuditTrail(aws.dynamoDb(), "s3proc-audit", Duration.ofDays(90));
      List<AuditRecord> clip = trail.history(BUCKET, "uploads/videos/clip.mp4", null);
      assertThat(clip)
          .extracting(r -> r.processor() + " " + r.status() + " " + r.workflow())
          .containsExactlyInAnyOrder(
              "video.transcode SUCCEEDED video", "video.metadata SUCCEEDED video");
      // what the execution cost, as cost report prices it: its five state transitions (Describe,
      // Metadata, Route, Transcode, Notify), the EventBridge event and the notification, once
      assertThat(clip)
          .extracting(r -> r.requests().getOrDefault("stepTransitions", 0L))
          .containsExactlyInAnyOrder(2L, 3L);
      assertThat(clip)
          .extracting(r -> r.requests().getOrDefault("eventBridge", 0L))
          .containsExactlyInAnyOrder(1L, 0L);
      var prices =
          new dev.s3proc.core.cost.CostModel(
              dev.s3proc.core.cost.Pricing.load(java.nio.file.Path.of("../config/pricing.yaml")));
      assertThat(
              clip.stream()
                  .map(r -> prices.attempt(r).get("stepfunctions"))
                  .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add))
          .isEqualByComparingTo("0.000125");
      // past heavyAbove, the clip's transcode ran on the heavy worker (its task's size recorded),
      // the portrait one's on the Lambda stand-in
      assertThat(
              clip.stream()
                  .filter(r -> r.processor().equals("video.transcode"))
                  .findFirst()
                  .orElseThrow()
                  .vcpu())
          .isEqualTo(4.0);
      assertThat(trail.history(BUCKET, "uploads/videos/portrait.mp4", null))
          .filteredOn(r -> r.processor().equals("video.transcode"))
          .singleElement()
          .satisfies(r -> assertThat(r.vcpu()).isNull());
      AuditRecord meta =
          clip.stream()
              .filter(r -> r.processor().equals("video.metadata"))
              .findFirst()
              .orElseThrow();
      assertThat(meta.metadata())
          .containsEntry("videoCodec", "h264")
          .containsEntry("width", "1280")
          .containsEntry("height", "720")
          .containsEntry("frameRate", "25.00")
          .containsEntry("audioCodec", "aac")
          .containsKey("durationSeconds");
      AuditRecord portrait =
          trail.history(BUCKET, "uploads/videos/portrait.mp4", null).stream()
              .filter(r -> r.processor().equals("video.metadata"))
              .findFirst()
              .orElseThrow();
      assertThat(portrait.metadata())
          .containsEntry("width", "360")
          .containsEntry("height", "640")
          .hasEntrySatisfying("rotation", r -> assertThat(r).isIn("90", "-90"));
      List<AuditRecord> broken = trail.history(BUCKET, "uploads/videos/truncated.mp4", null);
      assertThat(broken)
          .as("a corrupt video fails once: no retry of a permanent failure")
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.processor()).isEqualTo("video.metadata");
                assertThat(r.status()).isEqualTo(Status.FAILED);
                assertThat(r.errorType()).isEqualTo("CORRUPT");
                assertThat(r.errorMessage()).contains("moov atom not found");
              });

      // one notification per video from the workflow, none from its steps
      List<JsonNode> notices = notices(aws, results, 3);
      assertThat(notices).hasSize(3);
      JsonNode ok =
          notices.stream()
              .filter(n -> n.path("key").asText().endsWith("clip.mp4"))
              .findFirst()
              .orElseThrow();
      assertThat(ok.path("status").asText()).isEqualTo("SUCCEEDED");
      assertThat(ok.path("workflow").asText()).isEqualTo("video");
      assertThat(ok.path("outputs").toString()).contains("720p.mp4", "480p.mp4", "poster.jpg");
      assertThat(ok.path("metadata").path("videoCodec").asText()).isEqualTo("h264");
      JsonNode failed =
          notices.stream()
              .filter(n -> n.path("key").asText().endsWith("truncated.mp4"))
              .findFirst()
              .orElseThrow();
      assertThat(failed.path("status").asText()).isEqualTo("FAILED");
      assertThat(failed.path("error").path("Error").asText()).isEqualTo("s3proc.CORRUPT");
      assertThat(failed.path("error").path("Cause").asText()).contains("moov atom not found");
      // and the failed file is in the steps' queue's DLQ with its reason, as the handlers leave it
      Cli.Result peek = cli().run("dlq", "peek", "--local", "video-steps-dlq", "-o", "json");
      assertThat(peek.exitCode()).as(peek.toString()).isZero();
      JsonNode dead = JSON.readTree(peek.out());
      assertThat(dead.toString()).contains("uploads/videos/truncated.mp4");
      assertThat(dead.findValues("s3proc-error-type"))
          .extracting(JsonNode::asText)
          .containsExactly("CORRUPT");
      assertThat(dead.findValues("s3proc-error"))
          .singleElement()
          .satisfies(v -> assertThat(v.asText()).contains("moov atom not found"));

      // the same event again, as EventBridge may deliver it: an execution of another name, no
      // second transcode
      var firstRendition =
          aws.s3()
              .headObject(
                  r ->
                      r.bucket("terminus-processed").key("videos/uploads/videos/clip.mp4/720p.mp4"))
              .lastModified();
      String machine = machineArn(aws);
      String input =
          aws.sfn()
              .describeExecution(
                  r ->
                      r.executionArn(
                          executions(aws).stream()
                              .filter(e -> e.name().startsWith("clip-mp4"))
                              .findFirst()
                              .orElseThrow()
                              .executionArn()))
              .input();
      String duplicate =
          aws.sfn()
              .startExecution(r -> r.stateMachineArn(machine).name("duplicate").input(input))
              .executionArn();
      await(aws, 4);
      assertThat(aws.sfn().describeExecution(r -> r.executionArn(duplicate)).output())
          .as("a duplicate reports the outputs that exist")
          .contains("720p.mp4", "480p.mp4", "poster.jpg")
          .containsPattern("\"videoCodec\": ?\"h264\"");
      assertThat(trail.history(BUCKET, "uploads/videos/clip.mp4", null))
          .extracting(r -> r.processor() + " " + r.status())
          .containsExactlyInAnyOrder(
              "video.transcode SUCCEEDED",
              "video.metadata SUCCEEDED",
              "video.transcode SKIPPED_DUPLICATE",
              "video.metadata SKIPPED_DUPLICATE");
      assertThat(
              aws.s3()
                  .headObject(
                      r ->
                          r.bucket("terminus-processed")
                              .key("videos/uploads/videos/clip.mp4/720p.mp4"))
                  .lastModified())
          .isEqualTo(firstRendition);

      // audit reconcile knows the workflow: two processed, the broken one FAILED in its DLQ
      Cli.Result clean = reconcile();
      assertThat(clean.exitCode()).as(clean.toString()).isZero();
      JsonNode counts = JSON.readTree(clean.out());
      assertThat(counts.path("processed").asLong()).isEqualTo(2);
      assertThat(counts.path("failed").asLong()).isEqualTo(1);
      assertThat(counts.path("findings").get(0).path("target").asText())
          .isEqualTo("workflow video");
      assertThat(counts.path("findings").get(0).path("deadLetterQueue").asText())
          .isEqualTo("video-steps-dlq");

      // an EventBridge event lost (the rule had no target when the upload came): NEVER_SEEN,
      // and --requeue starts the execution EventBridge would have
      String twin = "s3proc-local.media-ingest.process-videos";
      var targets = aws.eventBridge().listTargetsByRule(r -> r.rule(twin)).targets();
      aws.eventBridge()
          .removeTargets(r -> r.rule(twin).ids(targets.stream().map(t -> t.id()).toList()));
      upload(aws, "uploads/videos/lost.mp4", "clip.mp4");
      aws.eventBridge().putTargets(r -> r.rule(twin).targets(targets));
      Cli.Result lost = reconcile();
      assertThat(lost.exitCode()).as(lost.toString()).isEqualTo(1);
      assertThat(lost.out()).contains("NEVER_SEEN", "uploads/videos/lost.mp4", "workflow video");
      Cli.Result requeued = reconcile("--requeue", "--yes");
      assertThat(requeued.err()).as(requeued.toString()).contains("requeued 1 of 1");
      await(aws, 5);
      assertThat(outputs(aws, "uploads/videos/lost.mp4"))
          .containsExactly("480p.mp4", "720p.mp4", "poster.jpg");
      Cli.Result after = reconcile();
      assertThat(after.exitCode()).as(after.toString()).isZero();
      assertThat(JSON.readTree(after.out()).path("processed").asLong()).isEqualTo(3);
    }
  }

  Cli.Result reconcile(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "audit",
                "reconcile",
                "--local",
                "-f",
                configDir.resolve("pipeline.yaml").toString(),
                "--prefix",
                "uploads/videos/",
                "--since",
                "1h",
                "--grace",
                "0s",
                "-o",
                "json"));
    args.addAll(List.of(more));
    return cli().run(args.toArray(String[]::new));
  }

  @Test
  void theHeavyWorkerKilledMidTranscodeIsRetriedByTheWorkflowAndTheNextAttemptFinishes()
      throws Exception {
    try (ClientFactory aws = up()) {
      String key = "uploads/videos/long.mp4";
      upload(aws, key, "long.mp4");
      AuditTrail trail = new AuditTrail(aws.dynamoDb(), "s3proc-audit", Duration.ofDays(90));
      awaitTrue(
          () ->
              trail.history(BUCKET, key, null).stream()
                  .anyMatch(
                      r ->
                          r.processor().equals("video.transcode")
                              && r.status() == Status.PROCESSING),
          "the transcode to start");
      long pid =
          new LocalState(state)
              .runner().orElseThrow().workers().stream()
                  .filter(w -> w.queue().equals("video-heavy"))
                  .findFirst()
                  .orElseThrow()
                  .pid();
      // the heavy worker (the 39 MB clip is past heavyAbove): SIGKILL, no goodbye, no heartbeat;
      // the runner starts it again, as ECS replaces a task that died
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      await(aws, 1);

      assertThat(executions(aws))
          .singleElement()
          .satisfies(e -> assertThat(e.statusAsString()).isEqualTo("SUCCEEDED"));
      List<AuditRecord> transcodes =
          trail.history(BUCKET, key, null).stream()
              .filter(r -> r.processor().equals("video.transcode"))
              .toList();
      assertThat(transcodes)
          .extracting(r -> r.status() + " " + (r.errorType() == null ? "" : r.errorType()))
          .contains("SUCCEEDED ", "FAILED ABANDONED");
      var history =
          aws.sfn()
              .getExecutionHistory(r -> r.executionArn(executions(aws).get(0).executionArn()))
              .events();
      assertThat(history)
          .extracting(e -> e.typeAsString())
          .contains("TaskTimedOut", "ExecutionSucceeded");
      assertThat(outputs(aws, key)).containsExactly("480p.mp4", "720p.mp4", "poster.jpg");
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  void upload(ClientFactory aws, String key, String file) {
    aws.s3().putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromFile(media.resolve(file)));
  }

  String machineArn(ClientFactory aws) {
    return aws.sfn().listStateMachines().stateMachines().stream()
        .filter(m -> m.name().equals(MACHINE))
        .findFirst()
        .orElseThrow()
        .stateMachineArn();
  }

  List<ExecutionListItem> executions(ClientFactory aws) {
    return aws.sfn().listExecutions(r -> r.stateMachineArn(machineArn(aws))).executions();
  }

  /** Waits until this many executions exist and none is running. */
  void await(ClientFactory aws, int count) throws InterruptedException {
    awaitTrue(
        () -> {
          List<ExecutionListItem> e = executions(aws);
          return e.size() >= count
              && e.stream().noneMatch(x -> x.statusAsString().equals("RUNNING"));
        },
        count + " executions to finish");
  }

  static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited 120 s for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
  }

  /** The names of an upload's outputs in the processed bucket, sorted. */
  List<String> outputs(ClientFactory aws, String key) {
    String prefix = "videos/" + key + "/";
    return aws
        .s3()
        .listObjectsV2(r -> r.bucket("terminus-processed").prefix(prefix))
        .contents()
        .stream()
        .map(o -> o.key().substring(prefix.length()))
        .sorted()
        .toList();
  }

  String probe(ClientFactory aws, String key) throws Exception {
    Path file = media.resolve("probe-" + key.hashCode() + ".mp4");
    Files.write(
        file,
        aws.s3().getObjectAsBytes(r -> r.bucket("terminus-processed").key(key)).asByteArray());
    Process p =
        new ProcessBuilder(
                "ffprobe", "-v", "error", "-print_format", "json", "-show_streams", file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).isZero();
    return out;
  }

  String subscribeToResults(ClientFactory aws) {
    String url = aws.sqs().createQueue(r -> r.queueName("test-results")).queueUrl();
    aws.sns()
        .subscribe(
            r ->
                r.topicArn("arn:aws:sns:us-east-1:123456789012:processing-results")
                    .protocol("sqs")
                    .endpoint("arn:aws:sqs:us-east-1:123456789012:test-results")
                    .attributes(java.util.Map.of("RawMessageDelivery", "true")));
    return url;
  }

  List<JsonNode> notices(ClientFactory aws, String url, int count) throws Exception {
    List<JsonNode> got = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (got.size() < count && System.nanoTime() < deadline) {
      for (Message m :
          aws.sqs()
              .receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages()) {
        got.add(JSON.readTree(m.body()));
      }
    }
    // and nothing more: a step's own notice would be a fourth
    for (Message m :
        aws.sqs()
            .receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(2))
            .messages()) {
      got.add(JSON.readTree(m.body()));
    }
    return got;
  }
}
