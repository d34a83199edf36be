package dev.s3proc.cli.dlq;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.ExitCode;
import dev.s3proc.cli.GlobalOptions.Format;
import dev.s3proc.cli.Output;
import dev.s3proc.cli.S3procException;
import dev.s3proc.core.config.Durations;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "redrive",
    mixinStandardHelpOptions = true,
    description = {
      "Move messages from a dead-letter queue back to its source queue (or --to "
          + "another), losing none.",
      "A message leaves the DLQ only after the target has it. Native mode is SQS's "
          + "message move task; client mode filters and paces. Ctrl-C stops cleanly; even "
          + "kill -9 loses nothing, and running again finishes the job."
    })
public class RedriveCommand implements Callable<Integer> {
  enum Mode {
    auto,
    nativ,
    client
  }

  @Parameters(paramLabel = "QUEUE", description = "The dead-letter queue: name, URL or ARN.")
  String queue;

  @Option(
      names = "--to",
      paramLabel = "QUEUE",
      description = "Target queue (default: the DLQ's one source queue).")
  String to;

  @Option(
      names = "--mode",
      defaultValue = "auto",
      paramLabel = "MODE",
      converter = ModeConverter.class,
      description =
          "auto, native or client (default: auto = native when no filter or --max is given and the endpoint supports it).")
  Mode mode;

  @Option(
      names = "--key-prefix",
      paramLabel = "P",
      description = "Only S3 events for keys starting with P.")
  String keyPrefix;

  @Option(
      names = "--older-than",
      paramLabel = "D",
      description = "Only messages sent more than D ago (e.g. 1h).")
  String olderThan;

  @Option(
      names = "--newer-than",
      paramLabel = "D",
      description = "Only messages sent less than D ago.")
  String newerThan;

  @Option(
      names = "--body-contains",
      paramLabel = "S",
      description = "Only messages whose body contains S.")
  String bodyContains;

  @Option(names = "--max", paramLabel = "N", description = "Move at most N messages.")
  Long max;

  @Option(
      names = "--rate",
      paramLabel = "N",
      defaultValue = "0",
      description = "At most N messages per second (default: unlimited).")
  double rate;

  @Option(
      names = "--concurrency",
      paramLabel = "K",
      defaultValue = "4",
      description = "Parallel workers in client mode (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--visibility-timeout",
      paramLabel = "D",
      defaultValue = "30s",
      description =
          "How long a received message stays hidden from others (default: ${DEFAULT-VALUE}).")
  String visibilityTimeout;

  @Option(names = "--dry-run", description = "Show what would move and move nothing.")
  boolean dryRun;

  @Option(
      names = {"-y", "--yes"},
      description = "Do not ask.")
  boolean yes;

  private final Context ctx;

  public RedriveCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    Output out = ctx.out();
    RedriveFilter filter =
        new RedriveFilter(
            keyPrefix,
            duration("--older-than", olderThan),
            duration("--newer-than", newerThan),
            bodyContains);
    Duration visibility = duration("--visibility-timeout", visibilityTimeout);
    if (concurrency < 1 || concurrency > 50) {
      throw S3procException.usage("--concurrency must be between 1 and 50");
    }
    if (max != null && max < 1) {
      throw S3procException.usage("--max must be 1 or more");
    }
    if (rate < 0) {
      throw S3procException.usage("--rate must be 0 (unlimited) or more");
    }
    if (visibility.toSeconds() < 1 || visibility.toSeconds() > 43200) {
      throw S3procException.usage("--visibility-timeout must be between 1s and 12h");
    }
    QueueDirectory directory = new QueueDirectory(ctx.clients());
    QueueRef source = directory.resolve(queue);
    QueueRef target = target(directory, source);
    if (source.fifo() != target.fifo()) {
      throw S3procException.runtime(
          "cannot redrive from "
              + (source.fifo() ? "FIFO" : "standard")
              + " queue "
              + source.name()
              + " to "
              + (target.fifo() ? "FIFO" : "standard")
              + " queue "
              + target.name()
              + ": both must be FIFO or both standard");
    }
    MoveTaskRedriver nativeRedriver = new MoveTaskRedriver(ctx.clients());
    boolean filtered = !filter.isEmpty() || max != null;
    boolean useNative =
        switch (mode) {
          case nativ -> {
            if (filtered) {
              throw S3procException.usage(
                  "native mode moves every message: drop --key-prefix/--older-than/--newer-than/--body-contains/--max, or use --mode client");
            }
            if (!nativeRedriver.supported(source)) {
              throw S3procException.runtime(
                  "this endpoint does not support message move tasks (moto does not): use --mode client");
            }
            yield true;
          }
          case client -> false;
          case auto -> !filtered && nativeRedriver.supported(source);
        };
    String what =
        "redrive "
            + filter
            + (max == null ? "" : " (at most " + max + ")")
            + " from "
            + source.name()
            + " ("
            + source.visible()
            + " visible) to "
            + target.name()
            + ", "
            + (useNative ? "native move task" : "client mode, " + concurrency + " workers")
            + (rate > 0 ? ", at most " + (long) rate + "/s" : "");
    out.info(what.substring(0, 1).toUpperCase() + what.substring(1));
    if (!dryRun && !yes && !out.confirm("Move these messages?")) {
      out.info("nothing was moved");
      return ExitCode.OK;
    }

    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.set(true);
              try {
                finished.await(visibility.toSeconds() + 30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "s3proc-redrive-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    long total = max != null ? Math.min(max, source.visible()) : source.visible();
    ProgressBar bar = out.progressBar(dryRun ? "dry run" : "redrive", total, " msg");
    try {
      RedriveSummary summary;
      try {
        summary =
            useNative
                ? nativeRedriver.run(source, target, rate, dryRun, stop, n -> step(bar, n))
                : new DlqRedriver(ctx.clients())
                    .run(
                        new DlqRedriver.Options(
                            source, target, filter, max, rate, concurrency, visibility, dryRun),
                        stop,
                        n -> step(bar, n));
        if (bar != null) {
          bar.stepTo(Math.max(bar.getCurrent(), summary.moved()));
        }
      } finally {
        if (bar != null) {
          bar.close(); // the finished bar goes above the summary, not below it
        }
      }
      report(summary, out);
      return summary.failed() > 0 ? ExitCode.RUNTIME : ExitCode.OK;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook is running and has been released above
      }
    }
  }

  private QueueRef target(QueueDirectory directory, QueueRef source) {
    if (to != null) {
      QueueRef target = directory.resolve(to);
      if (target.url().equals(source.url())) {
        throw S3procException.usage("--to is the queue being redriven: name another queue");
      }
      return target;
    }
    List<QueueRef> sources = directory.sourcesOf(source);
    if (sources.isEmpty()) {
      throw S3procException.runtime(
          "queue "
              + source.name()
              + " is not a dead-letter queue (no queue's RedrivePolicy points at it): pass --to QUEUE to move its messages anyway");
    }
    if (sources.size() > 1) {
      throw S3procException.usage(
          "several queues send their failures to "
              + source.name()
              + " ("
              + String.join(", ", sources.stream().map(QueueRef::name).toList())
              + "): choose one with --to");
    }
    return sources.get(0);
  }

  private static void step(ProgressBar bar, long n) {
    if (bar != null) {
      bar.stepBy(n);
    }
  }

  private void report(RedriveSummary s, Output out) {
    if (out.format() == Format.json || out.format() == Format.yaml) {
      out.result(s);
      return;
    }
    out.result(s);
    s.failures()
        .forEach(
            (reason, count) -> out.line("@|red failed|@ " + count + ": " + Output.escape(reason)));
    if (s.arrivedDuringRun() > 0) {
      out.info(
          s.arrivedDuringRun()
              + " message(s) reached the DLQ during the run (failed again at once?) and were left there for the next run");
    }
    if (s.dryRun()) {
      out.info(
          "dry run: nothing was moved; "
              + (s.mode().equals("native")
                  ? "a move task would move every message"
                  : s.wouldMove().size()
                      + " message(s) would move, "
                      + s.skipped()
                      + " skipped by the filter"));
    } else if (s.interrupted()) {
      out.info("stopped before the end: run the same command again to move the rest");
    }
    out.info(Output.escape(s.duplicatesNote()));
  }

  private static Duration duration(String option, String text) {
    if (text == null) {
      return null;
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw S3procException.usage(option + " " + e.getMessage());
    }
  }

  /** "native" is a Java keyword; the enum constant is nativ, the user types native. */
  static class ModeConverter implements picocli.CommandLine.ITypeConverter<Mode> {
    @Override
    public Mode convert(String value) {
      return switch (value) {
        case "auto" -> Mode.auto;
        case "native" -> Mode.nativ;
        case "client" -> Mode.client;
        default ->
            throw new picocli.CommandLine.TypeConversionException(
                "'" + value + "' is not auto, native or client");
      };
    }
  }
}
