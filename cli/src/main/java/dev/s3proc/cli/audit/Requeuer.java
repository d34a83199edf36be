package dev.s3proc.cli.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.rules.LiveStateReader;
import dev.s3proc.core.config.PipelineConfig;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * Sends an object that was never processed back to its rule's target as the S3 event notification
 * S3 would have sent. Where an attempt already saw the event, the requeued event carries the same
 * sequencer and event time, so the handlers' idempotency treats both as one event: requeuing cannot
 * make an object processed twice.
 */
final class Requeuer {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How one requeue went: null error when it was sent. */
  record Sent(String key, String target, String error) {}

  private final ClientFactory clients;
  private final PipelineConfig config;
  private final Map<String, String> queueUrls = new ConcurrentHashMap<>();
  private LiveStateReader.Names names;

  Requeuer(ClientFactory clients, PipelineConfig config) {
    this.clients = clients;
    this.config = config;
  }

  Sent send(Reconciler.Finding f) {
    PipelineConfig.Bucket bucket =
        config.buckets().stream()
            .filter(b -> b.name().equals(f.bucket()))
            .findFirst()
            .orElseThrow();
    var workflowRule =
        bucket.workflowRules().stream().filter(r -> r.id().equals(f.rule())).findFirst();
    if (workflowRule.isPresent()) {
      return start(f, config.workflows().get(workflowRule.get().workflow()));
    }
    PipelineConfig.Rule rule =
        bucket.rules().stream().filter(r -> r.id().equals(f.rule())).findFirst().orElseThrow();
    String body = event(f);
    try {
      PipelineConfig.Target t = rule.target();
      switch (t.type()) {
        case QUEUE -> clients.sqs().sendMessage(r -> r.queueUrl(queueUrl(t)).messageBody(body));
        case TOPIC ->
            clients
                .sns()
                .publish(
                    r ->
                        r.topicArn(names().targetArn(t))
                            .subject("Amazon S3 Notification")
                            .message(body));
        case LAMBDA ->
            clients
                .lambda()
                .invoke(
                    r ->
                        r.functionName(names().targetArn(t))
                            .invocationType(InvocationType.EVENT)
                            .payload(SdkBytes.fromUtf8String(body)));
      }
      return new Sent(f.key(), f.target(), null);
    } catch (SdkException e) {
      return new Sent(f.key(), f.target(), dev.s3proc.cli.AwsErrors.describe(e));
    }
  }

  /**
   * Starts the workflow's execution as the bucket's EventBridge rule would have, with the event
   * EventBridge delivers. Its name is the one the local runner gives the same event, so that a
   * requeue and a late delivery start one execution, not two.
   */
  private Sent start(Reconciler.Finding f, PipelineConfig.Workflow w) {
    String input = eventBridgeEvent(f);
    try {
      clients
          .sfn()
          .startExecution(
              r ->
                  r.stateMachineArn(names().stateMachineArn(w))
                      .name(LiveStateReader.Names.executionName(input))
                      .input(input));
      return new Sent(f.key(), f.target(), null);
    } catch (software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException e) {
      return new Sent(f.key(), f.target(), null); // started already: the same event, one execution
    } catch (SdkException e) {
      return new Sent(f.key(), f.target(), dev.s3proc.cli.AwsErrors.describe(e));
    }
  }

  /** The Object Created event the bucket sends EventBridge for the object (key not encoded). */
  String eventBridgeEvent(Reconciler.Finding f) {
    ObjectNode object = JSON.createObjectNode();
    object.put("key", f.key());
    object.put("size", f.size());
    if (f.eTag() != null) {
      object.put("etag", f.eTag());
    }
    if (f.sequencer() != null) {
      object.put("sequencer", f.sequencer());
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "0");
    root.put("id", java.util.UUID.randomUUID().toString());
    root.put("detail-type", "Object Created");
    root.put("source", "aws.s3");
    root.put("account", names().account());
    root.put("time", String.valueOf(f.eventTime()));
    root.put("region", config.region());
    root.putArray("resources").add("arn:aws:s3:::" + f.bucket());
    ObjectNode detail = root.putObject("detail");
    detail.put("version", "0");
    detail.putObject("bucket").put("name", f.bucket());
    detail.set("object", object);
    detail.put("request-id", "s3proc-audit-reconcile");
    detail.put("requester", "s3proc:audit-reconcile");
    detail.put("reason", "PutObject");
    return root.toString();
  }

  private String queueUrl(PipelineConfig.Target t) {
    return queueUrls.computeIfAbsent(
        t.ref(),
        ref ->
            t.isArn()
                ? clients
                    .sqs()
                    .getQueueUrl(
                        r -> r.queueName(t.name()).queueOwnerAWSAccountId(ref.split(":")[4]))
                    .queueUrl()
                : clients.sqs().getQueueUrl(r -> r.queueName(ref)).queueUrl());
  }

  private synchronized LiveStateReader.Names names() {
    if (names == null) {
      names =
          new LiveStateReader.Names(
              config, clients.partition(), clients.sts().getCallerIdentity().account());
    }
    return names;
  }

  /** The S3 event notification of the object's upload, as S3 shapes it. */
  String event(Reconciler.Finding f) {
    ObjectNode object = JSON.createObjectNode();
    object.put("key", URLEncoder.encode(f.key(), StandardCharsets.UTF_8).replace("%2F", "/"));
    object.put("size", f.size());
    if (f.eTag() != null) {
      object.put("eTag", f.eTag());
    }
    if (f.sequencer() != null) {
      object.put("sequencer", f.sequencer());
    }
    ObjectNode record = JSON.createObjectNode();
    record.put("eventVersion", "2.1");
    record.put("eventSource", "aws:s3");
    record.put("awsRegion", config.region());
    record.put("eventTime", String.valueOf(f.eventTime()));
    record.put("eventName", "ObjectCreated:Put");
    record.putObject("userIdentity").put("principalId", "s3proc:audit-reconcile");
    ObjectNode s3 = record.putObject("s3");
    s3.put("s3SchemaVersion", "1.0");
    s3.put("configurationId", config.ownedIdPrefix() + f.rule());
    s3.putObject("bucket").put("name", f.bucket()).put("arn", "arn:aws:s3:::" + f.bucket());
    s3.set("object", object);
    ObjectNode root = JSON.createObjectNode();
    root.putArray("Records").add(record);
    return root.toString();
  }

  static List<Reconciler.Finding> toRequeue(Reconciler.Result r) {
    return r.findings().stream().filter(f -> f.state().unaccounted()).toList();
  }
}
