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

  /** What a processor does with an event it is sent. */
  public enum Handling {
    /** Processes the object: an upload, or an archived object restored. */
    PROCESS,
    /** Deletes what was derived from the object, which is gone. */
    REMOVE,
    /** Records the event in the trail and announces it: nothing to process. */
    RECORD
  }

  /** The event types a processor handles, and how (wildcards cover their concrete types). */
  private static final java.util.Map<String, Handling> HANDLING =
      java.util.Map.ofEntries(
          java.util.Map.entry("s3:ObjectCreated:", Handling.PROCESS),
          java.util.Map.entry("s3:ObjectRestore:Completed", Handling.PROCESS),
          java.util.Map.entry("s3:ObjectRemoved:", Handling.REMOVE),
          java.util.Map.entry("s3:LifecycleExpiration:", Handling.REMOVE),
          java.util.Map.entry("s3:ObjectRestore:Post", Handling.RECORD),
          java.util.Map.entry("s3:ObjectRestore:Delete", Handling.RECORD),
          java.util.Map.entry("s3:Replication:", Handling.RECORD));

  /** The event families a processor handles, for messages. */
  public static final String HANDLED =
      "ObjectCreated, ObjectRemoved, LifecycleExpiration, ObjectRestore and Replication";

  private S3Events() {}

  /**
   * How a processor handles a concrete event type (with or without the {@code s3:} prefix), or null
   * when it cannot: tagging, ACL, lifecycle transition, Intelligent-Tiering and reduced redundancy
   * events say nothing a processor can act on. A null name is an upload (a Step Functions task, or
   * a direct invocation with no event).
   */
  public static Handling handling(String eventName) {
    if (eventName == null) {
      return Handling.PROCESS;
    }
    String name = eventName.startsWith("s3:") ? eventName : "s3:" + eventName;
    for (java.util.Map.Entry<String, Handling> e : HANDLING.entrySet()) {
      if (e.getKey().endsWith(":") ? name.startsWith(e.getKey()) : name.equals(e.getKey())) {
        return e.getValue();
      }
    }
    return null;
  }

  /** Whether a processor handles every event type a configured one (maybe a wildcard) covers. */
  public static boolean processorHandles(String configured) {
    return ALL.stream()
        .filter(e -> !e.endsWith(":*") && overlaps(configured, e))
        .allMatch(e -> handling(e) != null);
  }

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
