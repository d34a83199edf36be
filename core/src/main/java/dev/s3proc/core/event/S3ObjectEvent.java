package dev.s3proc.core.event;

import java.time.Instant;

/**
 * One object event, whichever way it was delivered: directly by S3, wrapped by SNS, or shaped by
 * EventBridge. The key is decoded (S3 notifications form-encode it: {@code +} is a space).
 *
 * @param versionId null for unversioned buckets (and always on moto)
 * @param sequencer null when the sender gave none (moto, EventBridge on some events)
 * @param configurationId the notification configuration (rule) that sent it, when known
 * @param details what some event types add: a replication failure's reason and destination, a
 *     restore's expiry (empty for the rest)
 */
public record S3ObjectEvent(
    String bucket,
    String key,
    long size,
    String eTag,
    String versionId,
    String sequencer,
    String eventName,
    Instant eventTime,
    String via,
    String configurationId,
    java.util.Map<String, String> details) {

  public S3ObjectEvent {
    details = details == null ? java.util.Map.of() : java.util.Map.copyOf(details);
  }

  /** An event with no details beyond the object. */
  public S3ObjectEvent(
      String bucket,
      String key,
      long size,
      String eTag,
      String versionId,
      String sequencer,
      String eventName,
      Instant eventTime,
      String via,
      String configurationId) {
    this(
        bucket,
        key,
        size,
        eTag,
        versionId,
        sequencer,
        eventName,
        eventTime,
        via,
        configurationId,
        java.util.Map.of());
  }

  /**
   * What makes two deliveries the same event, for idempotency: S3's sequencer, which orders the
   * events of one key; without one (moto, some EventBridge events, a requeue), the eTag and the
   * event time.
   */
  public String idempotencyToken() {
    return sequencer != null ? sequencer : eTag + "@" + eventTime;
  }

  /** How the event reached the consumer. */
  public static final String DIRECT = "s3";

  public static final String SNS = "sns";
  public static final String EVENTBRIDGE = "eventbridge";
}
