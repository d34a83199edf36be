package dev.s3proc.cli.rules;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.render.Tabular;
import dev.s3proc.core.config.PipelineConfig;
import dev.s3proc.core.config.S3Events;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description =
        "Show, offline, which rules fire for a key and event, and only those: notification"
            + " rules and the workflow rules EventBridge starts.")
public class TestCommand implements Callable<Integer> {
  @Mixin PipelineFile file;

  @Option(
      names = "--bucket",
      required = true,
      paramLabel = "BUCKET",
      description = "Bucket the object lands in.")
  String bucket;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "KEY",
      description = "Object key, as uploaded (not URL-encoded).")
  String key;

  @Option(
      names = "--event",
      paramLabel = "EVENT",
      defaultValue = "s3:ObjectCreated:Put",
      description = "Event type (default: ${DEFAULT-VALUE}).")
  String event;

  private final Context ctx;

  public TestCommand(Context ctx) {
    this.ctx = ctx;
  }

  public record Match(String bucket, String key, String event, List<FiredRule> rules)
      implements Tabular {
    @Override
    public List<String> columns() {
      return List.of("RULE", "EVENTS", "PREFIX", "SUFFIX", "TARGET");
    }

    @Override
    public List<List<String>> rows() {
      return rules.stream()
          .map(
              r ->
                  List.of(r.id(), String.join(",", r.events()), r.prefix(), r.suffix(), r.target()))
          .toList();
    }
  }

  public record FiredRule(
      String id, List<String> events, String prefix, String suffix, String target) {}

  @Override
  public Integer call() {
    if (!S3Events.isKnown(event) || event.endsWith(":*")) {
      throw S3procException.usage(
          "--event " + event + " is not a concrete S3 event such as s3:ObjectCreated:Put");
    }
    PipelineConfig config = file.load(ctx);
    PipelineConfig.Bucket b =
        config.buckets().stream()
            .filter(x -> x.name().equals(bucket))
            .findFirst()
            .orElseThrow(
                () ->
                    S3procException.usage(
                        "bucket "
                            + bucket
                            + " is not in "
                            + file.path()
                            + "; it has "
                            + String.join(
                                ", ",
                                config.buckets().stream()
                                    .map(PipelineConfig.Bucket::name)
                                    .toList())));
    List<FiredRule> fired =
        b.rules().stream()
            .filter(r -> r.matches(event, key))
            .map(
                r ->
                    new FiredRule(
                        r.id(), r.events(), r.prefix(), r.suffix(), target(config, r.target())))
            .collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
    // a workflow rule fires through the bucket's EventBridge events
    b.workflowRules().stream()
        .filter(r -> r.matches(event, key))
        .map(
            r ->
                new FiredRule(
                    r.id(), r.events(), r.prefix(), r.suffix(), "workflow " + r.workflow()))
        .forEach(fired::add);
    ctx.out().result(new Match(bucket, key, event, fired));
    if (fired.isEmpty()) {
      ctx.out().info("no rule fires for " + event + " on s3://" + bucket + "/" + key);
    }
    return 0;
  }

  /** The rule's target; a fan-out topic with the queues it delivers to. */
  private static String target(PipelineConfig config, PipelineConfig.Target t) {
    PipelineConfig.Topic fanOut =
        t.type() == PipelineConfig.TargetType.TOPIC ? config.topics().get(t.name()) : null;
    return fanOut == null
        ? t.toString()
        : t + " -> " + String.join(", ", fanOut.subscribers()) + " (fan-out)";
  }
}
