package dev.s3proc.cli.dlq;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.render.Tabular;
import dev.s3proc.core.config.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Write every message of a queue, with its attributes, as JSON lines.",
      "With --delete, a message is deleted only after its line was written and flushed "
          + "to disk; without it, the queue is left as it was."
    })
public class DlqExportCommand implements Callable<Integer> {
  @Parameters(paramLabel = "QUEUE", description = "Queue name, URL or ARN.")
  String queue;

  @Option(
      names = {"-f", "--file"},
      required = true,
      paramLabel = "FILE.jsonl",
      description = "File to write (must not exist).")
  Path file;

  @Option(names = "--delete", description = "Delete each message once it is safely written.")
  boolean delete;

  @Option(
      names = "--visibility-timeout",
      paramLabel = "D",
      defaultValue = "5m",
      description =
          "How long exported messages stay hidden while the export runs (default: ${DEFAULT-VALUE}).")
  String visibilityTimeout;

  @Option(
      names = {"-y", "--yes"},
      description = "With --delete: do not ask.")
  boolean yes;

  private final Context ctx;

  public DlqExportCommand(Context ctx) {
    this.ctx = ctx;
  }

  record View(DlqExporter.Result result) implements Tabular {
    @Override
    public List<String> columns() {
      return List.of("QUEUE", "FILE", "EXPORTED", "DELETED");
    }

    @Override
    public List<List<String>> rows() {
      return List.of(
          List.of(
              result.queue(),
              result.file(),
              Long.toString(result.exported()),
              Long.toString(result.deleted())));
    }
  }

  @Override
  public Integer call() throws IOException {
    Duration visibility;
    try {
      visibility = Durations.parse(visibilityTimeout);
    } catch (IllegalArgumentException e) {
      throw S3procException.usage("--visibility-timeout " + e.getMessage());
    }
    if (Files.exists(file)) {
      throw S3procException.usage(
          file + " already exists: choose a new file, so that no export is ever overwritten");
    }
    QueueRef q = new QueueDirectory(ctx.clients()).resolve(queue);
    if (delete
        && !yes
        && !ctx.out()
            .confirm(
                "Export and then delete the " + q.visible() + " messages of " + q.name() + "?")) {
      ctx.out().info("nothing was exported");
      return 0;
    }
    DlqExporter.Result result =
        new DlqExporter(ctx.clients()).export(q, file, delete, visibility, n -> {});
    ctx.out()
        .result(
            ctx.out().format() == dev.s3proc.cli.GlobalOptions.Format.table
                    || ctx.out().format() == dev.s3proc.cli.GlobalOptions.Format.csv
                ? new View(result)
                : result);
    return 0;
  }
}
