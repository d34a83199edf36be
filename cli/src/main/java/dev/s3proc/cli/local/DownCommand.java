package dev.s3proc.cli.local;

import dev.s3proc.cli.Context;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description = "Stop exactly what `local up` started and forget it. Its data is gone with it.")
public class DownCommand implements Callable<Integer> {
  private final Context ctx;

  public DownCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    var stopped = new LocalStack(ctx.localState(), ctx.clients(), ctx.env()).down();
    if (stopped.isEmpty()) {
      ctx.out().info("no local stack is running");
    } else {
      ctx.out()
          .info(
              "stopped the local stack at "
                  + stopped.get().endpoint()
                  + " (pid "
                  + stopped.get().emulatorPid()
                  + ")");
    }
    return 0;
  }
}
