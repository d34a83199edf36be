package dev.s3proc.cli.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.core.config.Arn;
import dev.s3proc.core.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a bucket's live notification configuration into a pipeline document. */
public final class BucketExporter {
  private final ClientFactory clients;

  public BucketExporter(ClientFactory clients) {
    this.clients = clients;
  }

  public record Exported(boolean exists, Map<String, Object> document) {}

  public Exported export(String bucketName, String pipelineName) {
    LiveStateReader reader = new LiveStateReader(clients);
    LiveState.Bucket bucket = reader.bucket(bucketName);
    if (!bucket.exists()) {
      return new Exported(false, Map.of());
    }
    String region = clients.region().id();
    String account = clients.sts().getCallerIdentity().account();
    String pipeline = pipelineName != null ? pipelineName : ownerOf(bucket).orElse(bucketName);
    String prefix = "s3proc." + pipeline + ".";

    List<Map<String, Object>> rules = new ArrayList<>();
    Map<String, Object> queues = new LinkedHashMap<>();
    int unnamed = 0;
    for (LiveState.Notification n : bucket.notifications()) {
      Map<String, Object> rule = new LinkedHashMap<>();
      String id = n.id() == null || n.id().isBlank() ? "rule-" + ++unnamed : n.id();
      rule.put("id", id.startsWith(prefix) ? id.substring(prefix.length()) : sanitize(id));
      rule.put("events", n.events());
      Map<String, Object> filter = new LinkedHashMap<>();
      if (!n.prefix().isEmpty()) {
        filter.put("prefix", n.prefix());
      }
      if (!n.suffix().isEmpty()) {
        filter.put("suffix", n.suffix());
      }
      if (!filter.isEmpty()) {
        rule.put("filter", filter);
      }
      Arn arn = Arn.parse(n.targetArn()).orElse(null);
      boolean local = arn != null && account.equals(arn.account()) && region.equals(arn.region());
      String ref = local ? arn.name() : n.targetArn();
      rule.put("target", Map.of(n.type().key, ref));
      rules.add(rule);
      if (local
          && n.type() == dev.s3proc.core.config.PipelineConfig.TargetType.QUEUE
          && !queues.containsKey(ref)) {
        queueSpec(reader.queue(ref)).ifPresent(spec -> queues.put(ref, spec));
      }
    }
    Map<String, Object> bucketDoc = new LinkedHashMap<>();
    bucketDoc.put("name", bucketName);
    bucketDoc.put("eventBridge", bucket.eventBridge());
    bucketDoc.put("rules", rules);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("pipeline", pipeline);
    doc.put("region", region);
    doc.put("buckets", List.of(bucketDoc));
    if (!queues.isEmpty()) {
      doc.put("queues", queues);
    }
    return new Exported(true, doc);
  }

  private static java.util.Optional<String> ownerOf(LiveState.Bucket bucket) {
    return bucket.notifications().stream()
        .map(LiveState.Notification::id)
        .filter(id -> id != null && id.startsWith("s3proc.") && id.indexOf('.', 7) > 7)
        .map(id -> id.substring(7, id.indexOf('.', 7)))
        .findFirst();
  }

  private static String sanitize(String id) {
    String s = id.replaceAll("[^A-Za-z0-9._-]", "-");
    return s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0)) ? "r" + s : s;
  }

  private static java.util.Optional<Map<String, Object>> queueSpec(LiveState.Queue q) {
    if (!q.exists()) {
      return java.util.Optional.empty();
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    Map<String, String> a = q.attributes();
    if (a.containsKey("VisibilityTimeout")) {
      spec.put(
          "visibilityTimeout",
          Durations.format(Duration.ofSeconds(Long.parseLong(a.get("VisibilityTimeout")))));
    }
    if (a.containsKey("MessageRetentionPeriod")) {
      spec.put(
          "retention",
          Durations.format(Duration.ofSeconds(Long.parseLong(a.get("MessageRetentionPeriod")))));
    }
    if (a.containsKey("RedrivePolicy")) {
      JsonNode rp = NotificationPlanner.tree(a.get("RedrivePolicy"));
      Map<String, Object> dlq = new LinkedHashMap<>();
      String dlqArn = rp.path("deadLetterTargetArn").asText();
      dlq.put("name", dlqArn.substring(dlqArn.lastIndexOf(':') + 1));
      dlq.put("maxReceiveCount", rp.path("maxReceiveCount").asInt());
      spec.put("dlq", dlq);
    }
    return java.util.Optional.of(spec);
  }
}
