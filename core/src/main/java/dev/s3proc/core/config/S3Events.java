package dev.s3proc.core.config;

import java.util.List;

/** The event types S3 can send notifications for, and how a wildcard covers them. */
public final class S3Events {
  /** Every event name S3 accepts in a notification configuration. */
  public static final List<String> ALL =
      List.of(
          "s3:ObjectCreated:*",
          "s3:ObjectCreated:Put",
          "s3:ObjectCreated:Post",
          "s3:ObjectCreated:Copy",
          "s3:ObjectCreated:CompleteMultipartUpload",
          "s3:ObjectRemoved:*",
          "s3:ObjectRemoved:Delete",
          "s3:ObjectRemoved:DeleteMarkerCreated",
          "s3:ObjectRestore:*",
          "s3:ObjectRestore:Post",
          "s3:ObjectRestore:Completed",
          "s3:ObjectRestore:Delete",
          "s3:ReducedRedundancyLostObject",
          "s3:Replication:*",
          "s3:Replication:OperationFailedReplication",
          "s3:Replication:OperationMissedThreshold",
          "s3:Replication:OperationReplicatedAfterThreshold",
          "s3:Replication:OperationNotTracked",
          "s3:LifecycleExpiration:*",
          "s3:LifecycleExpiration:Delete",
          "s3:LifecycleExpiration:DeleteMarkerCreated",
          "s3:LifecycleTransition",
          "s3:IntelligentTiering",
          "s3:ObjectTagging:*",
          "s3:ObjectTagging:Put",
          "s3:ObjectTagging:Delete",
          "s3:ObjectAcl:Put");

  private S3Events() {}

  public static boolean isKnown(String event) {
    return ALL.contains(event);
  }

  /**
   * Whether a configured event type (possibly a wildcard such as {@code s3:ObjectCreated:*})
   * matches a concrete or wildcard event type.
   */
  public static boolean overlaps(String a, String b) {
    return a.equals(b) || covers(a, b) || covers(b, a);
  }

  private static boolean covers(String wildcard, String other) {
    return wildcard.endsWith(":*")
        && other.startsWith(wildcard.substring(0, wildcard.length() - 1));
  }
}
