package dev.s3proc.core.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One processing attempt of one object, as the handlers write it and {@code audit} and {@code cost}
 * read it. Field names are the JSON contract of {@code audit ... -o json}.
 *
 * @param workflow the rule or route that sent the object (the S3 notification's configuration id)
 * @param requests request counts that cost needs: s3Get, s3Put, dynamoWrite, dynamoRead, sqs, sns,
 *     eventBridge, stepTransitions
 * @param deadline when the attempt's claim expires (the end of its Lambda invocation, or of the
 *     runner's or worker's deadline): a PROCESSING attempt past it was killed, timed out or ran out
 *     of memory, and the next delivery takes the object over
 * @param retry for a FAILED attempt, whether the object is tried again (the message goes back to
 *     its queue, or Lambda or Step Functions retries): false when it failed for good and was
 *     dead-lettered
 * @param vcpu the vCPUs of the heavy worker's Fargate task that ran the attempt (priced per
 *     vCPU-second and GB-second of {@code memoryMb} over {@code billedMs}); null on Lambda
 */
public record AuditRecord(
    String bucket,
    String key,
    String versionId,
    Long size,
    String eTag,
    String eventName,
    Instant eventTime,
    String sequencer,
    String workflow,
    String processor,
    Status status,
    int attempt,
    String attemptId,
    Instant startedAt,
    Instant finishedAt,
    Long durationMs,
    Long billedMs,
    Integer memoryMb,
    String architecture,
    String requestId,
    List<String> outputs,
    String errorType,
    String errorMessage,
    Long bytesRead,
    Long bytesWritten,
    Map<String, Long> requests,
    Map<String, String> metadata,
    Instant deadline,
    Boolean retry,
    Double vcpu) {

  public enum Status {
    RECEIVED,
    PROCESSING,
    SUCCEEDED,
    FAILED,
    /** A duplicate of an event that already succeeded: not processed again. */
    SKIPPED_DUPLICATE,
    /**
     * Another attempt held a live claim on the same event: this delivery went back to the queue (or
     * was retried by Lambda) untouched, to be taken over if that attempt never finishes.
     */
    DEFERRED,
    /**
     * The object was removed (deleted, a delete marker, expired): what was derived from it is
     * deleted, and listed as this record's outputs.
     */
    DELETED,
    /**
     * An event about the object that needs no processing (a restore started or expired, a
     * replication failure or delay): kept in the trail and announced, with any problem as its
     * errorType.
     */
    RECORDED,
    /**
     * A compliance report (processor {@code compliance}): every subscriber of a fan-out topic
     * answered for the upload, and none found a problem.
     */
    COMPLIANT,
    /** A compliance report: a subscriber found a problem (a virus, personal data, a rejection). */
    NON_COMPLIANT,
    /**
     * A compliance report: every subscriber answered, at least one without a verdict (it failed and
     * the file is in its DLQ); a redrive that succeeds completes the report.
     */
    INCOMPLETE;

    /** Whether this is a compliance report's verdict rather than an attempt's status. */
    public boolean report() {
      return this == COMPLIANT || this == NON_COMPLIANT || this == INCOMPLETE;
    }
  }

  /**
   * Whether this record is a real attempt at processing (not a skip, a deferral, a removal or a
   * recorded event).
   */
  public boolean processed() {
    return status != Status.SKIPPED_DUPLICATE
        && status != Status.DEFERRED
        && status != Status.DELETED
        && status != Status.RECORDED
        && !status.report();
  }

  /** Whether this attempt failed and the object will be tried again. */
  public boolean retrying() {
    return status == Status.FAILED && Boolean.TRUE.equals(retry);
  }

  /** Upload to done: from the event time (the upload) to the end of this attempt. */
  public Long latencyMs() {
    return eventTime == null || finishedAt == null
        ? null
        : finishedAt.toEpochMilli() - eventTime.toEpochMilli();
  }
}
