package dev.s3proc.cli.local;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.ExitCode;
import dev.s3proc.cli.render.Tabular;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Show the local stack: endpoint, process, whether it answers. Exits 1 when it is not running.")
public class StatusCommand implements Callable<Integer> {
  private final Context ctx;

  public StatusCommand(Context ctx) {
    this.ctx = ctx;
  }

  record View(LocalStack.Status status) implements Tabular {
    @Override
    public List<String> columns() {
      return List.of("COMPONENT", "STATE", "ENDPOINT", "PID", "STARTED", "PIPELINE");
    }

    @Override
    public List<List<String>> rows() {
      String state =
          !status.running() ? "not running" : status.answering() ? "running" : "not answering";
      String runner =
          status.runnerPid() == null
              ? "not started"
              : status.runnerRunning() ? "running" : "stopped";
      return List.of(
          List.of(
              "moto_server",
              state,
              s(status.endpoint()),
              s(status.emulatorPid()),
              s(status.startedAt()),
              s(status.pipelineFile())),
          List.of(
              "runner",
              runner,
              "-",
              s(status.runnerPid()),
              s(status.startedAt()),
              s(status.pipelineFile())));
    }

    private static String s(Object o) {
      return o == null ? "-" : o.toString();
    }
  }

  record Depths(List<LocalStack.QueueDepth> queues) implements Tabular {
    @Override
    public List<String> columns() {
      return List.of("QUEUE", "VISIBLE", "IN FLIGHT");
    }

    @Override
    public List<List<String>> rows() {
      return queues.stream()
          .map(q -> List.of(q.queue(), Long.toString(q.visible()), Long.toString(q.inFlight())))
          .toList();
    }
  }

  @Override
  public Integer call() {
    LocalStack.Status status = new LocalStack(ctx.localState(), ctx.clients(), ctx.env()).status();
    if (ctx.out().format() == dev.s3proc.cli.GlobalOptions.Format.table) {
      ctx.out().result(new View(status));
      if (!status.queues().isEmpty()) {
        ctx.out().line("");
        ctx.out().result(new Depths(status.queues()));
      }
    } else {
      ctx.out().result(status);
    }
    return status.running() && status.answering() ? ExitCode.OK : ExitCode.RUNTIME;
  }
}
