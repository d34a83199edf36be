package dev.s3proc.cli.rules;

import dev.s3proc.core.config.PipelineConfig.TargetType;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.model.NotificationConfiguration;

/** What the account holds of the resources a pipeline touches, read in one pass before planning. */
public record LiveState(
    String account,
    String partition,
    String region,
    Map<String, Bucket> buckets,
    Map<String, Queue> queues,
    Map<String, Topic> topics,
    Map<String, Function> functions,
    Map<String, List<Function>> consumers,
    Table table,
    Map<String, Alarm> alarms,
    String alarmsUnavailable,
    Map<String, StateMachine> stateMachines,
    Map<String, EventRule> eventRules) {

  /** A workflow's state machine, by name; null in the map when it does not exist. */
  public record StateMachine(String name, String arn, String definition, String roleArn) {}

  /** An EventBridge rule on the default bus this pipeline owns (its name has the prefix). */
  public record EventRule(String name, String pattern, List<String> targetArns) {}

  /**
   * A bucket's notification configuration, raw (to put back what s3proc does not own) and
   * normalized.
   */
  public record Bucket(
      String name,
      boolean exists,
      NotificationConfiguration raw,
      List<Notification> notifications,
      boolean eventBridge) {}

  /**
   * One notification configuration, normalized for comparison: events sorted, filter names
   * lowercase.
   */
  public record Notification(
      String id,
      TargetType type,
      String targetArn,
      List<String> events,
      String prefix,
      String suffix) {}

  /** A queue by name; {@code url} is null when it does not exist. */
  public record Queue(String name, String url, Map<String, String> attributes) {
    public boolean exists() {
      return url != null;
    }
  }

  /**
   * A topic; {@code subscriptions} are read for the topics under {@code topics:} only (empty for
   * the others).
   */
  public record Topic(
      String arn, boolean exists, String policy, List<Subscription> subscriptions) {}

  /** A topic's subscription: {@code raw} is its RawMessageDelivery. */
  public record Subscription(String arn, String protocol, String endpoint, boolean raw) {}

  /**
   * A Lambda function; {@code timeoutSeconds} is 0 when it does not exist. {@link #consumers()}
   * holds, per queue, the functions its event source mappings feed.
   */
  public record Function(String arn, boolean exists, String policy, int timeoutSeconds) {
    public String name() {
      return arn.substring(arn.indexOf(":function:") + ":function:".length());
    }
  }

  public record Table(
      String name,
      boolean exists,
      String keySchema,
      boolean hasTimeIndex,
      boolean ttlEnabled,
      String ttlAttribute) {}

  public record Alarm(
      String name,
      String namespace,
      String metric,
      Map<String, String> dimensions,
      String statistic,
      String extendedStatistic,
      String expression,
      int period,
      int evaluationPeriods,
      double threshold,
      String comparison,
      String treatMissingData,
      String state) {}
}
