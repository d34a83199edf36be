package dev.s3proc.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class S3EventParserTest {
  /** As moto sends it: key form-encoded including '/', no sequencer or versionId, no zone. */
  static final String MOTO =
      """
      {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2026-11-28T21:34:09.608495", "eventName": "ObjectCreated:Put",
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "s3proc.media-ingest.process-images-jpg",
          "bucket": {"name": "terminus-uploads", "arn": "arn:aws:s3:::terminus-uploads"},
          "object": {"key": "uploads%2Fimages%2Fmy+photo+%C3%A9.jpg", "size": 17, "eTag": "abc"}}}]}
      """;

  static final String AWS =
      """
      {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
        "eventTime":"2026-11-28T21:34:09.608Z","eventName":"ObjectCreated:CompleteMultipartUpload",
        "s3":{"bucket":{"name":"b"},"object":{"key":"a/b+c%2Bd.pdf","size":5368709120,"eTag":"e-2",
        "versionId":"v1","sequencer":"0055AED6DCD90281E5"}}}]}
      """;

  @Test
  void motoEventsParseLeniently() {
    var e = S3EventParser.parse(MOTO).orElseThrow().get(0);
    assertThat(e.bucket()).isEqualTo("terminus-uploads");
    assertThat(e.key()).isEqualTo("uploads/images/my photo é.jpg");
    assertThat(e.sequencer()).isNull();
    assertThat(e.versionId()).isNull();
    assertThat(e.eventName()).isEqualTo("s3:ObjectCreated:Put");
    assertThat(e.eventTime()).isEqualTo(Instant.parse("2026-11-28T21:34:09.608495Z"));
  }

  @Test
  void awsEventsKeepEverything() {
    var e = S3EventParser.parse(AWS).orElseThrow().get(0);
    assertThat(e.key()).isEqualTo("a/b c+d.pdf");
    assertThat(e.size()).isEqualTo(5_368_709_120L);
    assertThat(e.sequencer()).isEqualTo("0055AED6DCD90281E5");
    assertThat(e.versionId()).isEqualTo("v1");
  }

  @Test
  void snsWrappedAndEventBridgeShapedEventsAreUnwrapped() {
    String sns =
        "{\"Type\":\"Notification\",\"MessageId\":\"m\",\"Message\":"
            + com.fasterxml.jackson.databind.node.TextNode.valueOf(AWS)
            + "}";
    var viaSns = S3EventParser.parse(sns).orElseThrow().get(0);
    assertThat(viaSns.key()).isEqualTo("a/b c+d.pdf");
    assertThat(viaSns.via()).isEqualTo("sns");

    String eventBridge =
        """
        {"version":"0","detail-type":"Object Created","source":"aws.s3","time":"2026-11-28T10:00:00Z",
         "detail":{"bucket":{"name":"b"},"object":{"key":"raw key+plus.jpg","size":3,"etag":"x","sequencer":"01"},
         "reason":"PutObject"}}
        """;
    var eb = S3EventParser.parse(eventBridge).orElseThrow().get(0);
    assertThat(eb.key()).isEqualTo("raw key+plus.jpg");
    assertThat(eb.eventName()).isEqualTo("s3:ObjectCreated:Put");
    assertThat(eb.via()).isEqualTo("eventbridge");
  }

  @Test
  void testEventsHaveNoObjectsAndOtherBodiesAreNotS3Events() {
    assertThat(
            S3EventParser.parse(
                "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Bucket\":\"b\"}"))
        .hasValue(java.util.List.of());
    assertThat(S3EventParser.parse("{\"order\": 42}")).isEmpty();
    assertThat(S3EventParser.parse("plain text")).isEmpty();
  }

  @Test
  void replicationAndRestoreEventsKeepWhatTheyAdd() {
    String replication =
        """
        {"Records":[{"eventVersion":"2.2","eventSource":"aws:s3","eventTime":"2026-11-28T21:34:09Z",
          "eventName":"Replication:OperationFailedReplication",
          "s3":{"bucket":{"name":"b"},"object":{"key":"k.jpg","size":5,"eTag":"e","sequencer":"01"}},
          "replicationEventData":{"replicationRuleId":"dr","destinationBucket":"arn:aws:s3:::b-dr",
            "s3Operation":"OBJECT_PUT","failureReason":"DstBucketNotFound"}}]}
        """;
    var e = S3EventParser.parse(replication).orElseThrow().get(0);
    assertThat(e.eventName()).isEqualTo("s3:Replication:OperationFailedReplication");
    assertThat(e.details())
        .containsEntry("failureReason", "DstBucketNotFound")
        .containsEntry("destinationBucket", "arn:aws:s3:::b-dr");

    String restore =
        """
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventTime":"2026-11-28T21:34:09Z",
          "eventName":"ObjectRestore:Completed",
          "s3":{"bucket":{"name":"b"},"object":{"key":"k.jpg","size":5,"eTag":"e","sequencer":"02"}},
          "glacierEventData":{"restoreEventData":{
            "lifecycleRestorationExpiryTime":"2026-12-06T00:00:00.000Z",
            "lifecycleRestoreStorageClass":"GLACIER"}}}]}
        """;
    assertThat(S3EventParser.parse(restore).orElseThrow().get(0).details())
        .containsEntry("lifecycleRestoreStorageClass", "GLACIER");
    assertThat(S3EventParser.parse(AWS).orElseThrow().get(0).details()).isEmpty();
  }

  @Test
  void eventBridgeRemovalsAndRestoresMapToS3EventNames() {
    String template =
        """
        {"version":"0","detail-type":"%s","source":"aws.s3","time":"2026-11-28T10:00:00Z",
         "detail":{"bucket":{"name":"b"},"object":{"key":"k.jpg","sequencer":"01"}%s}}
        """;
    assertThat(
            S3EventParser.parse(
                    String.format(
                        template, "Object Deleted", ",\"deletion-type\":\"Delete Marker Created\""))
                .orElseThrow()
                .get(0)
                .eventName())
        .isEqualTo("s3:ObjectRemoved:DeleteMarkerCreated");
    assertThat(
            S3EventParser.parse(
                    String.format(
                        template, "Object Deleted", ",\"deletion-type\":\"Permanently Deleted\""))
                .orElseThrow()
                .get(0)
                .eventName())
        .isEqualTo("s3:ObjectRemoved:Delete");
    assertThat(
            S3EventParser.parse(String.format(template, "Object Restore Completed", ""))
                .orElseThrow()
                .get(0)
                .eventName())
        .isEqualTo("s3:ObjectRestore:Completed");
  }
}
