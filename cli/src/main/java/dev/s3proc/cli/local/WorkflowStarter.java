package dev.s3proc.cli.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.rules.LiveStateReader;
import dev.s3proc.cli.rules.NotificationPlanner;
import dev.s3proc.core.config.PipelineConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Locally, what EventBridge's Step Functions target does on AWS: moto delivers the buckets' events
 * to EventBridge rules and their SQS targets, but does not start a state machine from a rule. So
 * {@code local up} gives each workflow rule a twin rule (outside the pipeline's prefix, so that
 * {@code rules plan} does not see it) whose target is a queue of the workflow's, and the runner
 * starts one execution per message. The execution's name is made from the object's version,
 * sequencer and ETag, so a duplicate event starts nothing.
 */
public final class WorkflowStarter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ClientFactory clients;
  private final PipelineConfig config;

  /** Each workflow's starts queue and state machine, looked up once they exist. */
  private final java.util.Map<String, String> queueUrls = new java.util.HashMap<>();

  private final java.util.Map<String, String> machineArns = new java.util.HashMap<>();

  public WorkflowStarter(ClientFactory clients, PipelineConfig config) {
    this.clients = clients;
    this.config = config;
  }

  /** The queue a workflow's twin rules deliver to. */
  static String queueName(PipelineConfig config, String workflow) {
    return "s3proc-local-" + config.pipeline() + "-" + workflow + "-starts";
  }

  /** Turns on moto's state-machine interpreter (off by default: executions would never run). */
  public static void enableExecutions(String endpoint) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(endpoint + "/moto-api/config"))
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"stepfunctions\": {\"execute_state_machine\": true}}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            "moto did not turn on state machine execution: HTTP " + r.statusCode());
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("moto did not turn on state machine execution", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The twin rules and their queues; says what it made. */
  public void wire(Consumer<String> progress) {
    for (PipelineConfig.Workflow w : config.workflows().values()) {
      String url =
          clients.sqs().createQueue(r -> r.queueName(queueName(config, w.name()))).queueUrl();
      String arn =
          clients
              .sqs()
              .getQueueAttributes(
                  r ->
                      r.queueUrl(url)
                          .attributeNames(
                              software.amazon.awssdk.services.sqs.model.QueueAttributeName
                                  .QUEUE_ARN))
              .attributesAsStrings()
              .get("QueueArn");
      for (PipelineConfig.Bucket b : config.buckets()) {
        for (PipelineConfig.WorkflowRule rule : b.workflowRules()) {
          if (!rule.workflow().equals(w.name())) {
            continue;
          }
          String name = "s3proc-local." + config.pipeline() + "." + rule.id();
          clients
              .eventBridge()
              .putRule(
                  r -> r.name(name).eventPattern(NotificationPlanner.eventPattern(b.name(), rule)));
          clients
              .eventBridge()
              .putTargets(r -> r.rule(name).targets(t -> t.id("local-runner").arn(arn)));
          progress.accept(
              "workflow "
                  + w.name()
                  + ": rule "
                  + rule.id()
                  + " starts it (the runner stands in for EventBridge's Step Functions target)");
        }
      }
    }
  }

  /** Starts an execution for each event waiting; returns how many it started. */
  public int startWaiting(Consumer<String> log) {
    int started = 0;
    for (PipelineConfig.Workflow w : config.workflows().values()) {
      String url;
      String machine;
      try {
        url =
            queueUrls.computeIfAbsent(
                w.name(),
                n -> clients.sqs().getQueueUrl(r -> r.queueName(queueName(config, n))).queueUrl());
        machine = machineArns.computeIfAbsent(w.name(), n -> stateMachineArn(w));
      } catch (SdkException e) {
        continue; // not wired (yet)
      }
      List<Message> messages =
          clients
              .sqs()
              .receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages();
      for (Message m : messages) {
        String name = LiveStateReader.Names.executionName(m.body());
        try {
          clients.sfn().startExecution(r -> r.stateMachineArn(machine).name(name).input(m.body()));
          started++;
        } catch (ExecutionAlreadyExistsException e) {
          // a duplicate event: its execution runs already
        } catch (SdkException e) {
          log.accept(
              "could not start workflow "
                  + w.name()
                  + " (it will be tried again): "
                  + e.getMessage());
          continue;
        }
        clients.sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
      }
    }
    return started;
  }

  private String stateMachineArn(PipelineConfig.Workflow w) {
    String name = w.stateMachineName(config.pipeline());
    return clients.sfn().listStateMachines().stateMachines().stream()
        .filter(s -> s.name().equals(name))
        .map(s -> s.stateMachineArn())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("state machine " + name + " does not exist"));
  }
}
