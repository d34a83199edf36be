package dev.s3proc.handlers.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.core.audit.AuditTrail;
import dev.s3proc.core.audit.ComplianceTally;
import dev.s3proc.core.config.S3Events;
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
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One attempt at one object. It claims the event until the attempt's deadline (the end of the
 * Lambda invocation, or the runner's or worker's deadline), so a claim never outlives the attempt
 * that holds it; records PROCESSING; runs the processor; records SUCCEEDED or FAILED with timings,
 * outputs, errors and the request counts cost needs; and settles the claim.
 *
 * <p>What a delivery can meet: an event that already succeeded is a duplicate (SKIPPED_DUPLICATE,
 * not processed); a claim held by a live attempt sends this delivery back untouched (DEFERRED); a
 * claim whose attempt is past its deadline is taken over, and that attempt is recorded FAILED
 * ABANDONED. After {@link HandlerConfig#maxAbandoned()} abandoned attempts the file is failed for
 * good (CRASHED), so that a file that kills its process every time reaches the DLQ with a reason.
 * Every failure after the claim, the audit trail's own included, leaves the file retryable.
 */
final class AttemptRunner {
  /** Without a Lambda context, an attempt's claim lasts this long (Lambda's longest timeout). */
  static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(15);

  /** Audit writes per attempt: claim, PROCESSING, final record, release. */
  static final long AUDIT_WRITES = 4;

  enum Kind {
    SUCCEEDED,
    SKIPPED,
    /** Another attempt holds a live claim: retry after {@link Outcome#retryAfter()}. */
    DEFERRED,
    PERMANENT,
    TRANSIENT;

    /** Whether the delivery must be retried rather than deleted. */
    boolean retry() {
      return this == DEFERRED || this == TRANSIENT;
    }
  }

  /**
   * @param retryAfter for DEFERRED, when the holder's claim expires
   */
  record Outcome(Kind kind, AuditRecord record, Throwable error, Instant retryAfter) {
    Outcome(Kind kind, AuditRecord record, Throwable error) {
      this(kind, record, error, null);
    }
  }

  /** The audit trail could not be written: never the file's fault, always retried. */
  private static final class TrailUnavailable extends RuntimeException {
    TrailUnavailable(SdkException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** The compliance tally or report could not be written: the answer is given again on retry. */
  private static final class ReportUnavailable extends RuntimeException {
    ReportUnavailable(SdkException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private final S3Client s3;
  private final AuditTrail trail;
  private final Processor processor;
  private final HandlerConfig config;
  private final Telemetry telemetry;
  private final ResultNotices notices;
  private final Removal removal;
  private final ComplianceReporter reporter;

  AttemptRunner(
      S3Client s3,
      AuditTrail trail,
      ComplianceTally tally,
      Processor processor,
      HandlerConfig config,
      Telemetry telemetry,
      ResultNotices notices) {
    this.s3 = s3;
    this.trail = trail;
    this.processor = processor;
    this.config = config;
    this.telemetry = telemetry;
    this.notices = notices;
    this.removal = new Removal(s3, trail, config, processor);
    this.reporter = new ComplianceReporter(s3, tally, trail, config, processor.name());
  }

  /**
   * @param lastDelivery whether a failure of this attempt can no longer be retried (the message's
   *     last receive before SQS dead-letters it): the failure is then recorded as final
   */
  Outcome run(
      S3ObjectEvent event,
      int attempt,
      Context context,
      boolean firstInInvocation,
      boolean viaSqs,
      boolean lastDelivery) {
    return run(event, attempt, context, firstInInvocation, viaSqs, lastDelivery, null);
  }

  /**
   * One step of a workflow's execution on an object (its task token's work). The step has a claim
   * of its own (the event's token and the step's name), so that the workflow's steps do not meet
   * each other's, while a second execution for the same event meets the first one's. The claim
   * lasts one heartbeat interval and is extended by each heartbeat, so that a step whose process
   * died is taken over when the workflow retries it. The workflow announces the result, not each
   * step.
   *
   * @param heartbeat sends the workflow's heartbeat; run every third of the heartbeat interval
   * @param counts the requests the step accounts for beyond its own (the state machine's {@code
   *     counts}: its state transitions, the EventBridge event that started the execution, the
   *     notification state's publish), added to the attempt's for {@code cost report}
   */
  record Step(
      String name, Duration heartbeatInterval, Runnable heartbeat, Map<String, Long> counts) {}

  /**
   * The claim an attempt takes on its event: the event's token and the processor (a fan-out topic
   * delivers one event to several processors, each of which does its own work once); a workflow's
   * step adds the object's ETag (moto's EventBridge events all carry one sequencer) and the step's
   * name, so that the workflow's steps do not meet each other's claims.
   */
  static String claimToken(S3ObjectEvent event, String processor, String step) {
    return event.idempotencyToken()
        + (step == null ? "#" + processor : "#" + event.eTag() + "#" + step);
  }

  Outcome run(
      S3ObjectEvent event,
      int attempt,
      Context context,
      boolean firstInInvocation,
      boolean viaSqs,
      boolean lastDelivery,
      Step step) {
    String attemptId = UUID.randomUUID().toString();
    Instant started = Instant.now();
    Instant deadline =
        context == null
            ? started.plus(DEFAULT_DEADLINE)
            : started.plusMillis(Math.max(0, context.getRemainingTimeInMillis()));
    String token = claimToken(event, processor.name(), step == null ? null : step.name());
    Instant lease = step == null ? deadline : started.plus(step.heartbeatInterval());
    String name = step == null ? processor.name() : processor.name() + "." + step.name();
    Map<String, Long> requests = AttemptRecords.baseRequests(event, firstInInvocation, viaSqs);
    if (notices.enabled() && step == null) {
      requests.merge("sns", 1L, Long::sum); // the result notice
    }
    if (reporter.enabled() && step == null) {
      requests.merge("dynamoWrite", 1L, Long::sum); // the answer to the compliance tally
    }
    if (step != null) { // the execution's EventBridge event is counted once, by the step saying so
      requests.remove("eventBridge");
      step.counts().forEach((counter, n) -> requests.merge(counter, n, Long::sum));
    }
    AuditRecord base =
        AttemptRecords.start(event, name, attempt, attemptId, started, deadline, context, requests);

    AuditTrail.Claim claim;
    try {
      claim =
          trail.claim(
              event.bucket(), event.key(), event.versionId(), token, attemptId, started, lease);
    } catch (SdkException e) {
      return unclaimed(base, e);
    }
    switch (claim.state()) {
      case ALREADY_SUCCEEDED -> {
        return notProcessed(base, Status.SKIPPED_DUPLICATE, "already processed successfully");
      }
      case HELD -> {
        String message =
            "attempt "
                + claim.holder()
                + " holds a live claim on this event until "
                + claim.leaseUntil()
                + ": returned to be retried after it";
        Outcome o = notProcessed(base, Status.DEFERRED, message);
        return new Outcome(Kind.DEFERRED, o.record(), null, claim.leaseUntil());
      }
      default -> {
        // claimed: process below
      }
    }
    if (claim.previous() != null
        && takeOver(event, claim.previous()) == AuditTrail.AbandonedAttempt.SUCCEEDED) {
      // the dead attempt had finished: settle its claim for it, do not process again
      try {
        settle(event, token, attemptId, Status.SUCCEEDED);
      } catch (SdkException e) {
        return unclaimed(base, e);
      }
      return notProcessed(
          base,
          Status.SKIPPED_DUPLICATE,
          "already processed successfully (attempt "
              + claim.previous().attemptId()
              + " ended before it could settle its claim)");
    }
    Input input = new Input(s3, event, config, deadline, step == null ? null : step.name());
    java.util.concurrent.ScheduledExecutorService beats =
        step == null ? null : heartbeats(event, token, attemptId, step);
    try {
      write(() -> trail.put(base));
      if (claim.abandoned() >= config.maxAbandoned()) {
        throw new PermanentFailure(
            "CRASHED",
            claim.abandoned()
                + " earlier attempts ended without a result (the process was killed, timed out or"
                + " ran out of memory): not tried again");
      }
      if (config.isOutputLocation(event.bucket(), event.key())) {
        throw new PermanentFailure(
            "OUTPUT_LOCATION",
            "s3://"
                + event.bucket()
                + "/"
                + event.key()
                + " is inside the output location s3://"
                + config.outputBucket(event.bucket())
                + "/"
                + config.outputPrefix()
                + ": refusing to process an output, which would loop; fix the rule that sent it");
      }
      AuditRecord done = handle(event, base, input);
      AuditRecord report = null;
      if (step == null && reporter.answers(done)) {
        try {
          report = reporter.answer(event, done);
        } catch (SdkException e) {
          throw new ReportUnavailable(e);
        }
      }
      boolean completed;
      try {
        completed = trail.complete(done, token, Instant.now());
      } catch (SdkException e) {
        throw new TrailUnavailable(e);
      }
      if (!completed) {
        // this attempt outlived its deadline and another took the object over: that one's outcome
        // stands, and this delivery comes back to meet it
        telemetry.log(
            "WARN",
            "the attempt outlived its deadline and another took the object over",
            Map.of("bucket", event.bucket(), "key", event.key(), "attemptId", attemptId));
        return new Outcome(Kind.DEFERRED, done, null, Instant.now());
      }
      if (step == null) {
        notices.announce(done);
      }
      if (report != null) {
        notices.announce(report);
      }
      return new Outcome(Kind.SUCCEEDED, done, null);
    } catch (PermanentFailure e) {
      return failed(
          step == null,
          base,
          event,
          token,
          input,
          e.type(),
          e.getMessage(),
          Kind.PERMANENT,
          e,
          false);
    } catch (ReportUnavailable e) {
      return failed(
          step == null,
          base,
          event,
          token,
          input,
          "REPORT_UNAVAILABLE",
          "the compliance report could not be written: " + e.getMessage(),
          AttemptRunner.transientError(e.getCause()) ? Kind.TRANSIENT : Kind.PERMANENT,
          e.getCause(),
          AttemptRunner.transientError(e.getCause()) && !lastDelivery);
    } catch (TrailUnavailable e) {
      return failed(
          step == null,
          base,
          event,
          token,
          input,
          "AUDIT_UNAVAILABLE",
          "the audit trail could not be written: " + e.getMessage(),
          Kind.TRANSIENT,
          e.getCause(),
          !lastDelivery);
    } catch (OutOfMemoryError e) {
      // Whose fault is uncertain where files share a heap: retried, and dead-lettered with this
      // reason on the last delivery if it keeps happening.
      return failed(
          step == null,
          base,
          event,
          token,
          input,
          "OUT_OF_MEMORY",
          "ran out of memory processing it (" + e.getMessage() + ")",
          Kind.TRANSIENT,
          e,
          !lastDelivery);
    } catch (StackOverflowError e) {
      return failed(
          step == null,
          base,
          event,
          token,
          input,
          "TOO_COMPLEX",
          "the file nests too deeply to process (stack overflow)",
          Kind.PERMANENT,
          e,
          false);
    } catch (RuntimeException | IOException | Error e) {
      PermanentFailure known = unreadable(event, e);
      if (known != null) {
        return failed(
            step == null,
            base,
            event,
            token,
            input,
            known.type(),
            known.getMessage(),
            Kind.PERMANENT,
            e,
            false);
      }
      Kind kind = e instanceof Error || transientError(e) ? Kind.TRANSIENT : Kind.PERMANENT;
      String type =
          e instanceof Error
              ? "INTERNAL_ERROR"
              : kind == Kind.TRANSIENT ? "TRANSIENT" : "PROCESSING_ERROR";
      return failed(
          step == null,
          base,
          event,
          token,
          input,
          type,
          e.getClass().getSimpleName() + ": " + e.getMessage(),
          kind,
          e,
          kind == Kind.TRANSIENT && !lastDelivery);
    } finally {
      if (beats != null) {
        beats.shutdownNow();
      }
    }
  }

  /**
   * The earlier successful attempt of this step on this upload (same ETag), whose result a
   * duplicate answers with: a redelivered step, or a second execution for one event, reports the
   * outputs that exist rather than none. Null when the trail has none to show.
   */
  AuditRecord earlierSuccess(S3ObjectEvent event, String step) {
    String name = processor.name() + "." + step;
    try {
      return trail.history(event.bucket(), event.key(), event.versionId()).stream()
          .filter(r -> r.status() == Status.SUCCEEDED && name.equals(r.processor()))
          .filter(r -> event.eTag() == null || event.eTag().equals(r.eTag()))
          .findFirst()
          .orElse(null);
    } catch (SdkException e) {
      return null; // the answer goes without the outputs; the trail has them
    }
  }

  /**
   * Every third of the heartbeat interval: the workflow's heartbeat, then the claim extended to one
   * interval from now. A heartbeat that fails is logged; the workflow times the step out if they
   * keep failing, and retries it.
   */
  private java.util.concurrent.ScheduledExecutorService heartbeats(
      S3ObjectEvent event, String token, String attemptId, Step step) {
    var beats =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "s3proc-heartbeat");
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(1000, step.heartbeatInterval().toMillis() / 3);
    beats.scheduleAtFixedRate(
        () -> {
          try {
            step.heartbeat().run();
            trail.extendClaim(
                event.bucket(),
                event.key(),
                event.versionId(),
                token,
                attemptId,
                Instant.now().plus(step.heartbeatInterval()));
          } catch (RuntimeException e) {
            telemetry.log(
                "WARN",
                "heartbeat failed",
                Map.of("key", event.key(), "step", step.name(), "error", String.valueOf(e)));
          }
        },
        every,
        every,
        java.util.concurrent.TimeUnit.MILLISECONDS);
    return beats;
  }

  /** Runs a write to the trail, so that its failure is told apart from the processor's. */
  private static void write(Runnable write) {
    try {
      write.run();
    } catch (SdkException e) {
      throw new TrailUnavailable(e);
    }
  }

  private void settle(S3ObjectEvent event, String token, String attemptId, Status outcome) {
    boolean settled =
        trail.release(
            event.bucket(),
            event.key(),
            event.versionId(),
            token,
            attemptId,
            outcome,
            Instant.now());
    if (!settled) {
      telemetry.log(
          "WARN",
          "the attempt outlived its deadline and another took the object over",
          Map.of("bucket", event.bucket(), "key", event.key(), "attemptId", attemptId));
    }
  }

  /**
   * Records the attempt this one takes over from as FAILED ABANDONED (best effort), or finds that
   * it had succeeded.
   */
  private AuditTrail.AbandonedAttempt takeOver(S3ObjectEvent event, AuditTrail.Abandoned previous) {
    AuditTrail.AbandonedAttempt found = AuditTrail.AbandonedAttempt.UNRECORDED;
    try {
      found =
          trail.markAbandoned(
              event.bucket(),
              event.key(),
              previous,
              "the attempt ended without a result before its deadline "
                  + previous.deadline()
                  + ": its process was killed, timed out or ran out of memory; taken over by a retry");
    } catch (SdkException e) {
      telemetry.log(
          "WARN",
          "could not record the abandoned attempt",
          Map.of("attemptId", String.valueOf(previous.attemptId()), "error", e.getMessage()));
    }
    if (found == AuditTrail.AbandonedAttempt.SUCCEEDED) {
      return found;
    }
    telemetry.log(
        "WARN",
        "taking over an abandoned attempt",
        Map.of(
            "bucket",
            event.bucket(),
            "key",
            event.key(),
            "abandonedAttemptId",
            String.valueOf(previous.attemptId())));
    return found;
  }

  /** The claim itself could not be written: nothing was claimed, nothing is recorded. */
  private Outcome unclaimed(AuditRecord base, SdkException e) {
    telemetry.log(
        "WARN",
        "audit trail unavailable; the event will be retried",
        Map.of(
            "bucket", base.bucket(), "key", base.key(), "error", String.valueOf(e.getMessage())));
    AuditRecord r =
        AttemptRecords.end(
            base,
            Status.FAILED,
            List.of(),
            "AUDIT_UNAVAILABLE",
            "the audit trail could not be claimed: " + e.getMessage(),
            0,
            0,
            base.requests(),
            Map.of(),
            true);
    return new Outcome(Kind.TRANSIENT, r, e);
  }

  /** A delivery that was not processed: a duplicate, or deferred to a live claim. */
  /**
   * Does what the event asks: processes an upload, removes a removed object's outputs, or notes it.
   */
  private AuditRecord handle(S3ObjectEvent event, AuditRecord base, Input input)
      throws PermanentFailure, IOException {
    S3Events.Handling handling = S3Events.handling(event.eventName());
    if (handling == null) {
      throw new PermanentFailure(
          "UNSUPPORTED_EVENT",
          event.eventName()
              + " is not an event a processor can act on (they handle "
              + S3Events.HANDLED
              + " events): take it out of the events of the rule that sent it ("
              + base.workflow()
              + ")");
    }
    switch (handling) {
      case REMOVE -> {
        Processor.Result removed = removal.run(event, input);
        return AttemptRecords.end(
            base, Status.DELETED, removed.outputs(), null, null, input, removed.metadata(), null);
      }
      case RECORD -> {
        RecordedEvent note = RecordedEvent.of(event);
        return AttemptRecords.end(
            base,
            Status.RECORDED,
            List.of(),
            note.errorType(),
            note.message(),
            input,
            note.metadata(),
            null);
      }
      default -> {
        if (event.size() == 0
            && event.eventName() != null
            && event.eventName().startsWith("s3:ObjectCreated")) {
          throw PermanentFailure.empty();
        }
        if (event.size() > config.maxObjectBytes()) {
          throw PermanentFailure.tooLarge(event.size(), config.maxObjectBytes());
        }
        Processor.Result result = processor.process(input);
        return AttemptRecords.end(
            base, Status.SUCCEEDED, result.outputs(), null, null, input, result.metadata(), null);
      }
    }
  }

  private Outcome notProcessed(AuditRecord base, Status status, String why) {
    Map<String, Long> requests = new LinkedHashMap<>(base.requests());
    requests.put("dynamoRead", 1L);
    requests.put("dynamoWrite", 2L);
    AuditRecord r =
        AttemptRecords.end(base, status, List.of(), null, why, 0, 0, requests, Map.of(), null);
    try {
      trail.put(r);
    } catch (SdkException e) {
      // the delivery is not processed either way; the record is what is lost
      telemetry.log("WARN", "could not record the delivery", Map.of("error", e.getMessage()));
    }
    telemetry.log(
        "INFO",
        status == Status.DEFERRED ? "delivery deferred" : "duplicate event skipped",
        Map.of("bucket", base.bucket(), "key", base.key(), "reason", why));
    return new Outcome(status == Status.DEFERRED ? Kind.DEFERRED : Kind.SKIPPED, r, null);
  }

  /**
   * @param announce whether to send the result notice (a workflow's step does not: its workflow
   *     announces the outcome)
   */
  private Outcome failed(
      boolean announce,
      AuditRecord base,
      S3ObjectEvent event,
      String token,
      Input input,
      String type,
      String message,
      Kind kind,
      Throwable e,
      boolean retry) {
    AuditRecord failed =
        AttemptRecords.end(base, Status.FAILED, List.of(), type, message, input, Map.of(), retry);
    AuditRecord report = null;
    if (announce && reporter.answers(failed)) {
      // before the failure is recorded: a process killed here is taken over, and answers again
      try {
        report = reporter.answer(event, failed);
      } catch (RuntimeException reportDown) {
        telemetry.log(
            "WARN",
            "could not answer for the compliance report; a redrive answers again",
            Map.of("error", String.valueOf(reportDown.getMessage())));
      }
    }
    try {
      trail.put(failed);
      settle(event, token, base.attemptId(), Status.FAILED);
    } catch (SdkException trailDown) {
      // the claim expires at the deadline and the retry takes the object over
      telemetry.log(
          "WARN", "could not record the failure", Map.of("error", trailDown.getMessage()));
    }
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
            retry));
    if (announce) {
      notices.announce(failed);
    }
    if (report != null) {
      notices.announce(report);
    }
    return new Outcome(kind, failed, e);
  }

  /**
   * S3's refusals to read an object that no retry changes: it is archived (restore it, and a rule
   * for s3:ObjectRestore:Completed processes it then), or it was deleted before it was processed.
   */
  static PermanentFailure unreadable(S3ObjectEvent event, Throwable e) {
    if (!(e instanceof AwsServiceException a) || a.awsErrorDetails() == null) {
      return null;
    }
    String object = "s3://" + event.bucket() + "/" + event.key();
    return switch (String.valueOf(a.awsErrorDetails().errorCode())) {
      case "InvalidObjectState" ->
          new PermanentFailure(
              "ARCHIVED",
              object
                  + " is in an archive storage class: restore it (aws s3api restore-object), and a"
                  + " rule sending s3:ObjectRestore:Completed to this processor processes it then");
      case "NoSuchKey" ->
          new PermanentFailure(
              "GONE",
              object
                  + " was deleted before it could be processed: nothing to do (its removal event,"
                  + " if a rule sends it, deletes anything derived from it)");
      default -> null;
    };
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
}
