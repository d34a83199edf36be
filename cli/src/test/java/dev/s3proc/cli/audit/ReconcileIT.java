package dev.s3proc.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.testing.Cli;
import dev.s3proc.cli.testing.Moto;
import dev.s3proc.cli.testing.RequestCounter;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * `audit reconcile` on moto against the reference pipeline, with no processor running: what is
 * uploaded and never processed is found, by listing the bucket or from an S3 Inventory report, and
 * never with a Scan.
 */
@ExtendWith(Moto.class)
class ReconcileIT {
  static final String PIPELINE = "../config/pipeline.yaml";
  static final ObjectMapper JSON = new ObjectMapper();
  ClientFactory aws;
  Cli cli = new Cli();

  @BeforeEach
  void setUp() {
    aws = Moto.clients();
    aws.s3().createBucket(r -> r.bucket("terminus-uploads"));
    aws.s3().createBucket(r -> r.bucket("terminus-processed"));
    aws.s3().createBucket(r -> r.bucket("terminus-quarantine"));
    aws.s3().createBucket(r -> r.bucket("inventories"));
    assertThat(s3proc("rules", "apply", "-f", PIPELINE, "--yes").exitCode()).isZero();
    for (String key :
        List.of(
            "uploads/images/a.jpg",
            "uploads/images/b photo é.png",
            "uploads/documents/c.pdf",
            "elsewhere/not-routed.txt")) {
      aws.s3()
          .putObject(r -> r.bucket("terminus-uploads").key(key), RequestBody.fromString("bytes"));
    }
  }

  @AfterEach
  void close() {
    aws.close();
  }

  Cli.Result s3proc(String... args) {
    return Moto.run(cli, args);
  }

  @Test
  void uploadsNoProcessorSawAreFoundByListingWithoutAScan() throws Exception {
    RequestCounter.reset();
    Cli.Result r = s3proc("audit", "reconcile", "-f", PIPELINE, "--grace", "0s", "-o", "json");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    JsonNode json = JSON.readTree(r.out());
    assertThat(json.path("listed").asInt()).isEqualTo(4);
    assertThat(json.path("routed").asInt()).isEqualTo(3); // the rules route three of them
    assertThat(json.path("neverSeen").asInt()).isEqualTo(3);
    assertThat(json.path("unaccounted").asInt()).isEqualTo(3);
    assertThat(json.path("findings").findValuesAsText("key"))
        .containsExactly(
            "uploads/documents/c.pdf", "uploads/images/a.jpg", "uploads/images/b photo é.png");
    assertThat(json.path("findings").findValuesAsText("deadLetterQueue"))
        .contains("image-processing-dlq", "document-processing-dlq");
    assertThat(RequestCounter.count("DynamoDb.Scan")).isZero();
    assertThat(RequestCounter.count("DynamoDb.Query")).isEqualTo(3);

    Cli.Result pending = s3proc("audit", "reconcile", "-f", PIPELINE, "--grace", "1h");
    assertThat(pending.exitCode())
        .as("uploads within the grace period may still be on their way")
        .isZero();
    assertThat(pending.out()).contains("PENDING");

    String queue = aws.sqs().getQueueUrl(q -> q.queueName("image-processing")).queueUrl();
    String before = depth(queue);
    Cli.Result dry =
        s3proc("audit", "reconcile", "-f", PIPELINE, "--grace", "0s", "--requeue", "--dry-run");
    assertThat(dry.exitCode()).isEqualTo(1);
    assertThat(dry.err()).contains("would requeue uploads/images/a.jpg -> queue image-processing");
    assertThat(depth(queue)).as("a dry run sends nothing").isEqualTo(before);
  }

  String depth(String queue) {
    return aws.sqs()
        .getQueueAttributes(
            q -> q.queueUrl(queue).attributeNamesWithStrings("ApproximateNumberOfMessages"))
        .attributesAsStrings()
        .get("ApproximateNumberOfMessages");
  }

  @Test
  void aBucketTooLargeToListIsReadFromItsInventoryReport() throws Exception {
    String data =
        row("terminus-uploads", "uploads/images/a.jpg")
            + row("terminus-uploads", "uploads/images/b photo é.png")
            + row("another-bucket", "uploads/images/theirs.jpg");
    aws.s3()
        .putObject(
            r -> r.bucket("inventories").key("inv/data/1.csv.gz"),
            RequestBody.fromBytes(gzip(data)));
    String manifest =
        "{\"sourceBucket\":\"terminus-uploads\",\"destinationBucket\":\"arn:aws:s3:::inventories\","
            + "\"fileFormat\":\"CSV\",\"fileSchema\":\"Bucket, Key, Size, LastModifiedDate, ETag\","
            + "\"files\":[{\"key\":\"inv/data/1.csv.gz\",\"size\":1,\"MD5checksum\":\"x\"}]}";
    aws.s3()
        .putObject(
            r -> r.bucket("inventories").key("inv/manifest.json"),
            RequestBody.fromString(manifest));

    Cli.Result r =
        s3proc(
            "audit",
            "reconcile",
            "-f",
            PIPELINE,
            "--grace",
            "0s",
            "--inventory",
            "s3://inventories/inv/manifest.json",
            "--prefix",
            "uploads/images/",
            "-o",
            "json");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    JsonNode json = JSON.readTree(r.out());
    assertThat(json.path("listed").asInt()).isEqualTo(2);
    assertThat(json.path("findings").findValuesAsText("key"))
        .containsExactly("uploads/images/a.jpg", "uploads/images/b photo é.png");

    aws.s3()
        .putObject(
            q -> q.bucket("inventories").key("inv/orc.json"),
            RequestBody.fromString(manifest.replace("\"CSV\"", "\"ORC\"")));
    Cli.Result orc =
        s3proc(
            "audit", "reconcile", "-f", PIPELINE, "--inventory", "s3://inventories/inv/orc.json");
    assertThat(orc.exitCode()).isEqualTo(2);
    assertThat(orc.err()).contains("is a ORC inventory: only CSV inventories are read");
  }

  /** An inventory row as S3 writes it: every field quoted, the key URL-encoded. */
  static String row(String bucket, String key) {
    return "\""
        + bucket
        + "\",\""
        + URLEncoder.encode(key, StandardCharsets.UTF_8)
        + "\",\"5\",\""
        + java.time.Instant.now().minusSeconds(3600)
        + "\",\"e\"\n";
  }

  static byte[] gzip(String text) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
