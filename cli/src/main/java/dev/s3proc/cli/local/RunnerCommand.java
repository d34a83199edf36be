package dev.s3proc.cli.local;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.rules.PipelineFile;
import dev.s3proc.core.config.Durations;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The runner process `local up` starts in the background; it runs until `local down` stops it. */
@Command(
    name = "runner",
    hidden = true,
    description =
        "Run the local event-source runner in the foreground: a worker JVM per queue, started again when it ends (local up starts it).")
public class RunnerCommand implements Callable<Integer> {
  @Mixin PipelineFile file;

  @Option(
      names = "--give-up-after",
      paramLabel = "D",
      defaultValue = "60s",
      description =
          "Stop when moto_server has not answered for this long (default: ${DEFAULT-VALUE}).")
  String giveUpAfter;

  private final Context ctx;

  public RunnerCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    Duration giveUp;
    try {
      giveUp = Durations.parse(giveUpAfter);
    } catch (IllegalArgumentException e) {
      throw S3procException.usage("--give-up-after: " + e.getMessage());
    }
    var config = file.load(ctx);
    String endpoint =
        ctx.localState()
            .read()
            .map(LocalState.Stack::endpoint)
            .orElseThrow(
                () ->
                    S3procException.runtime(
                        "no local stack is recorded in "
                            + ctx.localState().dir()
                            + ": start one with s3proc local up"));
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> awaitStop(stop, stopped)));
    try {
      WorkflowStarter starter = null;
      dev.s3proc.cli.aws.ClientFactory clients = null;
      if (!config.workflows().isEmpty()) {
        clients = ctx.clients();
        clients.useLocalStack();
        clients.defaultRegion(config.region());
        starter = new WorkflowStarter(clients, config);
      }
      return new LocalRunner(
              config, file.path(), ctx.localState(), endpoint, ctx.env(), ctx.out().out(), giveUp)
          .withWorkflows(starter, clients)
          .run(stop);
    } finally {
      stopped.countDown();
    }
  }

  /** On SIGTERM: let the runner stop its workers before the JVM goes. */
  static void awaitStop(AtomicBoolean stop, CountDownLatch stopped) {
    stop.set(true);
    try {
      stopped.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
