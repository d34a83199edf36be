package dev.s3proc.handlers.runtime;

import dev.s3proc.core.event.S3ObjectEvent;
import java.util.Map;

/**
 * What the trail says of an event with nothing to process (a restore started or expired, a
 * replication problem): a replication that failed or missed its threshold is a problem, with an
 * errorType a subscriber can filter on; the rest are facts. The event's own details (failure
 * reason, destination, restore expiry) go into the record's metadata.
 */
record RecordedEvent(String errorType, String message, Map<String, String> metadata) {

  static RecordedEvent of(S3ObjectEvent e) {
    Map<String, String> d = e.details();
    String destination = d.getOrDefault("destinationBucket", "its destination");
    String name = e.eventName() == null ? "" : e.eventName();
    return switch (name) {
      case "s3:Replication:OperationFailedReplication" ->
          new RecordedEvent(
              "REPLICATION_FAILED",
              "replication to "
                  + destination
                  + " failed: "
                  + d.getOrDefault("failureReason", "S3 gave no reason")
                  + " (see the S3 replication failure reasons; fix it, then re-replicate with S3"
                  + " Batch Replication)",
              d);
      case "s3:Replication:OperationMissedThreshold" ->
          new RecordedEvent(
              "REPLICATION_LATE",
              "not replicated to "
                  + destination
                  + " within the Replication Time Control threshold"
                  + (d.containsKey("threshold") ? " of " + d.get("threshold") : ""),
              d);
      case "s3:Replication:OperationReplicatedAfterThreshold" ->
          new RecordedEvent(null, "replicated to " + destination + " after the threshold", d);
      case "s3:Replication:OperationNotTracked" ->
          new RecordedEvent(null, "no longer tracked by replication metrics", d);
      case "s3:ObjectRestore:Post" ->
          new RecordedEvent(
              null, "restore from the archive started: it is processed when it completes", d);
      case "s3:ObjectRestore:Delete" ->
          new RecordedEvent(null, "the restored copy expired: the object is archived again", d);
      default -> new RecordedEvent(null, name, d);
    };
  }
}
