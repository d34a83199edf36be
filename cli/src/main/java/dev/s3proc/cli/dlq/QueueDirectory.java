package dev.s3proc.cli.dlq;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.aws.Parallel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** Finds queues by name, URL or ARN, and which queues are dead-letter queues of which. */
public final class QueueDirectory {
  private final ClientFactory clients;

  public QueueDirectory(ClientFactory clients) {
    this.clients = clients;
  }

  /** Resolves a queue a user typed: a name, a queue URL or an ARN. */
  public QueueRef resolve(String queue) {
    SqsClient sqs = clients.sqs();
    String name = queue;
    if (queue.startsWith("arn:")) {
      name = queue.substring(queue.lastIndexOf(':') + 1);
    } else if (queue.startsWith("http://") || queue.startsWith("https://")) {
      name = queue.substring(queue.lastIndexOf('/') + 1);
    }
    String lookup = name;
    String url;
    try {
      url = sqs.getQueueUrl(r -> r.queueName(lookup)).queueUrl();
    } catch (QueueDoesNotExistException e) {
      throw S3procException.runtime(
          "queue "
              + name
              + " does not exist in "
              + clients.region()
              + ": check the name, or see the dead-letter queues with `s3proc dlq list`");
    }
    return describe(url);
  }

  public QueueRef describe(String url) {
    Map<String, String> attributes =
        clients
            .sqs()
            .getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.ALL))
            .attributesAsStrings();
    String name = url.substring(url.lastIndexOf('/') + 1);
    return new QueueRef(name, url, attributes.get("QueueArn"), attributes);
  }

  /** Every queue in the account and region, with its attributes, read in parallel. */
  public List<QueueRef> all() {
    List<String> urls = new ArrayList<>();
    clients
        .sqs()
        .listQueuesPaginator(r -> r.maxResults(1000))
        .forEach(page -> urls.addAll(page.queueUrls()));
    ExecutorService pool = Parallel.pool("s3proc-queues", Math.min(8, urls.size()));
    try {
      List<CompletableFuture<QueueRef>> futures =
          urls.stream()
              .map(u -> CompletableFuture.supplyAsync(() -> describeOrNull(u), pool))
              .toList();
      List<QueueRef> queues = new ArrayList<>();
      for (CompletableFuture<QueueRef> f : futures) {
        QueueRef q = Parallel.join(f);
        if (q != null) {
          queues.add(q);
        }
      }
      return queues;
    } finally {
      pool.shutdownNow();
    }
  }

  private QueueRef describeOrNull(String url) {
    try {
      return describe(url);
    } catch (QueueDoesNotExistException e) {
      return null; // deleted while listing
    }
  }

  /** Dead-letter queue ARN to the queues whose RedrivePolicy targets it. */
  public static Map<String, List<QueueRef>> sourcesByDlqArn(List<QueueRef> queues) {
    Map<String, List<QueueRef>> map = new LinkedHashMap<>();
    for (QueueRef q : queues) {
      String target = deadLetterTarget(q);
      if (target != null) {
        map.computeIfAbsent(target, k -> new ArrayList<>()).add(q);
      }
    }
    return map;
  }

  /** The ARN a queue's RedrivePolicy sends failures to, or null. */
  public static String deadLetterTarget(QueueRef q) {
    String policy = q.attributes().get("RedrivePolicy");
    if (policy == null || policy.isBlank()) {
      return null;
    }
    try {
      // jackson-jr: a databind ObjectMapper costs a cold command ~40 ms of class set-up
      Object arn = JSON.std.mapFrom(policy).get("deadLetterTargetArn");
      return arn instanceof String s && !s.isEmpty() ? s : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The queues that send their failures to this one (its sources); empty when it is no DLQ. */
  public List<QueueRef> sourcesOf(QueueRef dlq) {
    List<String> urls = new ArrayList<>();
    clients
        .sqs()
        .listDeadLetterSourceQueuesPaginator(r -> r.queueUrl(dlq.url()))
        .forEach(p -> urls.addAll(p.queueUrls()));
    if (urls.isEmpty()) {
      // Some emulators do not answer ListDeadLetterSourceQueues: fall back to the redrive policies.
      return sourcesByDlqArn(all()).getOrDefault(dlq.arn(), List.of());
    }
    return urls.stream().map(this::describe).toList();
  }
}
