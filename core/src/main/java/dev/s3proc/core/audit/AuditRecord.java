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
    Map<String, String> metadata) {

  public enum Status {
    RECEIVED,
    PROCESSING,
    SUCCEEDED,
    FAILED,
    SKIPPED_DUPLICATE
  }

  /** Upload to done: from the event time (the upload) to the end of this attempt. */
  public Long latencyMs() {
    return eventTime == null || finishedAt == null
        ? null
        : finishedAt.toEpochMilli() - eventTime.toEpochMilli();
  }
}
