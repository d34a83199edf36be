package dev.s3proc.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.cli.GlobalOptions;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.testing.Cli;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.core.audit.AuditTrail;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The whole pipeline on this machine: local up starts moto and the runner, which feeds the queues
 * to the real handler jars (built by the reactor before this module); local down leaves nothing.
 */
class LocalPipelineIT {
  @TempDir Path state;
  Cli cli;

  Cli cli() {
    if (cli == null) {
      cli =
          new Cli()
              .env("S3PROC_STATE_DIR", state.toString())
              .env("S3PROC_HOME", Path.of("..").toAbsolutePath().normalize().toString())
              // no signatures: the scans are skipped, said in one line (ComplianceIT runs them)
              .env("S3PROC_CLAMAV_DB", state.resolve("no-signatures").toString());
    }
    return cli;
  }

  @AfterEach
  void down() {
    cli().run("local", "down");
  }

  @Test
  void uploadsAreProcessedByTheHandlerJarsAndTheBadOneLandsInTheDlq() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Cli.Result up =
        cli().run("local", "up", "--port", Integer.toString(port), "-f", "../config/pipeline.yaml");
    assertThat(up.exitCode()).as(up.toString()).isZero();
    assertThat(up.err())
        .contains(
            "runner: image-processing -> image handler",
            "runner: document-processing -> document handler",
            "runner: compliance-pii -> pii handler",
            "rule compliance -> topic compliance-fanout -> compliance-scan, compliance-validation,"
                + " compliance-pii (fan-out)",
            "ClamAV has no signature database in "
                + state.resolve("no-signatures")
                + " (run freshclam, or set S3PROC_CLAMAV_DB to a directory of signatures): scans"
                + " are skipped")
        .doesNotContain("runner: compliance-scan");
    LocalState.Stack stack = new LocalState(state).read().orElseThrow();
    assertThat(stack.runnerPid()).isNotNull();

    GlobalOptions options = new GlobalOptions();
    new CommandLine(options).parseArgs("--local");
    try (ClientFactory aws = new ClientFactory(options, new LocalState(state))) {
      Path samples = Path.of("../config/samples");
      String photo = "uploads/images/mountain trail.jpg";
      String pdf = "uploads/documents/q3-report.pdf";
      String corrupt = "uploads/images/corrupt-camera-upload.jpg";
      aws.s3()
          .putObject(
              r -> r.bucket("terminus-uploads").key(photo),
              RequestBody.fromFile(samples.resolve("mountain trail.jpg")));
      aws.s3()
          .putObject(
              r -> r.bucket("terminus-uploads").key(pdf),
              RequestBody.fromFile(samples.resolve("q3-report.pdf")));
      aws.s3()
          .putObject(
              r -> r.bucket("terminus-uploads").key(corrupt),
              RequestBody.fromFile(samples.resolve("corrupt-camera-upload.jpg")));

      // a compliance upload: the topic fans it out, and each subscriber's processor does its work
      String customers = "uploads/compliance/customers.csv";
      aws.s3()
          .putObject(
              r -> r.bucket("terminus-uploads").key(customers),
              RequestBody.fromString("id,email\n1,ada@example.com\n"));
      // and a PDF: pii reads its text through the document extractor
      String statement = "uploads/compliance/statement.pdf";
      aws.s3()
          .putObject(
              r -> r.bucket("terminus-uploads").key(statement),
              RequestBody.fromFile(samples.resolve("q3-report.pdf")));

      AuditTrail trail = new AuditTrail(aws.dynamoDb(), "s3proc-audit", Duration.ofDays(90));
      await(() -> done(trail, photo) && done(trail, pdf) && done(trail, corrupt));
      await(
          () ->
              trail.history("terminus-uploads", customers, null).stream()
                      .filter(r -> r.status() == Status.SUCCEEDED)
                      .count()
                  == 2);
      assertThat(trail.history("terminus-uploads", customers, null))
          .filteredOn(r -> r.status() == Status.SUCCEEDED)
          .extracting(r -> r.processor() + " " + r.metadata().getOrDefault("piiVerdict", "-"))
          .containsExactlyInAnyOrder("validate -", "pii FOUND");
      await(
          () ->
              trail.history("terminus-uploads", statement, null).stream()
                      .filter(r -> r.status() == Status.SUCCEEDED || r.status() == Status.FAILED)
                      .count()
                  == 2);
      assertThat(trail.history("terminus-uploads", statement, null))
          .filteredOn(r -> r.processor().equals("pii"))
          .extracting(r -> r.status() + " " + r.metadata().get("piiVerdict"))
          .containsExactly("SUCCEEDED NONE");
      // reconcile holds a fan-out upload to every subscriber: with the scans skipped here, no
      // compliance upload is done, and reconcile says which subscriber never had it
      Cli.Result reconciled =
          cli()
              .run(
                  "audit",
                  "reconcile",
                  "--local",
                  "-f",
                  "../config/pipeline.yaml",
                  "--prefix",
                  "uploads/compliance/",
                  "--since",
                  "1h",
                  "--grace",
                  "0s",
                  "-o",
                  "json");
      assertThat(reconciled.exitCode()).as(reconciled.toString()).isEqualTo(1);
      var result = new com.fasterxml.jackson.databind.ObjectMapper().readTree(reconciled.out());
      assertThat(result.path("processed").asLong()).isZero();
      assertThat(result.path("unaccounted").asLong()).isEqualTo(2);
      for (var finding : result.path("findings")) {
        assertThat(finding.path("detail").asText())
            .isEqualTo("scan: no delivery of it ever reached a processor");
      }
      assertThat(trail.history("terminus-uploads", photo, null).get(0).status())
          .isEqualTo(Status.SUCCEEDED);
      assertThat(trail.history("terminus-uploads", pdf, null).get(0).status())
          .isEqualTo(Status.SUCCEEDED);
      AuditRecord bad = trail.history("terminus-uploads", corrupt, null).get(0);
      assertThat(bad.status()).isEqualTo(Status.FAILED);
      assertThat(bad.errorType()).isEqualTo("CORRUPT");
      assertThat(
              aws.s3()
                  .headObject(
                      r -> r.bucket("terminus-processed").key("thumbnails/" + photo + "/w256.jpg"))
                  .contentLength())
          .isPositive();
      assertThat(
              aws.s3()
                  .getObjectAsBytes(
                      r ->
                          r.bucket("terminus-processed")
                              .key("text/uploads/documents/q3-report.pdf.txt"))
                  .asUtf8String())
          .contains("Quarterly Operations Report");

      Cli.Result dlq = cli().run("dlq", "peek", "image-processing-dlq", "--local", "-o", "json");
      assertThat(dlq.out()).contains(corrupt, "CORRUPT");

      // a removal: moto sends ObjectRemoved:Delete, and the photo's outputs go with it
      aws.s3().deleteObject(r -> r.bucket("terminus-uploads").key(photo));
      await(() -> latest(trail, photo) == Status.DELETED);
      assertThat(trail.history("terminus-uploads", photo, null).get(0).outputs())
          .containsExactlyInAnyOrder(
              "s3://terminus-processed/thumbnails/" + photo + "/w256.jpg",
              "s3://terminus-processed/thumbnails/" + photo + "/w1024.jpg",
              "s3://terminus-processed/web/" + photo + ".jpg");
      assertThat(
              aws.s3()
                  .listObjectsV2(r -> r.bucket("terminus-processed").prefix("thumbnails/" + photo))
                  .keyCount())
          .isZero();

      // an archived upload fails saying what to do; restored, moto sends ObjectRestore:Post
      // (recorded) and then ObjectRestore:Completed (processed)
      String archived = "uploads/images/archived-harbour.jpg";
      aws.s3()
          .putObject(
              r ->
                  r.bucket("terminus-uploads")
                      .key(archived)
                      .storageClass(software.amazon.awssdk.services.s3.model.StorageClass.GLACIER),
              RequestBody.fromFile(samples.resolve("harbour-sunset.jpg")));
      await(() -> done(trail, archived));
      assertThat(trail.history("terminus-uploads", archived, null).get(0).errorType())
          .isEqualTo("ARCHIVED");
      aws.s3()
          .restoreObject(
              r -> r.bucket("terminus-uploads").key(archived).restoreRequest(q -> q.days(1)));
      await(
          () -> {
            // moto completes a restore when the object is next looked at
            aws.s3().headObject(r -> r.bucket("terminus-uploads").key(archived));
            return latest(trail, archived) == Status.SUCCEEDED;
          });
      assertThat(trail.history("terminus-uploads", archived, null))
          .extracting(AuditRecord::eventName)
          .contains("s3:ObjectRestore:Completed", "s3:ObjectRestore:Post");
      assertThat(
              aws.s3()
                  .headObject(
                      r ->
                          r.bucket("terminus-processed")
                              .key("thumbnails/" + archived + "/w256.jpg"))
                  .contentLength())
          .isPositive();
    }
    Cli.Result status = cli().run("local", "status");
    assertThat(status.out())
        .containsPattern("runner +running")
        .containsPattern("image-processing-dlq +2 +0");

    assertThat(cli().run("local", "down").exitCode()).isZero();
    assertThat(alive(stack.emulatorPid())).isFalse();
    assertThat(alive(stack.runnerPid())).isFalse();
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  static boolean done(AuditTrail trail, String key) {
    List<AuditRecord> h = trail.history("terminus-uploads", key, null);
    return !h.isEmpty()
        && (h.get(0).status() == Status.SUCCEEDED || h.get(0).status() == Status.FAILED);
  }

  static Status latest(AuditTrail trail, String key) {
    List<AuditRecord> h = trail.history("terminus-uploads", key, null);
    return h.isEmpty() ? null : h.get(0).status();
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    await(condition, Duration.ofSeconds(90));
  }

  static void await(BooleanSupplier condition, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not processed within " + within.toSeconds() + " s");
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }
}
