package dev.s3proc.handlers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.handlers.testing.HandlerHarness;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * Every event type S3 sends, handled on a real moto: a removal deletes what was derived from the
 * object (and only when the object is gone), a restore is processed, a replication failure is
 * recorded and announced, and an event no processor can act on goes to the DLQ with its reason. The
 * events are S3's documented shapes (src/test/resources/events/SOURCES.md).
 */
class EventTypesIT {
  static final String KEY = "uploads/images/harbour.jpg";
  static final String OUTPUT = "processed/copies/" + KEY;

  HandlerHarness h;
  ScriptedHandler handler;

  @BeforeEach
  void setUp() {
    h = new HandlerHarness();
    handler = new ScriptedHandler(h.env(true), input -> {});
  }

  private String upload(String key) {
    return h.put(key, ("pixels of " + key).getBytes(StandardCharsets.UTF_8));
  }

  private JsonNode event(String fixture, String key, String eTag) throws Exception {
    return h.event(fixture, key, ("pixels of " + key).length(), eTag);
  }

  private void processUpload(String key) throws Exception {
    h.invoke(handler, event("s3-direct-aws.json", key, upload(key)));
    assertThat(h.history(key).get(0).status()).isEqualTo(Status.SUCCEEDED);
  }

  private boolean exists(String key) {
    try {
      h.s3.headObject(r -> r.bucket(HandlerHarness.BUCKET).key(key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    }
  }

  @Test
  void aRemovedUploadsOutputsAreDeletedAndTheTrailSaysWhich() throws Exception {
    processUpload(KEY);
    processUpload("uploads/images/harbour.jpg.bak"); // shares a prefix: must survive
    assertThat(exists(OUTPUT)).isTrue();

    h.s3.deleteObject(r -> r.bucket(HandlerHarness.BUCKET).key(KEY));
    JsonNode removal = event("s3-removed.json", KEY, "");
    h.invoke(handler, removal);

    assertThat(exists(OUTPUT)).as("the thumbnail of a deleted photo").isFalse();
    assertThat(exists("processed/copies/uploads/images/harbour.jpg.bak")).isTrue();
    AuditRecord latest = h.history(KEY).get(0);
    assertThat(latest.status()).isEqualTo(Status.DELETED);
    assertThat(latest.outputs()).containsExactly("s3://terminus-uploads/" + OUTPUT);
    assertThat(latest.metadata()).containsEntry("removed", "1");
    assertThat(h.dlq()).isEmpty();

    h.invoke(handler, removal); // delivered again
    assertThat(h.history(KEY).get(0).status()).isEqualTo(Status.SKIPPED_DUPLICATE);
  }

  @Test
  void aRemovalThatArrivesAfterTheKeyWasUploadedAgainKeepsTheNewOutputs() throws Exception {
    processUpload(KEY);
    h.s3.deleteObject(r -> r.bucket(HandlerHarness.BUCKET).key(KEY));
    JsonNode lateRemoval = event("s3-removed.json", KEY, "");
    processUpload(KEY); // uploaded again before the removal was handled

    h.invoke(handler, lateRemoval);

    assertThat(exists(OUTPUT)).isTrue();
    AuditRecord latest = h.history(KEY).get(0);
    assertThat(latest.status()).isEqualTo(Status.DELETED);
    assertThat(latest.outputs()).isEmpty();
    assertThat(latest.metadata().get("note")).contains("still exists").contains("outputs are kept");
  }

  @Test
  void aDeleteMarkerInAVersionedBucketRemovesTheOutputsAndKeepsTheVersions() throws Exception {
    h.s3.putBucketVersioning(
        r ->
            r.bucket(HandlerHarness.BUCKET)
                .versioningConfiguration(c -> c.status(BucketVersioningStatus.ENABLED)));
    processUpload(KEY);
    String marker = h.s3.deleteObject(r -> r.bucket(HandlerHarness.BUCKET).key(KEY)).versionId();
    JsonNode event = event("s3-removed-delete-marker.json", KEY, "");
    ((ObjectNode) event.path("Records").get(0).path("s3").path("object")).put("versionId", marker);

    h.invoke(handler, event);

    assertThat(exists(OUTPUT)).isFalse();
    assertThat(h.history(KEY).get(0).status()).isEqualTo(Status.DELETED);
    assertThat(h.history(KEY).get(0).versionId()).isEqualTo(marker);
    assertThat(h.s3.listObjectVersions(r -> r.bucket(HandlerHarness.BUCKET).prefix(KEY)).versions())
        .as("the upload itself is still there, behind its delete marker")
        .hasSize(1);
  }

  @Test
  void anArchivedUploadFailsWithWhatToDoAndIsProcessedWhenRestored() throws Exception {
    String key = "uploads/images/archived.jpg";
    byte[] bytes = ("pixels of " + key).getBytes(StandardCharsets.UTF_8);
    String eTag =
        h.s3
            .putObject(
                r -> r.bucket(HandlerHarness.BUCKET).key(key).storageClass(StorageClass.GLACIER),
                RequestBody.fromBytes(bytes))
            .eTag()
            .replace("\"", "");
    h.invoke(handler, event("s3-direct-aws.json", key, eTag));
    AuditRecord archived = h.history(key).get(0);
    assertThat(archived.status()).isEqualTo(Status.FAILED);
    assertThat(archived.errorType()).isEqualTo("ARCHIVED");
    assertThat(archived.errorMessage()).contains("restore-object", "s3:ObjectRestore:Completed");
    assertThat(h.dlq()).hasSize(1);

    h.s3.restoreObject(
        r -> r.bucket(HandlerHarness.BUCKET).key(key).restoreRequest(q -> q.days(7)));
    h.invoke(handler, event("s3-restore-completed.json", key, eTag));

    AuditRecord restored = h.history(key).get(0);
    assertThat(restored.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(restored.eventName()).isEqualTo("s3:ObjectRestore:Completed");
    assertThat(exists("processed/copies/" + key)).isTrue();
  }

  @Test
  void aReplicationFailureIsRecordedWithItsReasonNeverDropped() throws Exception {
    processUpload(KEY);
    h.invoke(handler, event("s3-replication-failed.json", KEY, "x"));

    AuditRecord r = h.history(KEY).get(0);
    assertThat(r.status()).isEqualTo(Status.RECORDED);
    assertThat(r.errorType()).isEqualTo("REPLICATION_FAILED");
    assertThat(r.errorMessage())
        .contains("arn:aws:s3:::terminus-uploads-dr")
        .contains("AssumeRoleNotPermitted");
    assertThat(r.metadata()).containsEntry("replicationRuleId", "replicate-uploads-to-dr");
    assertThat(exists(OUTPUT)).as("nothing is undone").isTrue();
    assertThat(h.dlq()).as("nothing to retry: it is recorded and announced").isEmpty();
  }

  @Test
  void anEventNoProcessorCanActOnGoesToTheDlqWithItsReason() throws Exception {
    processUpload(KEY);
    h.invoke(handler, event("s3-tagging.json", KEY, "x"));

    AuditRecord r = h.history(KEY).get(0);
    assertThat(r.status()).isEqualTo(Status.FAILED);
    assertThat(r.errorType()).isEqualTo("UNSUPPORTED_EVENT");
    assertThat(r.errorMessage())
        .contains("s3:ObjectTagging:Put")
        .contains("s3proc.media-ingest.process-images-jpg");
    assertThat(h.dlq()).hasSize(1);
    List<AuditRecord> all = h.history(KEY);
    assertThat(all).extracting(AuditRecord::status).contains(Status.SUCCEEDED);
  }
}
