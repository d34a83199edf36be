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
        "Show the local stack: moto, the runner and its worker per queue, queue depths. Exits 1 when any of them is down.")
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

  record Workers(List<LocalStack.WorkerStatus> workers) implements Tabular {
    @Override
    public List<String> columns() {
      return List.of("QUEUE", "PROCESSOR", "WORKER", "PID", "RESTARTS", "JAVA");
    }

    @Override
    public List<List<String>> rows() {
      return workers.stream()
          .map(
              w ->
                  List.of(
                      w.queue(),
                      w.processor(),
                      w.state(),
                      w.pid() == null ? "-" : w.pid().toString(),
                      Integer.toString(w.restarts()),
                      w.javaVersion()
                          + (w.javaVersion() == w.deployedJavaVersion()
                              ? ""
                              : " (template: " + w.deployedJavaVersion() + ")")))
          .toList();
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
      if (!status.workers().isEmpty()) {
        ctx.out().line("");
        ctx.out().result(new Workers(status.workers()));
      }
      if (!status.queues().isEmpty()) {
        ctx.out().line("");
        ctx.out().result(new Depths(status.queues()));
      }
    } else {
      ctx.out().result(status);
    }
    return status.healthy() ? ExitCode.OK : ExitCode.RUNTIME;
  }
}
