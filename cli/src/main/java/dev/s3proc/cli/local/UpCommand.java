package dev.s3proc.cli.local;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.rules.PipelineFile;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Start moto_server on 127.0.0.1 in the background and apply the pipeline to it.",
      "Records it so that --local finds it, and prints the endpoint."
    })
public class UpCommand implements Callable<Integer> {
  @Option(
      names = "--port",
      defaultValue = "4566",
      paramLabel = "PORT",
      description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int port;

  @Mixin PipelineFile file;

  @Option(
      names = "--give-up-after",
      defaultValue = "60s",
      paramLabel = "D",
      description =
          "The runner stops when moto_server has not answered for this long (default: ${DEFAULT-VALUE}).")
  String giveUpAfter;

  private final Context ctx;

  public UpCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (port < 1 || port > 65535) {
      throw S3procException.usage("--port " + port + " is not a TCP port (1-65535)");
    }
    java.time.Duration giveUp;
    try {
      giveUp = dev.s3proc.core.config.Durations.parse(giveUpAfter);
    } catch (IllegalArgumentException e) {
      throw S3procException.usage("--give-up-after: " + e.getMessage());
    }
    LocalStack stack =
        new LocalStack(ctx.localState(), ctx.clients(), ctx.env()).giveUpAfter(giveUp);
    var running = stack.running();
    if (running.isPresent()) {
      var restarted = stack.restartRunner(running.get(), HandlerJars.home(ctx.env()));
      if (restarted.isPresent()) {
        ctx.out()
            .info(
                "the runner of the local stack had stopped (pid "
                    + running.get().runnerPid()
                    + "): started it again (pid "
                    + restarted.get()
                    + "); see "
                    + ctx.localState().dir().resolve("runner-" + running.get().port() + ".log"));
      } else {
        ctx.out()
            .info(
                "a local stack is already running (pid "
                    + running.get().emulatorPid()
                    + "); stop it with `s3proc local down`");
      }
      ctx.out().out().println("endpoint: " + running.get().endpoint());
      return 0;
    }
    if (ctx.localState().read().isPresent()) { // recorded, but its moto is gone: clear it away
      stack
          .down()
          .orphans()
          .forEach(
              p ->
                  ctx.out()
                      .info(
                          "stopped a "
                              + p.role()
                              + " (pid "
                              + p.pid()
                              + ") of a stack that had died"));
    }
    var config = file.load(ctx);
    var started =
        stack.up(
            port, config, file.path(), HandlerJars.home(ctx.env()), msg -> ctx.out().info(msg));
    ctx.out().out().println("endpoint: " + started.endpoint());
    ctx.out()
        .info(
            "use it with --local, e.g. s3proc rules plan --local; stop it with s3proc local down");
    return 0;
  }
}
