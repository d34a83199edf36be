package dev.s3proc.core.config;

import dev.s3proc.core.config.PipelineConfig.Bucket;
import dev.s3proc.core.config.PipelineConfig.Outputs;
import dev.s3proc.core.config.PipelineConfig.Queue;
import dev.s3proc.core.config.PipelineConfig.Rule;
import dev.s3proc.core.config.PipelineConfig.TargetType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * The fan-out part of a pipeline file: {@code topics:} (each topic's subscriber queues, and whether
 * their verdicts meet in a compliance report) and {@code quarantine:} (where infected uploads go).
 */
final class FanOutSection {
  private static final Set<String> QUARANTINE_KEYS = Set.of("bucket", "prefix", "removeOriginal");
  static final String DEFAULT_QUARANTINE_PREFIX = "quarantine/";

  private final PipelineLoader y;

  FanOutSection(PipelineLoader loader) {
    this.y = loader;
  }

  private static final Set<String> TOPIC_KEYS = Set.of("subscribers", "rawDelivery", "report");

  /** Each topic's subscribers: queues under queues:, each with a DLQ (and a processor). */
  Map<String, PipelineConfig.Topic> topics(
      NodeTuple entry, Map<String, Queue> queues, List<Bucket> buckets) {
    Map<String, PipelineConfig.Topic> out = new LinkedHashMap<>();
    if (entry == null) {
      return out;
    }
    if (!(entry.getValueNode() instanceof MappingNode m)) {
      y.error(
          PipelineLoader.pos(entry.getValueNode()),
          "topics",
          "topics must be a mapping of topic names to their subscribers, e.g."
              + " compliance-fanout: { subscribers: [compliance-pii] }");
      return out;
    }
    Set<String> reportingQueues = new HashSet<>();
    Set<String> targeted = new HashSet<>();
    buckets.forEach(
        b ->
            b.rules().stream()
                .filter(r -> r.target() != null && r.target().type() == TargetType.TOPIC)
                .forEach(r -> targeted.add(r.target().name())));
    for (NodeTuple t : m.getValue()) {
      String name = PipelineLoader.keyOf(t);
      String subject = "topic " + name;
      if (!PipelineLoader.TOPIC_NAME.matcher(name).matches() || name.endsWith(".fifo")) {
        y.error(
            PipelineLoader.pos(t.getKeyNode()),
            subject,
            "a topic name may hold only letters, digits, '-' and '_' (at most 256); a fan-out"
                + " topic is a standard topic (S3 cannot publish to a .fifo one)");
        continue;
      }
      Map<String, NodeTuple> f = y.fields(t.getValueNode(), TOPIC_KEYS, subject);
      if (f == null) {
        continue;
      }
      if (!f.containsKey("subscribers")) {
        y.error(
            PipelineLoader.pos(t.getValueNode()),
            subject,
            "missing 'subscribers': the queues under queues: that get every message of the topic");
        continue;
      }
      List<String> subscribers = new ArrayList<>();
      for (Node n : y.sequence(f.get("subscribers").getValueNode(), "subscribers", subject)) {
        String q = y.scalar(n, subject, "a queue name under queues:");
        Queue queue = q == null ? null : queues.get(q);
        if (q == null) {
          continue;
        } else if (queue == null) {
          y.error(
              PipelineLoader.pos(n),
              subject,
              "subscriber "
                  + q
                  + " is not under queues:"
                  + DidYouMean.suggest(q, queues.keySet())
                      .map(x -> " (did you mean " + x + "?)")
                      .orElse(""));
        } else if (subscribers.contains(q)) {
          y.error(PipelineLoader.pos(n), subject, "subscriber " + q + " is listed twice");
        } else if (q.endsWith(".fifo")) {
          y.error(
              PipelineLoader.pos(n),
              subject,
              "subscriber " + q + " is a FIFO queue: give the fan-out a standard one");
        } else {
          if (queue.dlq() == null) {
            y.error(
                PipelineLoader.pos(n),
                subject,
                "subscriber "
                    + q
                    + " has no dlq: a file its processor fails for good must end in one; add dlq: {"
                    + " name: "
                    + q
                    + "-dlq }");
          }
          if (queue.processor() == null) {
            y.warning(
                PipelineLoader.pos(n),
                subject,
                "subscriber " + q + " names no processor: s3proc local will not consume it");
          }
          subscribers.add(q);
        }
      }
      if (subscribers.isEmpty()) {
        y.error(
            PipelineLoader.pos(t.getValueNode()),
            subject,
            "has no subscribers: list at least one queue");
      }
      boolean raw = !f.containsKey("rawDelivery") || y.bool(f.get("rawDelivery"), subject);
      boolean report = f.containsKey("report") && y.bool(f.get("report"), subject);
      if (report) {
        reporting(name, subscribers, queues, f.get("report"), reportingQueues);
      }
      if (!targeted.contains(name)) {
        y.warning(
            PipelineLoader.pos(t.getKeyNode()),
            subject,
            "no rule targets it: its subscribers get nothing from the buckets");
      }
      out.put(
          name,
          new PipelineConfig.Topic(
              name, List.copyOf(subscribers), raw, report, PipelineLoader.pos(t.getKeyNode())));
    }
    return out;
  }

  /**
   * A reporting topic's subscribers answer by processor name: each must name one, no two the same,
   * and a queue answers for one reporting topic only.
   */
  private void reporting(
      String topic,
      List<String> subscribers,
      Map<String, Queue> queues,
      NodeTuple at,
      Set<String> reportingQueues) {
    String subject = "topic " + topic;
    Set<String> processors = new HashSet<>();
    for (String q : subscribers) {
      String p = queues.get(q).processor();
      if (p == null) {
        y.error(
            PipelineLoader.pos(at.getValueNode()),
            subject,
            "report: true needs every subscriber to name its processor; " + q + " names none");
      } else if (!processors.add(p)) {
        y.error(
            PipelineLoader.pos(at.getValueNode()),
            subject,
            "report: true needs one subscriber per processor; "
                + p
                + " consumes two of them, whose answers the report could not tell apart");
      }
      if (!reportingQueues.add(q)) {
        y.error(
            PipelineLoader.pos(at.getValueNode()),
            subject,
            "subscriber "
                + q
                + " already answers for another reporting topic: give it a queue of its own");
      }
    }
  }

  /** Where infected uploads go; null when the file has no quarantine: section. */
  PipelineConfig.Quarantine quarantine(
      NodeTuple entry,
      List<Bucket> buckets,
      Outputs outputs,
      Map<String, PipelineConfig.Topic> topics,
      Map<String, Queue> queues) {
    boolean scans =
        topics.values().stream()
            .flatMap(t -> t.subscribers().stream())
            .map(queues::get)
            .anyMatch(q -> q != null && "scan".equals(q.processor()));
    if (entry == null) {
      if (scans) {
        topics.values().stream()
            .findFirst()
            .ifPresent(
                t ->
                    y.warning(
                        t.position(),
                        "topic " + t.name(),
                        "a scan subscriber finds viruses but the file has no quarantine: section;"
                            + " infected uploads are tagged and stay where they are"));
      }
      return null;
    }
    Map<String, NodeTuple> f = y.fields(entry.getValueNode(), QUARANTINE_KEYS, "quarantine");
    if (f == null) {
      return null;
    }
    if (!f.containsKey("bucket")) {
      y.error(
          PipelineLoader.pos(entry.getValueNode()),
          "quarantine",
          "missing 'bucket': where infected uploads are moved, e.g. bucket: terminus-quarantine");
      return null;
    }
    String bucket = y.scalar(f.get("bucket").getValueNode(), "quarantine", "a bucket name");
    if (bucket == null) {
      return null;
    }
    var where = PipelineLoader.pos(f.get("bucket").getValueNode());
    BucketNames.problem(bucket)
        .ifPresent(why -> y.error(where, "quarantine", "invalid bucket name: it " + why));
    String prefix = DEFAULT_QUARANTINE_PREFIX;
    if (f.containsKey("prefix")) {
      String p = y.scalar(f.get("prefix").getValueNode(), "quarantine", "a key prefix");
      prefix = p == null ? prefix : p;
    }
    boolean remove =
        !f.containsKey("removeOriginal") || y.bool(f.get("removeOriginal"), "quarantine");
    for (Bucket b : buckets) {
      if (!b.name().equals(bucket)) {
        continue;
      }
      for (Rule r : b.rules()) {
        if (r.prefix().startsWith(prefix) || prefix.startsWith(r.prefix())) {
          y.error(
              where,
              "quarantine",
              "s3://"
                  + bucket
                  + "/"
                  + prefix
                  + " is where rule "
                  + r.id()
                  + " fires: a quarantined file would be processed again; quarantine to a bucket or"
                  + " prefix no rule watches");
        }
      }
    }
    if (bucket.equals(outputs.bucket()) && prefix.startsWith(outputs.prefix())) {
      y.error(
          where,
          "quarantine",
          "s3://"
              + bucket
              + "/"
              + prefix
              + " is inside the output location, which publishes what it holds: quarantine"
              + " elsewhere");
    }
    if (!scans) {
      y.warning(
          PipelineLoader.pos(entry.getKeyNode()),
          "quarantine",
          "no topic has a subscriber with processor scan: nothing is quarantined");
    }
    return new PipelineConfig.Quarantine(
        bucket, prefix, remove, PipelineLoader.pos(entry.getKeyNode()));
  }
}
