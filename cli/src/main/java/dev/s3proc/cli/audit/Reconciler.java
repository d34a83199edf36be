package dev.s3proc.cli.audit;

import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.core.audit.AuditTrail;
import dev.s3proc.core.config.PipelineConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * The operator's answer to "did every upload get processed?": lists what a bucket holds that the
 * pipeline's rules route to a processor or a workflow and compares each object with the audit
 * trail, one Query per object (never a Scan). S3 notifications and EventBridge events are at least
 * once and can be late, and processes crash: this finds what fell between.
 */
public final class Reconciler {
  private static final int PARALLEL_QUERIES = 16;

  /** What became of one object. */
  public enum State {
    /** An attempt on this version succeeded. */
    PROCESSED,
    /** Its latest attempt failed, with the reason: in the target's DLQ, or being retried. */
    FAILED,
    /** An attempt is running within its deadline, or a failed one is being retried. */
    IN_PROGRESS,
    /** Uploaded within the grace period: its event may still be on its way. */
    PENDING,
    /** An attempt is past its deadline and nothing took it over: unaccounted for. */
    STALLED,
    /** No delivery ever reached a processor: unaccounted for. */
    NEVER_SEEN;

    public boolean unaccounted() {
      return this == STALLED || this == NEVER_SEEN;
    }
  }

  /**
   * One object that is not simply PROCESSED.
   *
   * @param target where its rule delivers, e.g. {@code queue image-processing}
   * @param deadLetterQueue where a failure of it is dead-lettered, when the pipeline names one
   * @param sequencer the sequencer of the event already seen, so a requeue is the same event
   * @param eventTime the event time of the event already seen (or the upload time)
   */
  public record Finding(
      String bucket,
      String key,
      long size,
      String eTag,
      Instant lastModified,
      State state,
      String rule,
      String target,
      String deadLetterQueue,
      String detail,
      String sequencer,
      Instant eventTime) {}

  /** The outcome: counts by state, and every object that is not PROCESSED. */
  public record Result(
      String bucket,
      Instant since,
      Instant until,
      long listed,
      long routed,
      long processed,
      long failed,
      long inProgress,
      long pending,
      long stalled,
      long neverSeen,
      List<Finding> findings) {
    @com.fasterxml.jackson.annotation.JsonProperty("unaccounted")
    public long unaccounted() {
      return stalled + neverSeen;
    }
  }

  private final ClientFactory clients;
  private final PipelineConfig config;
  private final String table;

  public Reconciler(ClientFactory clients, PipelineConfig config, String table) {
    this.clients = clients;
    this.config = config;
    this.table = table;
  }

  /** What a listing found: how many objects, and those a rule routes to a processor. */
  public record Listing(
      String bucket,
      Instant since,
      Instant until,
      long listed,
      List<BucketListing.Listed> routed) {}

  /**
   * The objects of one bucket modified in [since, until) under {@code prefix} that a rule routes to
   * a processor, listed by ListObjectsV2 or from the inventory report {@code inventory}.
   */
  public Listing list(
      String bucketName, String prefix, Instant since, Instant until, String inventory) {
    PipelineConfig.Bucket bucket = bucket(bucketName);
    List<BucketListing.Listed> routed = new ArrayList<>();
    long[] listed = {0};
    BucketListing listing = new BucketListing(clients);
    java.util.function.Consumer<BucketListing.Listed> keep =
        o -> {
          listed[0]++;
          boolean inWindow =
              o.lastModified() == null
                  || (!o.lastModified().isBefore(since) && o.lastModified().isBefore(until));
          boolean output =
              config.outputs().bucketFor(bucketName).equals(bucketName)
                  && o.key().startsWith(config.outputs().prefix());
          if (inWindow && !output && route(bucket, o.key()).isPresent()) {
            routed.add(o);
          }
        };
    if (inventory != null) {
      listing.inventory(inventory, bucketName, prefix, keep);
    } else {
      listing.list(bucketName, prefix, keep);
    }
    return new Listing(bucketName, since, until, listed[0], routed);
  }

  /**
   * Compares each listed object with the trail, one Query each, 16 at a time; {@code checked} hears
   * of each one compared.
   */
  public Result check(Listing listing, Duration grace, IntConsumer checked) {
    String bucketName = listing.bucket();
    PipelineConfig.Bucket bucket = bucket(bucketName);
    List<BucketListing.Listed> routed = listing.routed();
    AuditTrail trail = new AuditTrail(clients.dynamoDb(), table, config.audit().ttl());
    Instant now = Instant.now();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            PARALLEL_QUERIES,
            r -> {
              Thread t = new Thread(r, "s3proc-reconcile");
              t.setDaemon(true);
              return t;
            });
    List<Finding> all = new ArrayList<>();
    try {
      List<Future<Finding>> futures = new ArrayList<>();
      for (BucketListing.Listed o : routed) {
        futures.add(
            pool.submit(() -> classify(bucket, o, trail.object(bucketName, o.key()), now, grace)));
      }
      for (Future<Finding> f : futures) {
        all.add(f.get());
        checked.accept(1);
      }
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof ResourceNotFoundException) {
        throw S3procException.runtime(
            "audit table "
                + table
                + " does not exist in "
                + clients.region()
                + ": create it with `s3proc rules apply`, or name another with --table");
      }
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw S3procException.runtime("interrupted");
    } finally {
      pool.shutdownNow();
    }
    long[] counts = new long[State.values().length];
    all.forEach(f -> counts[f.state().ordinal()]++);
    return new Result(
        bucketName,
        listing.since(),
        listing.until(),
        listing.listed(),
        routed.size(),
        counts[State.PROCESSED.ordinal()],
        counts[State.FAILED.ordinal()],
        counts[State.IN_PROGRESS.ordinal()],
        counts[State.PENDING.ordinal()],
        counts[State.STALLED.ordinal()],
        counts[State.NEVER_SEEN.ordinal()],
        all.stream()
            .filter(f -> f.state() != State.PROCESSED)
            .sorted(Comparator.comparing(Finding::state).thenComparing(Finding::key))
            .toList());
  }

  private PipelineConfig.Bucket bucket(String name) {
    return config.buckets().stream()
        .filter(b -> b.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                S3procException.usage(
                    "bucket "
                        + name
                        + " has no rules in the pipeline file: reconcile one of "
                        + String.join(
                            ", ", config.buckets().stream().map(b -> b.name()).toList())));
  }

  /**
   * Where an upload of a key goes: a notification rule's target, or a workflow rule's state
   * machine.
   *
   * @param target as findings show it, e.g. {@code queue image-processing}, {@code workflow video}
   * @param retryWithin how long a retry, or a workflow's next step, can take to come
   * @param finalProcessors for a workflow, the processors of its final steps (e.g. {@code
   *     video.transcode}): the file is done when one of them succeeded; null for a rule, where any
   *     success is
   * @param subscribers for a fan-out topic, each subscriber's processor and its DLQ: the file is
   *     done when every one of them succeeded; null otherwise
   */
  record Route(
      String id,
      String target,
      String deadLetterQueue,
      Duration retryWithin,
      java.util.Set<String> finalProcessors,
      Map<String, String> subscribers) {
    boolean done(AuditRecord a) {
      return a.status() == Status.SUCCEEDED
          && (finalProcessors == null || finalProcessors.contains(a.processor()));
    }
  }

  /** The route an upload of this key takes: the first rule it fires, else a workflow rule. */
  Optional<Route> route(PipelineConfig.Bucket bucket, String key) {
    Optional<Route> rule =
        bucket.rules().stream()
            .filter(r -> r.target() != null && r.matches("s3:ObjectCreated:Put", key))
            .findFirst()
            .map(this::route);
    if (rule.isPresent()) {
      return rule;
    }
    return bucket.workflowRules().stream()
        .filter(r -> r.matches("s3:ObjectCreated:Put", key))
        .findFirst()
        .flatMap(
            r -> Optional.ofNullable(config.workflows().get(r.workflow())).map(w -> route(r, w)));
  }

  private Route route(PipelineConfig.Rule rule) {
    PipelineConfig.Target t = rule.target();
    Duration base = Duration.ofMinutes(1);
    PipelineConfig.Topic fanOut =
        t.type() == PipelineConfig.TargetType.TOPIC ? config.topics().get(t.name()) : null;
    if (fanOut != null) {
      Map<String, String> subscribers = new java.util.LinkedHashMap<>();
      Duration longest = Duration.ZERO;
      for (String name : fanOut.subscribers()) {
        PipelineConfig.Queue q = config.queues().get(name);
        if (q != null && q.processor() != null) {
          subscribers.put(q.processor(), q.dlq() == null ? null : q.dlq().name());
          longest = q.visibilityTimeout().compareTo(longest) > 0 ? q.visibilityTimeout() : longest;
        }
      }
      if (!subscribers.isEmpty()) {
        return new Route(rule.id(), t.toString(), null, longest.plus(base), null, subscribers);
      }
    }
    Optional<PipelineConfig.Queue> queue =
        t.type() == PipelineConfig.TargetType.QUEUE ? config.queue(t.name()) : Optional.empty();
    return new Route(
        rule.id(),
        t.toString(),
        queue.map(q -> q.dlq() == null ? null : q.dlq().name()).orElse(null),
        queue.map(q -> q.visibilityTimeout().plus(base)).orElse(base),
        null,
        null);
  }

  /**
   * A workflow's route: its steps' retries come after a missed heartbeat and a few seconds'
   * backoff, and its next step within the task states' 15-minute timeout (a heavy step may wait for
   * the worker to scale out from 0).
   */
  private Route route(PipelineConfig.WorkflowRule rule, PipelineConfig.Workflow w) {
    String processor = config.queue(w.queue()).map(q -> q.processor()).orElse(w.name());
    return new Route(
        rule.id(),
        "workflow " + w.name(),
        config.queue(w.queue()).map(q -> q.dlq() == null ? null : q.dlq().name()).orElse(null),
        Duration.ofMinutes(15).plus(w.heartbeat()),
        w.finalSteps().stream()
            .map(step -> processor + "." + step)
            .collect(java.util.stream.Collectors.toSet()),
        null);
  }

  /** What became of an object for one processor (or for its route, when it has one). */
  private record Judgement(State state, String detail, AuditRecord latest) {}

  private Finding classify(
      PipelineConfig.Bucket bucket,
      BucketListing.Listed o,
      AuditTrail.ObjectState trail,
      Instant now,
      Duration grace) {
    Route route = route(bucket, o.key()).orElseThrow();
    List<AuditRecord> mine =
        trail.attempts().stream()
            .filter(a -> a.eTag() == null || o.eTag() == null || o.eTag().equals(a.eTag()))
            .toList();
    Judgement j;
    String dlq = route.deadLetterQueue();
    if (route.subscribers() == null) {
      j = judge(route, mine, trail.markers(), o, now, grace);
    } else {
      // a fan-out: the object is done when every subscriber's processor is; the worst one speaks
      j = null;
      List<String> details = new ArrayList<>();
      for (Map.Entry<String, String> sub : route.subscribers().entrySet()) {
        String processor = sub.getKey();
        Judgement one =
            judge(
                route,
                mine.stream().filter(a -> processor.equals(a.processor())).toList(),
                trail.markers().stream()
                    .filter(m -> m.token() != null && m.token().endsWith("#" + processor))
                    .toList(),
                o,
                now,
                grace);
        if (one.state() != State.PROCESSED) {
          details.add(processor + ": " + one.detail());
        }
        if (j == null || WORST_FIRST.indexOf(one.state()) < WORST_FIRST.indexOf(j.state())) {
          j = one;
          dlq = sub.getValue();
        }
      }
      j =
          new Judgement(
              j.state(), details.isEmpty() ? null : String.join("; ", details), j.latest());
      if (j.state() != State.FAILED) {
        dlq = route.deadLetterQueue();
      }
    }
    AuditRecord latest = j.latest();
    AuditRecord seen = latest != null ? latest : mine.isEmpty() ? null : mine.get(0);
    return new Finding(
        bucket.name(),
        o.key(),
        o.size(),
        o.eTag(),
        o.lastModified(),
        j.state(),
        route.id(),
        route.target(),
        dlq,
        j.detail(),
        seen == null ? null : seen.sequencer(),
        seen == null || seen.eventTime() == null ? o.lastModified() : seen.eventTime());
  }

  /** The order in which a fan-out's states speak for the object: what needs a hand first. */
  private static final List<State> WORST_FIRST =
      List.of(
          State.NEVER_SEEN,
          State.STALLED,
          State.FAILED,
          State.IN_PROGRESS,
          State.PENDING,
          State.PROCESSED);

  private Judgement judge(
      Route route,
      List<AuditRecord> mine,
      List<AuditTrail.Marker> markers,
      BucketListing.Listed o,
      Instant now,
      Duration grace) {
    AuditRecord latest =
        mine.stream()
            .filter(AuditRecord::processed)
            .max(Comparator.comparing(AuditRecord::startedAt))
            .orElse(null);
    State state;
    String detail;
    if (mine.stream().anyMatch(route::done)) {
      state = State.PROCESSED;
      detail = null;
    } else if (latest != null && latest.status() == Status.SUCCEEDED) {
      // a workflow's step succeeded: its next one is due
      Instant nextBy = latest.finishedAt().plus(route.retryWithin()).plus(grace);
      state = nextBy.isAfter(now) ? State.IN_PROGRESS : State.STALLED;
      detail =
          "step "
              + latest.processor()
              + " succeeded at "
              + latest.finishedAt()
              + (state == State.IN_PROGRESS
                  ? "; the workflow's next step is due"
                  : ", and the workflow went no further (its execution failed or was stopped:"
                      + " see its history)");
    } else if (latest != null && latest.status() == Status.FAILED && !latest.retrying()) {
      state = State.FAILED;
      detail = latest.errorType() + ": " + latest.errorMessage();
    } else if (latest != null && latest.retrying()) {
      // the retry comes when the message's visibility timeout ends; none by then means it is lost
      Instant retryBy =
          (latest.finishedAt() != null ? latest.finishedAt() : latest.startedAt())
              .plus(route.retryWithin())
              .plus(grace);
      state = retryBy.isAfter(now) ? State.IN_PROGRESS : State.STALLED;
      detail =
          (state == State.IN_PROGRESS ? "to be retried after " : "no retry came after ")
              + latest.errorType()
              + ": "
              + latest.errorMessage();
    } else {
      Instant deadline =
          latest != null && latest.status() == Status.PROCESSING
              ? latest.deadline()
              : markers.stream()
                  .filter(m -> m.status() == Status.PROCESSING && m.leaseUntil() != null)
                  .map(AuditTrail.Marker::leaseUntil)
                  .max(Comparator.naturalOrder())
                  .orElse(null);
      if (deadline != null && deadline.isAfter(now)) {
        state = State.IN_PROGRESS;
        detail = "its attempt may run until " + deadline;
      } else if (deadline != null) {
        state = State.STALLED;
        detail = "its attempt ended without a result by its deadline " + deadline;
      } else if (o.lastModified() != null && o.lastModified().plus(grace).isAfter(now)) {
        state = State.PENDING;
        detail = "uploaded within the last " + dev.s3proc.core.config.Durations.format(grace);
      } else {
        state = State.NEVER_SEEN;
        detail = "no delivery of it ever reached a processor";
      }
    }
    return new Judgement(state, detail, latest);
  }
}
