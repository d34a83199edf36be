package dev.s3proc.handlers.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.core.audit.AuditTrail;
import dev.s3proc.core.event.S3ObjectEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One attempt at one object: claim the event (a duplicate of one already done is recorded
 * SKIPPED_DUPLICATE), record PROCESSING, run the processor, record SUCCEEDED or FAILED with
 * timings, outputs, errors and the request counts cost needs.
 */
final class AttemptRunner {
  /** A claim older than this is taken to be a crashed attempt and may be taken over. */
  static final Duration STALE_CLAIM = Duration.ofMinutes(15);

  /** Audit writes per attempt: claim, PROCESSING, final record, release. */
  static final long AUDIT_WRITES = 4;

  enum Kind {
    SUCCEEDED,
    SKIPPED,
    PERMANENT,
    TRANSIENT
  }

  record Outcome(Kind kind, AuditRecord record, Throwable error) {}

  private final S3Client s3;
  private final AuditTrail trail;
  private final Processor processor;
  private final HandlerConfig config;
  private final Telemetry telemetry;

  AttemptRunner(
      S3Client s3,
      AuditTrail trail,
      Processor processor,
      HandlerConfig config,
      Telemetry telemetry) {
    this.s3 = s3;
    this.trail = trail;
    this.processor = processor;
    this.config = config;
    this.telemetry = telemetry;
  }

  Outcome run(
      S3ObjectEvent event,
      int attempt,
      Context context,
      boolean firstInInvocation,
      boolean viaSqs) {
    String attemptId = UUID.randomUUID().toString();
    Instant started = Instant.now();
    String token =
        event.sequencer() != null ? event.sequencer() : event.eTag() + "@" + event.eventTime();
    Map<String, Long> requests = baseRequests(event, firstInInvocation, viaSqs);
    AuditRecord base =
        record(
            event,
            attempt,
            attemptId,
            started,
            null,
            Status.PROCESSING,
            context,
            List.of(),
            null,
            null,
            0,
            0,
            requests,
            Map.of());

    AuditTrail.Claim claim =
        trail.claim(
            event.bucket(), event.key(), event.versionId(), token, attemptId, started, STALE_CLAIM);
    if (claim != AuditTrail.Claim.CLAIMED) {
      requests.put("dynamoRead", 1L);
      requests.put("dynamoWrite", 2L);
      AuditRecord skipped =
          finish(
              base,
              Status.SKIPPED_DUPLICATE,
              List.of(),
              null,
              claim == AuditTrail.Claim.ALREADY_SUCCEEDED
                  ? "already processed successfully"
                  : "being processed by another attempt",
              0,
              0,
              requests,
              Map.of());
      trail.put(skipped);
      telemetry.log(
          "INFO",
          "duplicate event skipped",
          Map.of("bucket", event.bucket(), "key", event.key(), "reason", skipped.errorMessage()));
      return new Outcome(Kind.SKIPPED, skipped, null);
    }
    trail.put(base);
    Input input = new Input(s3, event, config);
    try {
      if (event.size() == 0
          && event.eventName() != null
          && event.eventName().startsWith("s3:ObjectCreated")) {
        throw PermanentFailure.empty();
      }
      if (event.size() > config.maxObjectBytes()) {
        throw PermanentFailure.tooLarge(event.size(), config.maxObjectBytes());
      }
      Processor.Result result = processor.process(input);
      AuditRecord done =
          finish(base, Status.SUCCEEDED, result.outputs(), null, null, input, result.metadata());
      trail.put(done);
      trail.release(event.bucket(), event.key(), event.versionId(), token, Status.SUCCEEDED);
      return new Outcome(Kind.SUCCEEDED, done, null);
    } catch (PermanentFailure e) {
      return failed(base, event, token, input, e.type(), e.getMessage(), Kind.PERMANENT, e);
    } catch (OutOfMemoryError e) {
      return failed(
          base,
          event,
          token,
          input,
          "TOO_LARGE",
          "ran out of memory processing it: " + e.getMessage(),
          Kind.PERMANENT,
          e);
    } catch (RuntimeException | IOException e) {
      Kind kind = transientError(e) ? Kind.TRANSIENT : Kind.PERMANENT;
      String type = kind == Kind.TRANSIENT ? "TRANSIENT" : "PROCESSING_ERROR";
      return failed(
          base,
          event,
          token,
          input,
          type,
          e.getClass().getSimpleName() + ": " + e.getMessage(),
          kind,
          e);
    }
  }

  private Outcome failed(
      AuditRecord base,
      S3ObjectEvent event,
      String token,
      Input input,
      String type,
      String message,
      Kind kind,
      Throwable e) {
    AuditRecord failed = finish(base, Status.FAILED, List.of(), type, message, input, Map.of());
    trail.put(failed);
    trail.release(event.bucket(), event.key(), event.versionId(), token, Status.FAILED);
    telemetry.log(
        kind == Kind.TRANSIENT ? "WARN" : "ERROR",
        "processing failed",
        Map.of(
            "bucket",
            event.bucket(),
            "key",
            event.key(),
            "errorType",
            type,
            "error",
            message,
            "retry",
            kind == Kind.TRANSIENT));
    return new Outcome(kind, failed, e);
  }

  /** Throttling, timeouts, 5xx and network trouble are worth a retry; anything else is not. */
  static boolean transientError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SdkClientException
          || t instanceof UncheckedIOException
          || t instanceof java.net.SocketException
          || t instanceof java.net.SocketTimeoutException) {
        return true;
      }
      if (t instanceof AwsServiceException a
          && (a.isThrottlingException() || a.statusCode() >= 500)) {
        return true;
      }
    }
    return e instanceof IOException;
  }

  private Map<String, Long> baseRequests(
      S3ObjectEvent event, boolean firstInInvocation, boolean viaSqs) {
    Map<String, Long> r = new LinkedHashMap<>();
    if (viaSqs) {
      r.put(
          "sqs",
          3L); // S3's send, the poller's receive and its delete, each at least one 64 KB chunk
    }
    if (S3ObjectEvent.SNS.equals(event.via())) {
      r.put("sns", 1L);
    }
    if (S3ObjectEvent.EVENTBRIDGE.equals(event.via())) {
      r.put("eventBridge", 1L);
    }
    r.put("lambda", firstInInvocation ? 1L : 0L);
    r.put("dynamoWrite", AUDIT_WRITES);
    r.put("dynamoRead", 0L);
    r.put("s3Get", 0L);
    r.put("s3Put", 0L);
    return r;
  }

  private AuditRecord finish(
      AuditRecord base,
      Status status,
      List<String> outputs,
      String errorType,
      String errorMessage,
      Input input,
      Map<String, String> metadata) {
    Map<String, Long> requests = new LinkedHashMap<>(base.requests());
    requests.put("s3Get", input.gets.get());
    requests.put("s3Put", input.puts.get());
    return finish(
        base,
        status,
        outputs,
        errorType,
        errorMessage,
        input.bytesRead.get(),
        input.bytesWritten.get(),
        requests,
        metadata);
  }

  private AuditRecord finish(
      AuditRecord base,
      Status status,
      List<String> outputs,
      String errorType,
      String errorMessage,
      long bytesRead,
      long bytesWritten,
      Map<String, Long> requests,
      Map<String, String> metadata) {
    Instant finished = Instant.now();
    long duration = Math.max(1, finished.toEpochMilli() - base.startedAt().toEpochMilli());
    return new AuditRecord(
        base.bucket(),
        base.key(),
        base.versionId(),
        base.size(),
        base.eTag(),
        base.eventName(),
        base.eventTime(),
        base.sequencer(),
        base.workflow(),
        base.processor(),
        status,
        base.attempt(),
        base.attemptId(),
        base.startedAt(),
        finished,
        duration,
        duration,
        base.memoryMb(),
        base.architecture(),
        base.requestId(),
        outputs,
        errorType,
        errorMessage,
        bytesRead,
        bytesWritten,
        requests,
        metadata);
  }

  private AuditRecord record(
      S3ObjectEvent e,
      int attempt,
      String attemptId,
      Instant started,
      Instant finished,
      Status status,
      Context context,
      List<String> outputs,
      String errorType,
      String errorMessage,
      long bytesRead,
      long bytesWritten,
      Map<String, Long> requests,
      Map<String, String> metadata) {
    return new AuditRecord(
        e.bucket(),
        e.key(),
        e.versionId(),
        e.size(),
        e.eTag(),
        e.eventName(),
        e.eventTime(),
        e.sequencer(),
        e.configurationId(),
        processor.name(),
        status,
        attempt,
        attemptId,
        started,
        finished,
        null,
        null,
        context == null ? null : context.getMemoryLimitInMB(),
        architecture(),
        context == null ? null : context.getAwsRequestId(),
        outputs,
        errorType,
        errorMessage,
        bytesRead,
        bytesWritten,
        requests,
        metadata);
  }

  static String architecture() {
    String arch = System.getProperty("os.arch", "");
    return arch.contains("aarch64") || arch.contains("arm") ? "arm64" : "x86_64";
  }
}
