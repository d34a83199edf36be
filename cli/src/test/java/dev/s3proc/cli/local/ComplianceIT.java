package dev.s3proc.cli.local;

import static dev.s3proc.cli.local.LocalPipelineIT.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.s3proc.cli.GlobalOptions;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.testing.Cli;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.core.audit.AuditTrail;
import dev.s3proc.core.audit.ComplianceVerdict;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The compliance fan-out whole, through {@code local up} with the real ClamAV: every upload under
 * uploads/compliance/ reaches scan, validate and pii; the last to answer writes one report; an
 * infected upload is quarantined and nothing derived from it stays published; clamd killed
 * dead-letters the scans, the report says INCOMPLETE, and a redrive completes it. The signature
 * database is the test's own (the official one cannot be downloaded here): EICAR's MD5 made with
 * {@code sigtool --md5}. The EICAR string is built from two halves, so that no file in the
 * repository holds it.
 */
class ComplianceIT {
  static final String EICAR =
      "X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
  static final String UPLOADS = "terminus-uploads";

  @TempDir static Path signatures;
  @TempDir Path state;
  Cli cli;

  @BeforeAll
  static void signatureDatabase() throws Exception {
    Path eicar = Files.createTempDirectory("s3proc-eicar").resolve("eicar.com");
    Files.writeString(eicar, EICAR, StandardCharsets.US_ASCII);
    Process sigtool =
        new ProcessBuilder("sigtool", "--md5", eicar.toString())
            .redirectOutput(signatures.resolve("s3proc-test.hdb").toFile())
            .start();
    assertThat(sigtool.waitFor()).as("sigtool (apt-get install clamav)").isZero();
    Files.delete(eicar);
  }

  Cli cli() {
    if (cli == null) {
      cli =
          new Cli()
              .env("S3PROC_STATE_DIR", state.toString())
              .env("S3PROC_HOME", Path.of("..").toAbsolutePath().normalize().toString())
              .env(LocalClamd.DATABASE_ENV, signatures.toString());
    }
    return cli;
  }

  @AfterEach
  void down() {
    cli().run("local", "down");
  }

  @Test
  void everyUploadGetsThreeVerdictsAndOneReportAndAnInfectedOneIsQuarantined() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Cli.Result up =
        cli().run("local", "up", "--port", Integer.toString(port), "-f", "../config/pipeline.yaml");
    assertThat(up.exitCode()).as(up.toString()).isZero();
    assertThat(up.err())
        .contains(
            "runner: compliance-scan -> scan handler",
            "rule compliance -> topic compliance-fanout -> compliance-scan, compliance-validation,"
                + " compliance-pii (fan-out)")
        .doesNotContain("scans are skipped");

    GlobalOptions options = new GlobalOptions();
    new CommandLine(options).parseArgs("--local");
    try (ClientFactory aws = new ClientFactory(options, new LocalState(state))) {
      AuditTrail trail = new AuditTrail(aws.dynamoDb(), "s3proc-audit", Duration.ofDays(90));
      String notes = "uploads/compliance/meeting-notes.txt";
      String customers = "uploads/compliance/customers.csv";
      String eicar = "uploads/compliance/invoice.txt";
      String empty = "uploads/compliance/empty.txt";
      put(aws, notes, "The quarterly review moved to Thursday; bring the Q3 figures.\n");
      put(
          aws,
          customers,
          Files.readString(Path.of("../config/samples/customers.csv"), StandardCharsets.UTF_8));
      put(aws, eicar, EICAR);
      put(aws, empty, "");

      await(() -> report(trail, notes) != null);
      AuditRecord clean = report(trail, notes);
      assertThat(clean.status()).isEqualTo(Status.COMPLIANT);
      assertThat(clean.metadata())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("scan", "CLEAN", "validate", "OK", "pii", "NONE"));
      JsonNode json = reportJson(aws, notes);
      assertThat(json.path("verdict").asText()).isEqualTo("COMPLIANT");
      assertThat(json.path("subscribers").path("scan").path("details").path("engine").asText())
          .startsWith("ClamAV ");
      assertThat(json.path("subscribers").path("validate").path("details").path("sha256").asText())
          .hasSize(64);

      await(() -> report(trail, customers) != null);
      AuditRecord pii = report(trail, customers);
      assertThat(pii.status()).isEqualTo(Status.NON_COMPLIANT);
      assertThat(pii.errorMessage()).contains("pii: FOUND (", "3 EMAIL", "1 CARD");
      assertThat(reportJson(aws, customers).toString()).doesNotContain("ada@");

      // the infected upload: tagged, copied to the quarantine, gone from the uploads bucket, and
      // nothing derived from it left in the processed bucket
      await(() -> report(trail, eicar) != null);
      AuditRecord infected = report(trail, eicar);
      assertThat(infected.status()).isEqualTo(Status.NON_COMPLIANT);
      assertThat(infected.metadata()).containsEntry("scan", "INFECTED");
      assertThat(infected.errorMessage()).contains("scan: INFECTED (");
      String quarantined = "infected/" + UPLOADS + "/" + eicar;
      Map<String, String> tags =
          aws
              .s3()
              .getObjectTagging(r -> r.bucket("terminus-quarantine").key(quarantined))
              .tagSet()
              .stream()
              .collect(Collectors.toMap(t -> t.key(), t -> t.value()));
      assertThat(tags).containsEntry("s3proc-verdict", "INFECTED").containsKey("s3proc-signature");
      assertThat(
              aws.s3()
                  .getObjectAsBytes(r -> r.bucket("terminus-quarantine").key(quarantined))
                  .asString(StandardCharsets.US_ASCII))
          .isEqualTo(EICAR);
      assertThatThrownBy(() -> aws.s3().headObject(r -> r.bucket(UPLOADS).key(eicar)))
          .isInstanceOf(NoSuchKeyException.class);
      assertThat(
              aws.s3()
                  .listObjectsV2(r -> r.bucket("terminus-processed").prefix("pii/" + eicar))
                  .keyCount())
          .isZero();

      // an empty upload: rejected by every subscriber, a clear verdict rather than a crash
      await(() -> report(trail, empty) != null);
      assertThat(report(trail, empty).status()).isEqualTo(Status.NON_COMPLIANT);
      assertThat(report(trail, empty).errorMessage()).contains("EMPTY");

      Cli.Result listed =
          cli().run("audit", "list", "--local", "--status", "NON_COMPLIANT", "-o", "json");
      assertThat(listed.exitCode()).as(listed.toString()).isZero();
      assertThat(listed.out()).contains(customers, eicar, empty).doesNotContain(notes);
      Cli.Result shown = cli().run("audit", "show", "s3://" + UPLOADS + "/" + eicar, "--local");
      assertThat(shown.out())
          .contains("NON_COMPLIANT", "scan INFECTED", "INFECTED eicar.com.UNOFFICIAL");

      // clamd killed: the scans fail, are retried, and are dead-lettered with the reason; the
      // report says INCOMPLETE; clamd back (up restarts the runner), a redrive completes it
      LocalState local = new LocalState(state);
      long clamd =
          local.started().stream()
              .filter(s -> s.role().equals("clamd"))
              .mapToLong(LocalState.Started::pid)
              .findFirst()
              .orElseThrow();
      ProcessHandle.of(clamd).orElseThrow().destroyForcibly();
      String later = "uploads/compliance/minutes.txt";
      put(aws, later, "Minutes: nothing personal here.\n");
      try {
        await(() -> report(trail, later) != null, Duration.ofSeconds(150));
      } catch (AssertionError e) {
        throw new AssertionError(
            "no report for "
                + later
                + "; trail: "
                + trail.history(UPLOADS, later, null).stream()
                    .map(r -> r.processor() + " " + r.status() + " " + r.errorMessage())
                    .toList(),
            e);
      }
      AuditRecord incomplete = report(trail, later);
      assertThat(incomplete.status()).isEqualTo(Status.INCOMPLETE);
      assertThat(incomplete.errorMessage()).contains("scan: FAILED TRANSIENT");
      Cli.Result peek = cli().run("dlq", "peek", "compliance-scan-dlq", "--local", "-o", "json");
      assertThat(peek.out()).contains(later);

      LocalState.Runner runner = local.runner().orElseThrow();
      ProcessHandle.of(runner.pid()).orElseThrow().destroyForcibly();
      await(() -> !LocalPipelineIT.alive(runner.pid()));
      Cli.Result again = cli().run("local", "up", "-f", "../config/pipeline.yaml");
      assertThat(again.exitCode()).as(again.toString()).isZero();
      await(() -> cli().run("local", "status").exitCode() == 0);
      Cli.Result redrive = cli().run("dlq", "redrive", "compliance-scan-dlq", "--local", "--yes");
      assertThat(redrive.exitCode()).as(redrive.toString()).isZero();
      await(() -> report(trail, later).status() == Status.COMPLIANT);

      // reconcile holds each upload to all three subscribers: the quarantined one is no longer
      // listed, the empty one failed for good in the DLQs, the others are done
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
      assertThat(reconciled.exitCode()).as(reconciled.toString()).isZero();
      JsonNode r = new ObjectMapper().readTree(reconciled.out());
      assertThat(r.path("processed").asLong()).isEqualTo(3);
      assertThat(r.path("failed").asLong()).isEqualTo(1);
      assertThat(r.path("findings").get(0).path("key").asText()).isEqualTo(empty);

      Cli.Result stats = cli().run("audit", "stats", "--local", "--since", "1h");
      assertThat(stats.out())
          .contains("compliance reports: 5 upload(s): 2 COMPLIANT, 3 NON_COMPLIANT, 0 INCOMPLETE");
    }
  }

  static void put(ClientFactory aws, String key, String body) {
    aws.s3()
        .putObject(
            r -> r.bucket(UPLOADS).key(key), RequestBody.fromString(body, StandardCharsets.UTF_8));
  }

  /** The object's latest compliance report in the trail, or null. */
  static AuditRecord report(AuditTrail trail, String key) {
    List<AuditRecord> reports =
        trail.history(UPLOADS, key, null).stream()
            .filter(r -> ComplianceVerdict.PROCESSOR.equals(r.processor()))
            .toList();
    return reports.isEmpty() ? null : reports.get(0);
  }

  static JsonNode reportJson(ClientFactory aws, String key) throws Exception {
    return new ObjectMapper()
        .readTree(
            aws.s3()
                .getObjectAsBytes(
                    r -> r.bucket("terminus-processed").key("compliance/" + key + ".json"))
                .asUtf8String());
  }
}
