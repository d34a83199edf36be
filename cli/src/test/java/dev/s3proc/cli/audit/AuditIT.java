package dev.s3proc.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.testing.Cli;
import dev.s3proc.cli.testing.Moto;
import dev.s3proc.cli.testing.RequestCounter;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.core.audit.AuditSchema;
import dev.s3proc.core.audit.AuditTrail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** audit and cost on moto, over trails written by the handlers' own writer; never a Scan. */
@ExtendWith(Moto.class)
class AuditIT {
  static final String TABLE = "s3proc-audit";
  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  ClientFactory aws;
  AuditTrail trail;
  final Cli cli = new Cli();

  @BeforeEach
  void setUp() {
    aws = Moto.clients();
    aws.dynamoDb().createTable(AuditSchema.createTable(TABLE));
    trail = new AuditTrail(aws.dynamoDb(), TABLE, Duration.ofDays(90));
    RequestCounter.reset();
  }

  @AfterEach
  void noScanEver() {
    assertThat(RequestCounter.count("DynamoDb.Scan")).as("a Scan of the audit table").isZero();
    aws.close();
  }

  Cli.Result s3proc(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 4);
    all[args.length] = "--endpoint-url";
    all[args.length + 1] = Moto.endpoint();
    all[args.length + 2] = "--table";
    all[args.length + 3] = TABLE;
    return cli.run(all);
  }

  static AuditRecord attempt(
      String key,
      Status status,
      int attempt,
      Instant started,
      long latencyMs,
      long billedMs,
      int memoryMb,
      Map<String, Long> requests,
      String workflow) {
    Instant finished = started.plusMillis(billedMs);
    return new AuditRecord(
        "terminus-uploads",
        key,
        null,
        1000L,
        "etag",
        "s3:ObjectCreated:Put",
        finished.minusMillis(latencyMs),
        null,
        workflow,
        "image",
        status,
        attempt,
        UUID.randomUUID().toString(),
        started,
        finished,
        billedMs,
        billedMs,
        memoryMb,
        "x86_64",
        "req-" + attempt,
        status == Status.SUCCEEDED ? List.of("s3://terminus-uploads/processed/" + key) : List.of(),
        status == Status.FAILED ? "CORRUPT" : null,
        status == Status.FAILED ? "not a jpeg" : null,
        1000L,
        0L,
        requests,
        Map.of(),
        null,
        null,
        null);
  }

  @Test
  void showGivesAnObjectsTimelineNewestFirstInOneQuery() {
    String key = "uploads/images/my photo é+1.jpg";
    trail.put(
        attempt(key, Status.FAILED, 1, NOW.minusSeconds(300), 1000, 100, 1024, Map.of(), "w"));
    trail.put(
        attempt(key, Status.FAILED, 2, NOW.minusSeconds(200), 1000, 100, 1024, Map.of(), "w"));
    trail.put(
        attempt(key, Status.SUCCEEDED, 3, NOW.minusSeconds(100), 1000, 100, 1024, Map.of(), "w"));
    trail.put(
        attempt(
            "uploads/images/other.jpg",
            Status.SUCCEEDED,
            1,
            NOW.minusSeconds(50),
            1000,
            100,
            1024,
            Map.of(),
            "w"));
    RequestCounter.reset();

    Cli.Result r = s3proc("audit", "show", "s3://terminus-uploads/" + key, "-o", "json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(RequestCounter.count("DynamoDb.Query")).isEqualTo(1);
    assertThat(r.out())
        .containsSubsequence("\"attempt\" : 3", "\"attempt\" : 2", "\"attempt\" : 1");
    assertThat(r.out())
        .contains(
            "\"bucket\" : \"terminus-uploads\"",
            "\"key\" : \"" + key + "\"",
            "\"status\" : \"SUCCEEDED\"",
            "\"durationMs\" : 100",
            "\"outputs\" : [ \"s3://terminus-uploads/processed/" + key + "\" ]",
            "\"errorType\" : \"CORRUPT\"");
    assertThat(r.out()).doesNotContain("other.jpg");

    Cli.Result table = s3proc("audit", "show", "s3://terminus-uploads/" + key);
    assertThat(table.out()).contains("SUCCEEDED", "CORRUPT: not a jpeg", "1024MB");
    assertThat(s3proc("audit", "show", "terminus-uploads/x").exitCode()).isEqualTo(2);
    Cli.Result bad = s3proc("audit", "show", "s3://BAD_B!/x");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("'BAD_B!' in s3://BAD_B!/x is not a bucket name");
  }

  /** --since 36500d was 292,000 Queries: a window is cut where the trail's TTL ends. */
  @Test
  void aWindowReachingPastTheTrailsTtlIsCutThereWithANote() {
    RequestCounter.reset();
    Cli.Result r = s3proc("audit", "list", "--since", "36500d");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).contains("the trail keeps attempts for audit.ttl 90d, so nothing older");
    assertThat(RequestCounter.count("DynamoDb.Query"))
        .isEqualTo(92L * dev.s3proc.core.audit.AuditSchema.TIME_SHARDS);
    Cli.Result before = s3proc("audit", "list", "--since", "400d", "--until", "300d");
    assertThat(before.exitCode()).isEqualTo(2);
    assertThat(before.err()).contains("the window ends before anything the trail keeps");
  }

  @Test
  void listFiltersByStatusAndTimeThroughTheIndex() {
    trail.put(
        attempt(
            "uploads/a.jpg",
            Status.FAILED,
            1,
            NOW.minus(Duration.ofHours(1)),
            1000,
            100,
            1024,
            Map.of(),
            "images"));
    trail.put(
        attempt(
            "uploads/b.jpg",
            Status.SUCCEEDED,
            1,
            NOW.minus(Duration.ofHours(2)),
            1000,
            100,
            1024,
            Map.of(),
            "images"));
    trail.put(
        attempt(
            "uploads/c.jpg",
            Status.FAILED,
            1,
            NOW.minus(Duration.ofDays(3)),
            1000,
            100,
            1024,
            Map.of(),
            "images"));
    trail.put(
        attempt(
            "docs/d.pdf",
            Status.FAILED,
            1,
            NOW.minus(Duration.ofHours(3)),
            1000,
            100,
            1024,
            Map.of(),
            "documents"));
    RequestCounter.reset();

    Cli.Result r = s3proc("audit", "list", "--status", "FAILED", "--since", "2d", "-o", "json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("uploads/a.jpg", "docs/d.pdf")
        .doesNotContain("uploads/b.jpg", "uploads/c.jpg");
    assertThat(RequestCounter.count("DynamoDb.Query"))
        .isEqualTo(AuditSchema.timeBuckets(NOW.minus(Duration.ofDays(2)), NOW).size());

    Cli.Result byWorkflow =
        s3proc(
            "audit",
            "list",
            "--since",
            "7d",
            "--workflow",
            "images",
            "--prefix",
            "uploads/",
            "--limit",
            "2",
            "-o",
            "json");
    assertThat(byWorkflow.out())
        .contains("uploads/a.jpg", "uploads/b.jpg")
        .doesNotContain("uploads/c.jpg", "docs/d.pdf");

    assertThat(s3proc("audit", "list", "--since", "yesterday").err())
        .contains("--since 'yesterday' is neither a duration");
  }

  @Test
  void statsComputesPercentilesAndSaysWhetherTheTargetsAreMet() {
    for (int i = 1; i <= 100; i++) {
      Status s = i == 100 ? Status.FAILED : Status.SUCCEEDED;
      trail.put(
          attempt(
              "uploads/f" + i + ".jpg",
              s,
              1,
              NOW.minusSeconds(600 + i),
              i * 1000L,
              200,
              1024,
              Map.of(),
              i % 2 == 0 ? "even" : "odd"));
    }
    Cli.Result r = s3proc("audit", "stats", "--since", "1h", "-o", "json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    // 99 successes with latencies 1..99 s: nearest-rank p50 = 50 s, p95 = 95 s, p99 = 99 s, max =
    // 99 s
    assertThat(r.out())
        .contains(
            "\"files\" : 100",
            "\"succeeded\" : 99",
            "\"failed\" : 1",
            "\"successRate\" : 99.0",
            "\"latencyP50Ms\" : 50000",
            "\"latencyP95Ms\" : 95000",
            "\"latencyP99Ms\" : 99000",
            "\"latencyMaxMs\" : 99000",
            "\"latencyMet\" : false",
            "\"successMet\" : false",
            "\"workflow\" : \"even\"");
    Cli.Result table = s3proc("audit", "stats", "--since", "1h");
    assertThat(table.out())
        .contains(
            "latency p99 99.0s against the 30 s target: not met",
            "success 99.00% against the 99.5% target: not met");
  }

  @Test
  void costMatchesTheHandComputedFiguresAndTheBudgetSetsTheExitCode() {
    Map<String, Long> viaSqs =
        Map.of("lambda", 1L, "sqs", 3L, "dynamoWrite", 4L, "s3Get", 1L, "s3Put", 2L);
    Map<String, Long> failedTry = Map.of("lambda", 1L, "sqs", 3L, "dynamoWrite", 4L, "s3Get", 1L);
    // file A: 800 ms at 1024 MB = 0.00001333336 + 0.0000002 + 0.0000012 + 0.0000025 + 0.0000004 +
    // 0.00001 = 0.00002763336
    trail.put(
        attempt(
            "uploads/a.jpg",
            Status.SUCCEEDED,
            1,
            NOW.minusSeconds(3600),
            1000,
            800,
            1024,
            viaSqs,
            "images"));
    // file B, twice 1000 ms at 512 MB: 2 x (0.00000833335 + 0.0000002 + 0.0000012 + 0.0000025 +
    // 0.0000004) = 0.0000252667
    trail.put(
        attempt(
            "uploads/b.jpg",
            Status.FAILED,
            1,
            NOW.minusSeconds(3000),
            1000,
            1000,
            512,
            failedTry,
            "images"));
    trail.put(
        attempt(
            "uploads/b.jpg",
            Status.SUCCEEDED,
            2,
            NOW.minusSeconds(2900),
            1000,
            1000,
            512,
            failedTry,
            "images"));

    Cli.Result r =
        s3proc(
            "cost",
            "report",
            "--since",
            "1d",
            "--pricing",
            "../config/pricing.yaml",
            "--budget",
            "0.01",
            "-o",
            "json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    // total 0.00005290006 and mean 0.00002645003, to ten places
    assertThat(r.out())
        .contains(
            "\"files\" : 2",
            "\"attempts\" : 3",
            "\"totalCost\" : 0.0000529001",
            "\"meanCostPerFile\" : 0.00002645",
            "\"maxCostPerFile\" : 0.0000276334",
            "\"overBudget\" : false",
            "\"name\" : \"images\"",
            "\"note\" : \"CloudWatch has no AWS/Lambda metrics");

    Cli.Result over =
        s3proc(
            "cost",
            "report",
            "--since",
            "1d",
            "--pricing",
            "../config/pricing.yaml",
            "--budget",
            "0.00001");
    assertThat(over.exitCode()).isEqualTo(5);
    assertThat(over.err())
        .contains(
            "mean cost per file $0.00002645 is over the budget of $0.00001 by $0.00001645 (164.5%)");
    assertThat(over.out()).contains("Most expensive files", "s3://terminus-uploads/uploads/a.jpg");

    Cli.Result byDay =
        s3proc(
            "cost",
            "report",
            "--since",
            "1d",
            "--pricing",
            "../config/pricing.yaml",
            "--by",
            "prefix",
            "-o",
            "json");
    assertThat(byDay.out())
        .contains("\"groupedBy\" : \"prefix\"", "\"name\" : \"terminus-uploads/uploads/\"");
  }

  @Test
  void aMissingTableOrPricingFileIsOneClearLine() {
    aws.dynamoDb().deleteTable(r -> r.tableName(TABLE));
    Cli.Result r = s3proc("audit", "list");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("audit table s3proc-audit does not exist in us-east-1");
    Cli.Result p = s3proc("cost", "report", "--pricing", "nope.yaml");
    assertThat(p.exitCode()).isEqualTo(3);
    assertThat(p.err()).contains("nope.yaml: pricing file not found");
  }

  @Test
  void aNegativeOrMalformedPriceIsInvalidConfigurationInOneLine(@TempDir Path tmp)
      throws Exception {
    Path negative = tmp.resolve("negative.yaml");
    Files.writeString(
        negative,
        Files.readString(Path.of("../config/pricing.yaml"))
            .replaceFirst("price: [0-9.]+", "price: -5.0"));
    Cli.Result r = s3proc("cost", "report", "--pricing", negative.toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err().strip()).doesNotContain("\n").contains("is negative (-5.0)");
    Path broken = tmp.resolve("broken.yaml");
    Files.writeString(broken, "prices: { s3Get: [1\n");
    Cli.Result b = s3proc("cost", "report", "--pricing", broken.toString());
    assertThat(b.exitCode()).isEqualTo(3);
    assertThat(b.err().strip()).doesNotContain("\n").contains("YAML syntax");
  }
}
