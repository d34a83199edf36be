package dev.s3proc.cli.local;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.rules.PipelineFile;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One queue's worker JVM, which the runner starts; it ends when the runner is gone. */
@Command(
    name = "worker",
    hidden = true,
    description =
        "Consume one queue with its processor's handler jar, as Lambda would (the runner starts it).")
public class WorkerCommand implements Callable<Integer> {
  @Mixin PipelineFile file;

  @Option(names = "--queue", required = true, paramLabel = "QUEUE", description = "The queue.")
  String queue;

  private final Context ctx;

  public WorkerCommand(Context ctx) {
    this.ctx = ctx;
  }

  private static long parentPid() {
    return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
  }

  @Override
  public Integer call() throws Exception {
    var config = file.load(ctx);
    ctx.clients().defaultRegion(config.region());
    var q =
        LocalRunner.consumed(config, ctx.env()).stream()
            .filter(c -> c.name().equals(queue))
            .findFirst()
            .orElseThrow(
                () ->
                    S3procException.usage(
                        "queue " + queue + " is not consumed by a processor in " + file.path()));
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RunnerCommand.awaitStop(stop, stopped)));
    // When the runner dies, however it dies, this process is given another parent at once (even
    // while the dead runner is not yet reaped, when it would still look alive). The runner says
    // who it is: it may have died while this JVM was starting.
    String runner = ctx.env().get(LocalRunner.RUNNER_PID);
    long parent = runner != null ? Long.parseLong(runner) : parentPid();
    Thread orphanWatch =
        new Thread(
            () -> {
              while (!stop.get()) {
                if (parentPid() != parent) {
                  ctx.out().out().println("the runner is gone: this worker stops");
                  ctx.out().out().flush();
                  stop.set(true);
                }
                try {
                  Thread.sleep(500);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "orphan-watch");
    orphanWatch.setDaemon(true);
    orphanWatch.start();
    try {
      new QueueWorker(
              ctx.clients().sqs(),
              config,
              q,
              HandlerJars.home(ctx.env()),
              ctx.env(),
              ctx.out().out())
          .run(stop);
    } finally {
      stopped.countDown();
    }
    return 0;
  }
}
