package dev.s3proc.cli.dlq;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.GlobalOptions.Format;
import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.render.Tabular;
import dev.s3proc.core.event.S3ObjectEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "peek",
    mixinStandardHelpOptions = true,
    description = {
      "Show up to N messages without consuming them.",
      "Each is received and made visible again at once (SQS counts that as a receive). "
          + "S3 events are decoded: bucket, key, size, event name and time."
    })
public class PeekCommand implements Callable<Integer> {
  @Parameters(paramLabel = "QUEUE", description = "Queue name, URL or ARN.")
  String queue;

  @Option(
      names = {"-n", "--max-messages"},
      defaultValue = "10",
      paramLabel = "N",
      description = "At most N messages (default: ${DEFAULT-VALUE}).")
  int max;

  private final Context ctx;

  public PeekCommand(Context ctx) {
    this.ctx = ctx;
  }

  record View(List<DlqInspector.Peeked> messages) implements Tabular {
    @Override
    public List<String> columns() {
      return List.of("MESSAGE ID", "RECEIVES", "SENT", "OBJECT", "SIZE", "EVENT", "EVENT TIME");
    }

    @Override
    public List<List<String>> rows() {
      List<List<String>> rows = new ArrayList<>();
      for (DlqInspector.Peeked m : messages) {
        String sent = m.sentAt() == null ? "-" : m.sentAt().toString();
        if (m.objects().isEmpty()) {
          String body = m.body().replaceAll("\\s+", " ");
          rows.add(
              List.of(
                  m.messageId(),
                  Integer.toString(m.receiveCount()),
                  sent,
                  body.length() > 60 ? body.substring(0, 57) + "..." : body,
                  "",
                  "",
                  ""));
        }
        for (S3ObjectEvent e : m.objects()) {
          rows.add(
              List.of(
                  m.messageId(),
                  Integer.toString(m.receiveCount()),
                  sent,
                  "s3://" + e.bucket() + "/" + e.key(),
                  Long.toString(e.size()),
                  String.valueOf(e.eventName()),
                  e.eventTime() == null ? "-" : e.eventTime().toString()));
        }
      }
      return rows;
    }
  }

  @Override
  public Integer call() {
    if (max < 1) {
      throw S3procException.usage("-n must be 1 or more");
    }
    var dlq = new QueueDirectory(ctx.clients()).resolve(queue);
    List<DlqInspector.Peeked> messages = new DlqInspector(ctx.clients()).peek(dlq, max);
    if (ctx.out().format() == Format.json || ctx.out().format() == Format.yaml) {
      ctx.out().result(messages);
    } else {
      ctx.out().result(new View(messages));
      if (messages.isEmpty()) {
        ctx.out().info(dlq.name() + " has no visible messages (" + dlq.inFlight() + " in flight)");
      }
    }
    return 0;
  }
}
