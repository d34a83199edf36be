package dev.s3proc.cli.rules;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.s3proc.cli.render.Tabular;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code apply} would do, in the order it would do it, and why it cannot when it cannot.
 *
 * @param changes creates, updates and deletes, in apply order
 * @param kept configurations s3proc does not own, left exactly as they are
 * @param problems what blocks an apply (a missing bucket or function, a clash with a foreign rule)
 */
public record Plan(
    String pipeline,
    List<Change> changes,
    List<Change> kept,
    List<String> problems,
    List<String> notes)
    implements Tabular {

  public enum Action {
    CREATE("+", "create"),
    UPDATE("~", "update"),
    DELETE("-", "delete"),
    KEEP("=", "keep");

    public final String symbol;
    public final String verb;

    Action(String symbol, String verb) {
      this.symbol = symbol;
      this.verb = verb;
    }
  }

  /**
   * One step. {@code payload} carries what the applier needs and is not part of the JSON contract.
   */
  public record Change(
      Action action,
      String resource,
      String name,
      List<String> details,
      @JsonIgnore Object payload) {}

  public boolean hasChanges() {
    return !changes.isEmpty();
  }

  public long count(Action action) {
    return changes.stream().filter(c -> c.action() == action).count();
  }

  public String summary() {
    return count(Action.CREATE)
        + " to create, "
        + count(Action.UPDATE)
        + " to update, "
        + count(Action.DELETE)
        + " to delete";
  }

  @Override
  public List<String> columns() {
    return List.of("ACTION", "RESOURCE", "NAME", "DETAIL");
  }

  @Override
  public List<List<String>> rows() {
    List<List<String>> rows = new ArrayList<>();
    List<Change> all = new ArrayList<>(changes);
    all.addAll(kept);
    for (Change c : all) {
      String detail = c.details().isEmpty() ? "" : c.details().get(0);
      rows.add(List.of(c.action().symbol + " " + c.action().verb, c.resource(), c.name(), detail));
      for (int i = 1; i < c.details().size(); i++) {
        rows.add(List.of("", "", "", c.details().get(i)));
      }
    }
    return rows;
  }

  // ---- payloads ------------------------------------------------------------------------------

  record CreateQueue(String name, Map<String, String> attributes, Map<String, String> tags) {}

  record UpdateQueue(String name, Map<String, String> attributes) {}

  record CreateTopic(String name) {}

  record Subscribe(String topicArn, String queueArn, boolean raw) {}

  record SetRawDelivery(String subscriptionArn, boolean raw) {}

  record Unsubscribe(String subscriptionArn) {}

  record SetTopicPolicy(String topicArn, String policy) {}

  record LambdaPermission(
      String functionArn, String statementId, String bucket, String account, boolean add) {}

  record CreateTable(String name) {}

  record EnableTtl(String table) {}

  record PutAlarm(
      String name,
      String description,
      String metric,
      String queue,
      double threshold,
      String comparison) {}

  /** One of a processor function's alarms; {@code subject} is the function or processor name. */
  record PutFunctionAlarm(
      String name, String description, FunctionAlarm kind, String subject, double threshold) {}

  record DeleteAlarm(String name) {}

  /**
   * Creates or updates a workflow's state machine. The queue URLs are looked up when applied (the
   * queues may be created by the same apply); {@code values} fills the other substitutions.
   */
  record PutStateMachine(
      String name,
      String arn,
      String definition,
      String roleArn,
      Map<String, String> values,
      Map<String, String> queueUrls,
      boolean exists) {}

  /** Creates or updates an EventBridge rule that starts a state machine, and its one target. */
  record PutEventRule(String name, String pattern, String stateMachineArn, String roleArn) {}

  /** Removes an EventBridge rule this pipeline owns: its targets, then the rule. */
  record DeleteEventRule(String name) {}

  record PutNotifications(
      String bucket, List<LiveState.Notification> desired, boolean enableEventBridge) {}
}
