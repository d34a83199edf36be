package dev.s3proc.handlers.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.handlers.testing.HandlerHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The heavy worker, the ECS task's entry point, as a process of its own: java -cp the video handler
 * jar, HeavyWorker, on a queue of moto's. It takes an upload's S3 event (a file routed to the heavy
 * worker directly, not through a workflow), transcodes it with ffmpeg, records it, and deletes the
 * message; a corrupt upload is dead-lettered with its reason.
 */
class HeavyWorkerIT {
  @TempDir Path tmp;

  @Test
  void theWorkerProcessTranscodesAnUploadAndDeadLettersABrokenOne() throws Exception {
    HandlerHarness h = new HandlerHarness();
    h.s3.createBucket(r -> r.bucket("terminus-processed"));
    Path clip = tmp.resolve("clip.mp4");
    Process ff =
        new ProcessBuilder(
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=854x480:rate=25",
                "-t",
                "2",
                "-c:v",
                "libx264",
                "-pix_fmt",
                "yuv420p",
                clip.toString())
            .inheritIO()
            .start();
    assertThat(ff.waitFor()).isZero();
    byte[] bytes = Files.readAllBytes(clip);
    String queue = h.sqs.createQueue(r -> r.queueName("video-heavy")).queueUrl();
    String good = "uploads/videos/harbour walk.mp4";
    String bad = "uploads/videos/cut-short.mp4";
    h.sqs.sendMessage(r -> r.queueUrl(queue).messageBody(body(h, good, bytes)));
    byte[] truncated = java.util.Arrays.copyOf(bytes, 4000);
    h.sqs.sendMessage(r -> r.queueUrl(queue).messageBody(body(h, bad, truncated)));

    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                Path.of("target/s3proc-video-handler.jar").toString(),
                "dev.s3proc.handlers.runtime.HeavyWorker")
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("worker.log").toFile());
    pb.environment().putAll(h.env(true));
    pb.environment().put("OUTPUT_BUCKET", "terminus-processed");
    pb.environment().put("QUEUE_URL", queue);
    pb.environment().put("HANDLER", "dev.s3proc.handlers.video.VideoHandler");
    pb.environment().put("VCPU", "2");
    pb.environment().put("MEMORY_MB", "4096");
    pb.environment().put("AWS_ACCESS_KEY_ID", "testing");
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
    pb.environment().put("AWS_REGION", "us-east-1");
    Process worker = pb.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!(done(h, good) && done(h, bad)) && System.nanoTime() < deadline) {
        Thread.sleep(250);
      }
      assertThat(worker.isAlive()).as(Files.readString(tmp.resolve("worker.log"))).isTrue();
      AuditRecord ok = h.history(good).get(0);
      assertThat(ok.status())
          .as(Files.readString(tmp.resolve("worker.log")))
          .isEqualTo(Status.SUCCEEDED);
      assertThat(ok.processor()).isEqualTo("video");
      // the attempt is the Fargate task's time, for cost report: its size, no Lambda request
      assertThat(ok.vcpu()).isEqualTo(2.0);
      assertThat(ok.memoryMb()).isEqualTo(4096);
      assertThat(ok.requests()).containsEntry("lambda", 0L);
      java.math.BigDecimal fargate =
          new dev.s3proc.core.cost.CostModel(
                  dev.s3proc.core.cost.Pricing.load(Path.of("../../config/pricing.yaml")))
              .attempt(ok)
              .get("fargate");
      assertThat(fargate).isPositive();
      assertThat(ok.outputs())
          .containsExactly(
              "s3://terminus-processed/processed/videos/uploads/videos/harbour walk.mp4/480p.mp4",
              "s3://terminus-processed/processed/videos/uploads/videos/harbour walk.mp4/poster.jpg");
      AuditRecord failed = h.history(bad).get(0);
      assertThat(failed.status()).isEqualTo(Status.FAILED);
      assertThat(failed.errorType()).isEqualTo("CORRUPT");
      assertThat(h.dlq())
          .singleElement()
          .satisfies(m -> assertThat(m.body()).contains("cut-short.mp4"));
      // both messages are gone from the queue: one done, one dead-lettered
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      java.util.Collection<String> depths = depths(h, queue);
      while (!depths.stream().allMatch("0"::equals) && System.nanoTime() < until) {
        TimeUnit.MILLISECONDS.sleep(100);
        depths = depths(h, queue);
      }
      assertThat(depths).containsOnly("0");
    } finally {
      worker.destroy(); // SIGTERM, as ECS stops a task
      assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    }
  }

  static java.util.Collection<String> depths(HandlerHarness h, String queue) {
    return h.sqs
        .getQueueAttributes(
            r ->
                r.queueUrl(queue)
                    .attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
        .attributes()
        .values();
  }

  static String body(HandlerHarness h, String key, byte[] bytes) {
    try {
      return h.s3EventBody(key, bytes.length, h.put(key, bytes));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean done(HandlerHarness h, String key) {
    List<AuditRecord> history = h.history(key);
    return !history.isEmpty()
        && (history.get(0).status() == Status.SUCCEEDED
            || history.get(0).status() == Status.FAILED);
  }
}
