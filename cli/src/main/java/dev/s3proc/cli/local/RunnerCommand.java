package dev.s3proc.cli.local;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.rules.PipelineFile;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The runner process `local up` starts in the background; it runs until `local down` stops it. */
@Command(
    name = "runner",
    hidden = true,
    description = "Run the local event-source runner in the foreground (local up starts it).")
public class RunnerCommand implements Callable<Integer> {
  @Mixin PipelineFile file;

  private final Context ctx;

  public RunnerCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    var config = file.load(ctx);
    ctx.clients().defaultRegion(config.region());
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.set(true);
                  try {
                    stopped.await(15, java.util.concurrent.TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    try {
      new LocalRunner(
              ctx.clients(), config, HandlerJars.home(ctx.env()), ctx.env(), ctx.out().out())
          .run(stop);
    } finally {
      stopped.countDown();
    }
    return 0;
  }
}
