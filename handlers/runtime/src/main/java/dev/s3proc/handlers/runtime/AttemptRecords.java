package dev.s3proc.handlers.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.core.event.S3ObjectEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit records of one attempt: the PROCESSING record it starts with, and the record of how it
 * ended, with the request counts cost needs.
 */
final class AttemptRecords {
  private AttemptRecords() {}

  static Map<String, Long> baseRequests(
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
    r.put("dynamoWrite", AttemptRunner.AUDIT_WRITES);
    r.put("dynamoRead", 0L);
    r.put("s3Get", 0L);
    r.put("s3Put", 0L);
    return r;
  }

  /** How an attempt ended, with what its input counted (GETs, PUTs, bytes). */
  static AuditRecord end(
      AuditRecord base,
      Status status,
      List<String> outputs,
      String errorType,
      String errorMessage,
      Input input,
      Map<String, String> metadata,
      Boolean retry) {
    Map<String, Long> requests = new LinkedHashMap<>(base.requests());
    requests.put("s3Get", input.gets.get());
    requests.put("s3Put", input.puts.get());
    return end(
        base,
        status,
        outputs,
        errorType,
        errorMessage,
        input.bytesRead.get(),
        input.bytesWritten.get(),
        requests,
        metadata,
        retry);
  }

  /** How an attempt ended. */
  static AuditRecord end(
      AuditRecord base,
      Status status,
      List<String> outputs,
      String errorType,
      String errorMessage,
      long bytesRead,
      long bytesWritten,
      Map<String, Long> requests,
      Map<String, String> metadata,
      Boolean retry) {
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
        withTrace(metadata),
        base.deadline(),
        retry,
        base.vcpu());
  }

  /**
   * The X-Ray trace of this invocation, when tracing is on (the template's Tracing parameter): the
   * Java runtime sets it per invocation as a system property, and in the environment at start.
   */
  static String traceId() {
    String header = System.getProperty("com.amazonaws.xray.traceHeader");
    if (header == null) {
      header = System.getenv("_X_AMZN_TRACE_ID");
    }
    if (header == null) {
      return null;
    }
    for (String part : header.split(";")) {
      if (part.startsWith("Root=")) {
        return part.substring("Root=".length());
      }
    }
    return null;
  }

  private static Map<String, String> withTrace(Map<String, String> metadata) {
    String trace = traceId();
    if (trace == null) {
      return metadata;
    }
    Map<String, String> m = new java.util.LinkedHashMap<>(metadata);
    m.put("traceId", trace);
    return m;
  }

  /** The PROCESSING record an attempt starts with. */
  static AuditRecord start(
      S3ObjectEvent e,
      String processor,
      int attempt,
      String attemptId,
      Instant started,
      Instant deadline,
      Context context,
      Map<String, Long> requests) {
    Double vcpu = context instanceof LocalInvoke.Invocation i && i.vcpu() > 0 ? i.vcpu() : null;
    if (vcpu != null) {
      requests.put("lambda", 0L); // the heavy worker's Fargate task, not a Lambda invocation
    }
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
        processor,
        Status.PROCESSING,
        attempt,
        attemptId,
        started,
        null,
        null,
        null,
        context == null ? null : context.getMemoryLimitInMB(),
        architecture(),
        context == null ? null : context.getAwsRequestId(),
        List.of(),
        null,
        null,
        0L,
        0L,
        requests,
        Map.of(),
        deadline,
        null,
        vcpu);
  }

  static String architecture() {
    String arch = System.getProperty("os.arch", "");
    return arch.contains("aarch64") || arch.contains("arm") ? "arm64" : "x86_64";
  }
}
