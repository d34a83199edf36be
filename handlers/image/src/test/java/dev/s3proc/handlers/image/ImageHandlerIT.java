package dev.s3proc.handlers.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.handlers.runtime.ProcessorHandler;
import dev.s3proc.handlers.testing.HandlerHarness;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The image handler on moto (S3, DynamoDB, SQS), under -Xmx256m, driven by event fixtures. */
class ImageHandlerIT {
  HandlerHarness h;

  @BeforeEach
  void setUp() {
    h = new HandlerHarness();
  }

  /** The batch response names exactly one failed message: the one in this single-record event. */
  static void assertOnlyFailureIs(JsonNode response, JsonNode event) {
    assertThat(response.path("batchItemFailures"))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.path("itemIdentifier").asText())
                    .isEqualTo(event.path("Records").get(0).path("messageId").asText()));
  }

  static int width(byte[] image) throws Exception {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(image));
    return img.getWidth();
  }

  @Test
  void aJpegBecomesThumbnailsAtEveryWidthAndTheTrailSaysSo() throws Exception {
    String key = "uploads/images/my photo +é.jpg";
    byte[] jpeg = Images.photo(2000, 1500, "jpg");
    String etag = h.put(key, jpeg);

    JsonNode response =
        h.invoke(
            new ImageHandler(h.env(true)),
            h.event("sqs-moto-s3-event.json", key, jpeg.length, etag));
    assertThat(response.path("batchItemFailures")).isEmpty();

    String base = "processed/thumbnails/" + key + "/w";
    assertThat(width(h.get(base + "256.jpg"))).isEqualTo(256);
    assertThat(width(h.get(base + "1024.jpg"))).isEqualTo(1024);
    List<AuditRecord> trail = h.history(key);
    assertThat(trail)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(Status.SUCCEEDED);
              assertThat(r.processor()).isEqualTo("image");
              assertThat(r.workflow()).isEqualTo("s3proc.media-ingest.process-images-jpg");
              assertThat(r.outputs())
                  .containsExactly(
                      "s3://terminus-uploads/" + base + "256.jpg",
                      "s3://terminus-uploads/" + base + "1024.jpg",
                      "s3://terminus-uploads/processed/web/" + key + ".jpg");
              assertThat(r.metadata())
                  .containsEntry("width", "2000")
                  .containsEntry("height", "1500")
                  .containsEntry("format", "jpeg");
              assertThat(r.bytesRead()).isEqualTo(jpeg.length);
              assertThat(r.memoryMb()).isEqualTo(1024);
              assertThat(r.requests())
                  .containsEntry("s3Get", 1L)
                  .containsEntry("s3Put", 3L)
                  .containsEntry("sqs", 3L);
              assertThat(r.durationMs()).isPositive();
            });
  }

  /**
   * A real photo taken on its side (EXIF orientation 6, from the corpus): every output is upright,
   * and the web rendition is progressive, free of metadata, no wider than WEB_MAX_WIDTH, with the
   * lowest quality that keeps the SSIM target.
   */
  @Test
  void theWebRenditionIsUprightProgressiveAndCarriesNoMetadata() throws Exception {
    String key = "uploads/images/sideways.jpg";
    byte[] photo =
        java.nio.file.Files.readAllBytes(
            java.nio.file.Path.of("src/test/resources/corpus/exif-orientation/Portrait_6.jpg"));
    String etag = h.put(key, photo);
    h.invoke(
        new ImageHandler(HandlerHarness.with(h.env(true), "WEB_MAX_WIDTH", "1000")),
        h.event("sqs-moto-s3-event.json", key, photo.length, etag));

    byte[] web = h.get("processed/web/" + key + ".jpg");
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(web));
    assertThat(img.getWidth()).isEqualTo(1000);
    assertThat(img.getHeight()).as("upright: a portrait").isEqualTo(1500);
    String raw = new String(web, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(raw).as("no EXIF (nor GPS, nor orientation tag) survives").doesNotContain("Exif");
    assertThat(raw).as("progressive: SOF2").contains("\u00ff\u00c2");
    AuditRecord r = h.history(key).get(0);
    assertThat(r.metadata()).containsEntry("orientation", "6").containsEntry("width", "1200");
    assertThat(Double.parseDouble(r.metadata().get("webSsim"))).isGreaterThanOrEqualTo(0.98);
    assertThat(r.metadata()).containsKey("webQuality");
    assertThat(web.length).isLessThan(photo.length);
  }

  @Test
  void aPngStaysAPngAndOtherRoutesWorkToo() throws Exception {
    String key = "uploads/images/logo.png";
    byte[] png = Images.photo(600, 300, "png");
    String etag = h.put(key, png);
    ImageHandler handler = new ImageHandler(h.env(true));

    JsonNode direct = h.invoke(handler, h.event("s3-direct-aws.json", key, png.length, etag));
    assertThat(direct.path("results").get(0).path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(width(h.get("processed/thumbnails/" + key + "/w256.png"))).isEqualTo(256);
    assertThat(width(h.get("processed/thumbnails/" + key + "/w1024.png"))).isEqualTo(600);

    for (String fixture : List.of("sqs-sns-wrapped.json", "eventbridge-object-created.json")) {
      String k = "uploads/images/" + fixture + ".png";
      String e = h.put(k, png);
      h.invoke(handler, h.event(fixture, k, png.length, e));
      assertThat(h.history(k))
          .as(fixture)
          .extracting(AuditRecord::status)
          .containsExactly(Status.SUCCEEDED);
    }
    String k = "uploads/images/task.png";
    h.put(k, png);
    JsonNode task = h.invoke(handler, h.event("stepfunctions-task.json", k, 0, ""));
    assertThat(task.path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(task.path("outputs")).hasSize(3);
  }

  @Test
  void badImagesFailWithAReasonAndGoStraightToTheDlq() throws Exception {
    ImageHandler handler = new ImageHandler(h.env(true));
    record Bad(String key, byte[] bytes, String type) {}
    List<Bad> bad =
        List.of(
            new Bad(
                "uploads/images/corrupt.jpg",
                "this is not a jpeg at all, just text".getBytes(),
                "UNSUPPORTED"),
            new Bad(
                "uploads/images/truncated.jpg",
                java.util.Arrays.copyOf(Images.photo(800, 600, "jpg"), 300),
                "CORRUPT"),
            new Bad("uploads/images/empty.jpg", new byte[0], "EMPTY"),
            new Bad("uploads/images/bomb.png", Images.pngBomb(60_000, 60_000), "TOO_LARGE"));
    for (Bad b : bad) {
      String etag = h.put(b.key(), b.bytes());
      JsonNode response =
          h.invoke(handler, h.event("sqs-moto-s3-event.json", b.key(), b.bytes().length, etag));
      assertThat(response.path("batchItemFailures")).as(b.key()).isEmpty();
      assertThat(h.history(b.key()))
          .as(b.key())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.status()).isEqualTo(Status.FAILED);
                assertThat(r.errorType()).isEqualTo(b.type());
                assertThat(r.errorMessage()).isNotBlank();
              });
    }
    assertThat(h.history("uploads/images/bomb.png").get(0).errorMessage())
        .contains("decompression bomb refused: 60000x60000");
    List<String> reasons = new ArrayList<>();
    h.dlq().forEach(m -> reasons.add(m.messageAttributes().get("s3proc-error-type").stringValue()));
    h.dlq().forEach(m -> reasons.add(m.messageAttributes().get("s3proc-error-type").stringValue()));
    assertThat(reasons).contains("UNSUPPORTED", "CORRUPT", "EMPTY", "TOO_LARGE");
  }

  @Test
  void aDuplicateEventIsSkippedAndProcessedOnce() throws Exception {
    String key = "uploads/images/dup.jpg";
    byte[] jpeg = Images.photo(400, 300, "jpg");
    String etag = h.put(key, jpeg);
    JsonNode event = h.event("sqs-moto-s3-event.json", key, jpeg.length, etag);
    ImageHandler handler = new ImageHandler(h.env(true));

    h.invoke(handler, event);
    h.invoke(handler, event);
    assertThat(h.history(key))
        .extracting(AuditRecord::status)
        .containsExactly(Status.SKIPPED_DUPLICATE, Status.SUCCEEDED);
    assertThat(h.history(key).get(0).errorMessage()).isEqualTo("already processed successfully");
  }

  /**
   * A second direct delivery of an event arriving while the first is being processed: the first
   * processes; the second meets its live claim and is thrown back for Lambda to retry (DEFERRED),
   * or, if the first finished meanwhile, is skipped. Never both processed, never the second dropped
   * while the first could still fail. (The second starts once the first has claimed: moto's
   * DynamoDB does not serialize conditional writes to one item as DynamoDB does, so two claims sent
   * in the same instant can both succeed there.)
   */
  @Test
  void aDuplicateArrivingDuringProcessingIsDeferredOrSkippedNeverProcessedTwice() throws Exception {
    String key = "uploads/images/race.jpg";
    byte[] jpeg = Images.photo(3000, 2000, "jpg");
    String etag = h.put(key, jpeg);
    JsonNode event = h.event("s3-direct-aws.json", key, jpeg.length, etag);
    ImageHandler a = new ImageHandler(h.env(true));
    ImageHandler b = new ImageHandler(h.env(true));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Future<JsonNode> first = pool.submit(() -> h.invoke(a, event));
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (h.history(key).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5); // the first attempt's PROCESSING record follows its claim
    }
    Future<JsonNode> second = pool.submit(() -> h.invoke(b, event));
    List<Throwable> retried = new ArrayList<>();
    for (Future<JsonNode> f : List.of(first, second)) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        retried.add(e.getCause());
      }
    }
    pool.shutdown();
    List<Status> statuses = h.history(key).stream().map(AuditRecord::status).toList();
    assertThat(statuses).containsOnlyOnce(Status.SUCCEEDED).hasSize(2);
    if (statuses.contains(Status.DEFERRED)) {
      assertThat(retried).hasSize(1);
      assertThat(retried.get(0))
          .isInstanceOf(ProcessorHandler.TransientFailure.class)
          .hasMessageContaining("holds a live claim");
    } else {
      assertThat(statuses).contains(Status.SKIPPED_DUPLICATE);
      assertThat(retried).isEmpty();
    }
    assertThat(
            h.s3
                .listObjectsV2(r -> r.bucket(HandlerHarness.BUCKET).prefix("processed/"))
                .contents())
        .hasSize(3); // one set of outputs: thumbnails at 256 and 1024, the web rendition
  }

  @Test
  void oneBadMessageFailsAloneInABatch() throws Exception {
    ImageHandler handler =
        new ImageHandler(h.env(false)); // no DLQ configured: the queue's redrive policy decides
    List<JsonNode> events = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String key = "uploads/images/good-" + i + ".jpg";
      byte[] jpeg = Images.photo(300, 200, "jpg");
      events.add(h.event("sqs-moto-s3-event.json", key, jpeg.length, h.put(key, jpeg)));
    }
    String badKey = "uploads/images/bad.jpg";
    byte[] junk = "junk".getBytes();
    JsonNode bad = h.event("sqs-moto-s3-event.json", badKey, junk.length, h.put(badKey, junk));
    events.add(1, bad);

    JsonNode response = h.invoke(handler, HandlerHarness.batch(events));
    assertOnlyFailureIs(response, bad);
    for (int i = 0; i < 3; i++) {
      assertThat(h.history("uploads/images/good-" + i + ".jpg"))
          .extracting(AuditRecord::status)
          .containsExactly(Status.SUCCEEDED);
    }
  }

  /** The warm-up runs the processing libraries on made-up input; a broken one slows every start. */
  @Test
  void warmUpRunsTheProcessorCleanly() {
    org.assertj.core.api.Assertions.assertThatCode(
            () -> new ImageHandler.ImageProcessor(java.util.Map.of()).warmUp())
        .doesNotThrowAnyException();
  }

  /** What Lambda would show as the invocation's error for input no route understands. */
  @Test
  void anEventThatIsNoRouteFailsSayingWhatItGot() {
    ImageHandler handler = new ImageHandler(h.env(false));
    for (String event : List.of("[1, 2]", "{\"order\": 42}")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  handler.handleRequest(
                      new java.io.ByteArrayInputStream(
                          event.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                      new java.io.ByteArrayOutputStream(),
                      new dev.s3proc.handlers.runtime.LocalInvoke.Invocation(1024)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(
              event.startsWith("[") ? "not a JSON object: [1,2]" : "event: {\"order\":42}");
    }
  }

  /**
   * The EMF line is CloudWatch's only view of the handler: files, failures and bytes must add up.
   */
  @Test
  void everyRouteReportsItsFilesFailuresAndBytesAsEmbeddedMetrics() throws Exception {
    String key = "uploads/images/metrics.png";
    byte[] png = Images.photo(300, 200, "png");
    String etag = h.put(key, png);
    java.io.ByteArrayOutputStream logs = new java.io.ByteArrayOutputStream();
    java.io.PrintStream stdout = System.out;
    ImageHandler handler;
    System.setOut(new java.io.PrintStream(logs, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      handler = new ImageHandler(h.env(true)); // its log lines go where stdout was at start
    } finally {
      System.setOut(stdout);
    }
    h.invoke(handler, h.event("s3-direct-aws.json", key, png.length, etag));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                h.invoke(
                    handler, h.event("stepfunctions-task.json", "uploads/images/gone.png", 0, "")))
        .isInstanceOf(ProcessorHandler.ProcessingFailed.class)
        .hasMessage("NOT_FOUND: s3://terminus-uploads/uploads/images/gone.png does not exist");

    List<JsonNode> metrics = new ArrayList<>();
    for (String line : logs.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
      JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
      if (n.has("_aws")) {
        metrics.add(n);
      }
    }
    assertThat(metrics).hasSize(1); // the missing object never reached processing
    JsonNode m = metrics.get(0);
    assertThat(m.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText())
        .isEqualTo("s3proc");
    assertThat(m.path("Processor").asText()).isEqualTo("image");
    assertThat(m.path("Files").asInt()).isEqualTo(1);
    assertThat(m.path("Failures").asInt()).isZero();
    // bytes read from S3, as the trail records them (ImageIO stops at the last image chunk)
    assertThat(m.path("Bytes").asLong())
        .isEqualTo(h.history(key).get(0).bytesRead())
        .isBetween(png.length - 100L, (long) png.length);
  }

  @Test
  void aDlqThatCannotBeReachedLeavesTheBadMessageToTheQueueAndTheBatchGoesOn() throws Exception {
    ImageHandler handler =
        new ImageHandler(
            HandlerHarness.with(
                h.env(true),
                "DEAD_LETTER_QUEUE_URL",
                h.dlqUrl.replace("processing-dlq", "no-such-dlq")));
    String goodKey = "uploads/images/fine.jpg";
    byte[] jpeg = Images.photo(300, 200, "jpg");
    JsonNode good = h.event("sqs-moto-s3-event.json", goodKey, jpeg.length, h.put(goodKey, jpeg));
    String badKey = "uploads/images/junk.jpg";
    byte[] junk = "junk".getBytes();
    JsonNode bad = h.event("sqs-moto-s3-event.json", badKey, junk.length, h.put(badKey, junk));

    JsonNode response = h.invoke(handler, HandlerHarness.batch(List.of(bad, good)));
    assertOnlyFailureIs(response, bad);
    assertThat(h.history(goodKey))
        .extracting(AuditRecord::status)
        .containsExactly(Status.SUCCEEDED);
    assertThat(h.history(badKey)).extracting(AuditRecord::status).containsExactly(Status.FAILED);
  }

  @Test
  void anAuditTrailThatCannotBeWrittenFailsEachMessageForRetryNotTheInvocation() throws Exception {
    ImageHandler handler =
        new ImageHandler(HandlerHarness.with(h.env(true), "AUDIT_TABLE", "no-such-table"));
    List<JsonNode> events = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String key = "uploads/images/unaudited-" + i + ".jpg";
      byte[] jpeg = Images.photo(300, 200, "jpg");
      events.add(h.event("sqs-moto-s3-event.json", key, jpeg.length, h.put(key, jpeg)));
    }

    JsonNode response = h.invoke(handler, HandlerHarness.batch(events));
    assertThat(response.path("batchItemFailures")).hasSize(2);
    assertThat(h.dlq()).isEmpty(); // not a bad file: retried, not dead-lettered
    assertThat(
            h.s3
                .listObjectsV2(r -> r.bucket(HandlerHarness.BUCKET).prefix("processed/"))
                .contents())
        .isEmpty(); // nothing processed without a claim
  }
}
