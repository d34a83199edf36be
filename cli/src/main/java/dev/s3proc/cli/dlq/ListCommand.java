package dev.s3proc.cli.dlq;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.GlobalOptions.Format;
import dev.s3proc.cli.render.Tabular;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "Every dead-letter queue in the account and region.",
      "A dead-letter queue is a queue another queue's RedrivePolicy targets. Shows the "
          + "messages visible and in flight, the age of the oldest, its source queues and its "
          + "s3proc alarm's state."
    })
public class ListCommand implements Callable<Integer> {
  private final Context ctx;

  public ListCommand(Context ctx) {
    this.ctx = ctx;
  }

  record View(List<DlqInspector.DlqSummary> queues) implements Tabular {
    @Override
    public List<String> columns() {
      return List.of("DLQ", "VISIBLE", "IN FLIGHT", "OLDEST", "SOURCES", "ALARM");
    }

    @Override
    public List<List<String>> rows() {
      return queues.stream()
          .map(
              q ->
                  List.of(
                      q.name(),
                      Long.toString(q.visible()),
                      Long.toString(q.inFlight()),
                      age(q.oldestAgeSeconds(), q.oldestAgeFrom()),
                      String.join(",", q.sources()),
                      q.alarm() == null ? "-" : q.alarm()))
          .toList();
    }

    static String age(Long seconds, String from) {
      if (seconds == null) {
        return "-";
      }
      String text =
          seconds < 120
              ? seconds + "s"
              : seconds < 7200
                  ? seconds / 60 + "m"
                  : seconds < 172800 ? seconds / 3600 + "h" : seconds / 86400 + "d";
      return "peek".equals(from) ? ">=" + text : text;
    }
  }

  @Override
  public Integer call() {
    DlqInspector.Listing listing = new DlqInspector(ctx.clients()).list();
    if (listing.note() != null) {
      ctx.out().info(listing.note());
    }
    if (ctx.out().format() == Format.json || ctx.out().format() == Format.yaml) {
      ctx.out().result(listing.queues());
    } else if (listing.queues().isEmpty() && ctx.out().format() == Format.table) {
      ctx.out()
          .info(
              "no dead-letter queues in "
                  + ctx.clients().region()
                  + " (no queue has a RedrivePolicy)");
    } else {
      ctx.out().result(new View(listing.queues()));
    }
    return 0;
  }
}
