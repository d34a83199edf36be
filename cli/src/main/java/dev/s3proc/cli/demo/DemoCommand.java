package dev.s3proc.cli.demo;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.Output;
import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.audit.AuditReader;
import dev.s3proc.cli.audit.AuditTable;
import dev.s3proc.cli.audit.Reconciler;
import dev.s3proc.cli.dlq.DlqInspector;
import dev.s3proc.cli.dlq.DlqRedriver;
import dev.s3proc.cli.dlq.QueueDirectory;
import dev.s3proc.cli.dlq.QueueRef;
import dev.s3proc.cli.dlq.RedriveFilter;
import dev.s3proc.cli.local.HandlerJars;
import dev.s3proc.cli.local.LocalStack;
import dev.s3proc.cli.local.MotoServer;
import dev.s3proc.cli.rules.PipelineFile;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.core.config.PipelineConfig;
import dev.s3proc.core.cost.CostModel;
import dev.s3proc.core.cost.CostReport;
import dev.s3proc.core.cost.Pricing;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.sync.RequestBody;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "The whole pipeline on this machine, in under a minute.",
      "Starts the local stack (or reuses a running one), uploads the sample files, "
          + "watches them processed, follows one file's audit trail, sees the corrupt one "
          + "land in the DLQ and fail again after a redrive, and reads the cost per file. "
          + "Stops what it started unless --keep."
    })
public class DemoCommand implements Callable<Integer> {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Option(
      names = "--keep",
      description = "Leave the local stack running afterwards, to explore it with --local.")
  boolean keep;

  @Option(
      names = "--port",
      defaultValue = "4566",
      paramLabel = "PORT",
      description =
          "Port for the local stack (default: ${DEFAULT-VALUE}; another free one when taken).")
  int port;

  @Mixin PipelineFile file;

  private final Context ctx;

  public DemoCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    Output out = ctx.out();
    Instant start = Instant.now();
    PipelineConfig config = file.load(ctx);
    Path home = HandlerJars.home(ctx.env());
    LocalStack stack = new LocalStack(ctx.localState(), ctx.clients(), ctx.env());
    boolean started = false;
    out.line(
        "@|bold s3proc demo|@ — pipeline @|bold "
            + config.pipeline()
            + "|@: S3 uploads, routed by notification rules to queues, processed by the handler jars");
    out.line("");
    var running = stack.running();
    if (running.isPresent()) {
      ctx.clients().useLocalStack();
      ctx.clients().defaultRegion(config.region());
      step(out, 1, "Reusing the local stack at " + running.get().endpoint());
    } else {
      int p = MotoServer.portFree(port) ? port : freePort();
      stack.up(p, config, file.path(), home, msg -> out.verbose(msg));
      started = true;
      step(
          out,
          1,
          "Started the local stack: moto on http://127.0.0.1:"
              + p
              + ", pipeline applied, runner feeding "
              + String.join(
                  " and ",
                  dev.s3proc.cli.local.LocalRunner.consumed(config, ctx.env()).stream()
                      .map(q -> q.name() + " → " + q.processor())
                      .toList()));
    }
    try {
      story(out, config, home);
    } finally {
      if (started && !keep) {
        stack.down();
        out.line("");
        out.line(
            "Stopped the local stack it started (run @|bold ./s3proc demo --keep|@ to explore it afterwards with --local).");
      } else if (started) {
        out.line("");
        out.line(
            "The local stack is still running: try @|bold ./s3proc audit list --local|@, @|bold ./s3proc dlq list --local|@; stop it with @|bold ./s3proc local down|@.");
      }
    }
    out.line(
        String.format(
            "Done in %.0f s.", Duration.between(start, Instant.now()).toMillis() / 1000.0));
    return 0;
  }

  private void story(Output out, PipelineConfig config, Path home)
      throws IOException, InterruptedException {
    String bucket = config.buckets().get(0).name();
    Map<String, Path> uploads = uploads(home.resolve("config/samples"));
    try (ResultWatch notices = ResultWatch.start(ctx.clients(), config)) {
      story(out, config, home, bucket, uploads, notices);
    }
  }

  private void story(
      Output out,
      PipelineConfig config,
      Path home,
      String bucket,
      Map<String, Path> uploads,
      ResultWatch notices)
      throws IOException, InterruptedException {
    Instant uploaded = Instant.now();
    for (Map.Entry<String, Path> e : uploads.entrySet()) {
      ctx.clients()
          .s3()
          .putObject(r -> r.bucket(bucket).key(e.getKey()), RequestBody.fromFile(e.getValue()));
    }
    step(
        out,
        2,
        "Uploaded "
            + uploads.size()
            + " files to s3://"
            + bucket
            + "/: "
            + String.join(
                ", ", uploads.values().stream().map(p -> p.getFileName().toString()).toList()));

    AuditReader audit = new AuditReader(ctx.clients(), config.audit().table());
    Map<String, AuditRecord> outcome = awaitOutcomes(audit, bucket, uploads.keySet(), uploaded, 1);
    step(
        out,
        3,
        String.format(
            "Processed in %.1f s:", Duration.between(uploaded, Instant.now()).toMillis() / 1000.0));
    String failedKey = null;
    String example = null;
    for (Map.Entry<String, AuditRecord> e : outcome.entrySet()) {
      AuditRecord r = e.getValue();
      if (r.status() == Status.SUCCEEDED) {
        example = example == null && e.getKey().contains("/images/") ? e.getKey() : example;
        out.line(
            "     @|green ✓|@ "
                + Output.escape(e.getKey())
                + "  →  "
                + r.outputs().size()
                + " output(s) by "
                + r.processor()
                + " in "
                + r.durationMs()
                + " ms"
                + meta(r));
      } else {
        failedKey = e.getKey();
        out.line(
            "     @|red ✗|@ "
                + Output.escape(e.getKey())
                + "  →  FAILED "
                + r.errorType()
                + ": "
                + Output.escape(String.valueOf(r.errorMessage())));
      }
    }
    List<String> outputs =
        outcome.values().stream().flatMap(r -> r.outputs().stream()).sorted().toList();
    out.line(
        "     outputs: "
            + String.join(", ", outputs.stream().limit(4).map(Output::escape).toList())
            + (outputs.size() > 4 ? ", … (" + outputs.size() + " in all)" : ""));
    if (notices != null) {
      var got = notices.notices(uploads.size(), Duration.ofSeconds(10));
      got.stream()
          .filter(
              m ->
                  m.messageAttributes().containsKey("errorType")
                      && "FAILED".equals(m.messageAttributes().get("status").stringValue()))
          .findFirst()
          .or(() -> got.stream().findFirst())
          .ifPresent(
              m ->
                  out.line(
                      "     result notices on SNS topic "
                          + notices.topic
                          + ": "
                          + got.size()
                          + ", one per finished attempt, e.g. attributes "
                          + Output.escape(
                              new java.util.TreeMap<>(m.messageAttributes())
                                  .entrySet().stream()
                                      .map(a -> a.getKey() + "=" + a.getValue().stringValue())
                                      .toList()
                                      .toString())
                          + " (subscribers filter on them)"));
    }

    if (example != null) {
      step(
          out,
          4,
          "The audit trail of one file (./s3proc audit show --local 's3://"
              + bucket
              + "/"
              + Output.escape(example)
              + "'):");
      AuditTable view = new AuditTable(audit.history(bucket, example, null), false);
      out.out().print(indent(dev.s3proc.cli.render.Renderer.table(view)));
    }
    if (failedKey != null) {
      PipelineConfig.Queue queue =
          config.queues().values().stream()
              .filter(q -> q.dlq() != null && "image".equals(q.processor()))
              .findFirst()
              .orElseThrow();
      QueueDirectory dir = new QueueDirectory(ctx.clients());
      QueueRef dlq = dir.resolve(queue.dlq().name());
      List<DlqInspector.Peeked> inDlq = awaitInDlq(dlq, 1);
      step(
          out,
          5,
          "The corrupt file went straight to the dead-letter queue "
              + dlq.name()
              + " (./s3proc dlq peek --local "
              + dlq.name()
              + "):");
      for (DlqInspector.Peeked m : inDlq) {
        m.objects()
            .forEach(
                o ->
                    out.line(
                        "     s3://"
                            + o.bucket()
                            + "/"
                            + Output.escape(o.key())
                            + "  reason: "
                            + m.messageAttributes().getOrDefault("s3proc-error-type", "?")
                            + " — "
                            + Output.escape(
                                m.messageAttributes().getOrDefault("s3proc-error", ""))));
      }
      Instant redriven = Instant.now();
      var summary =
          new DlqRedriver(ctx.clients())
              .run(
                  new DlqRedriver.Options(
                      dlq,
                      dir.resolve(queue.name()),
                      new RedriveFilter(null, null, null, null),
                      null,
                      0,
                      1,
                      Duration.ofSeconds(30),
                      false),
                  new AtomicBoolean(),
                  n -> {});
      step(
          out,
          6,
          "Redrove it back to "
              + queue.name()
              + " (./s3proc dlq redrive --local "
              + dlq.name()
              + "): "
              + summary.moved()
              + " moved, nothing lost.");
      AuditRecord again =
          awaitOutcomes(audit, bucket, List.of(failedKey), redriven, 2).get(failedKey);
      awaitInDlq(dlq, 1);
      long tries =
          audit.history(bucket, failedKey, null).stream()
              .filter(r -> r.status() == Status.FAILED)
              .count();
      out.line(
          "     It fails again, visibly: attempt "
              + tries
              + " at "
              + Output.escape(failedKey)
              + " is @|red "
              + again.status()
              + "|@ ("
              + again.errorType()
              + "), and it is back in "
              + dlq.name()
              + " — a bad file never blocks the good ones.");
    }
    Reconciler reconciler = new Reconciler(ctx.clients(), config, config.audit().table());
    Reconciler.Result r =
        reconciler.check(
            reconciler.list(bucket, "", uploaded.minusSeconds(60), Instant.now(), null),
            Duration.ZERO,
            n -> {});
    step(
        out,
        7,
        "Reconciled s3://"
            + bucket
            + " against the trail (./s3proc audit reconcile --local): "
            + r.routed()
            + " uploads routed to a processor, "
            + r.processed()
            + " processed, "
            + r.failed()
            + " failed with their reason and in a DLQ, "
            + r.unaccounted()
            + " unaccounted for"
            + (r.unaccounted() == 0 ? " — @|green every upload is accounted for|@" : ""));
    CostReport cost =
        CostReport.build(
            audit.window(uploaded.minusSeconds(60), Instant.now().plusSeconds(1), n -> {}),
            new CostModel(Pricing.load(home.resolve("config/pricing.yaml"))),
            uploaded.minusSeconds(60),
            Instant.now(),
            CostReport.By.processor,
            "us-east-1");
    BigDecimal budget = config.budget().costPerFile();
    step(
        out,
        8,
        "Cost (./s3proc cost report --local): "
            + cost.files()
            + " files, "
            + cost.attempts()
            + " attempts, mean $"
            + cost.meanCostPerFile().round(new MathContext(3)).toPlainString()
            + " per file (max $"
            + cost.maxCostPerFile().round(new MathContext(3)).toPlainString()
            + ") against a budget of $"
            + budget.toPlainString()
            + ": "
            + (cost.meanCostPerFile().compareTo(budget) <= 0
                ? "@|green within budget|@"
                : "@|red over budget|@")
            + " (us-east-1 on-demand prices, no free tier)");

    VideoStory video = new VideoStory(ctx.clients(), config, out);
    Path samples = home.resolve("config/samples");
    String skip = video.skipReason(samples, ctx.env());
    if (skip != null) {
      step(out, 9, "The video workflow is skipped: " + skip + ".");
    } else {
      step(
          out,
          9,
          "The video workflow (Step Functions; ./s3proc audit show --local"
              + " 's3://"
              + bucket
              + "/uploads/videos/"
              + VideoStory.SAMPLE
              + "'): uploaded "
              + VideoStory.SAMPLE);
      video.run(samples, bucket, audit, notices);
    }

    ComplianceStory compliance = new ComplianceStory(ctx.clients(), config, out, ctx.env());
    String noCompliance = compliance.skipReason(samples);
    if (noCompliance != null) {
      step(out, 10, "The compliance fan-out is skipped: " + noCompliance + ".");
    } else {
      step(
          out,
          10,
          "The compliance fan-out: uploaded "
              + ComplianceStory.SAMPLE
              + " under "
              + compliance.rule().prefix()
              + "; topic "
              + compliance.rule().target().name()
              + " delivered it to each subscriber, and each processor answered:");
      compliance.run(samples, bucket, audit);
    }
  }

  private static String meta(AuditRecord r) {
    Map<String, String> m = r.metadata();
    if (m.containsKey("width")) {
      return " (" + m.get("width") + "x" + m.get("height") + " " + m.get("format") + ")";
    }
    if (m.containsKey("pages")) {
      return " ("
          + m.get("pages")
          + " pages"
          + (m.containsKey("title") ? ", \"" + m.get("title") + "\"" : "")
          + ")";
    }
    return "";
  }

  /** The sample files and the keys the pipeline routes them by: images and documents. */
  static Map<String, Path> uploads(Path samples) throws IOException {
    if (!Files.isDirectory(samples)) {
      throw S3procException.runtime(
          "the sample files are missing (" + samples + "): run the demo from an s3proc checkout");
    }
    Map<String, Path> uploads = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(samples)) {
      for (Path p : files.sorted().toList()) {
        String name = p.getFileName().toString();
        String lower = name.toLowerCase();
        if (lower.endsWith(".jpg") || lower.endsWith(".jpeg") || lower.endsWith(".png")) {
          uploads.put("uploads/images/" + name, p);
        } else if (lower.endsWith(".pdf")) {
          uploads.put("uploads/documents/" + name, p);
        }
      }
    }
    return uploads;
  }

  /**
   * Waits until each key has its {@code attempt}-th attempt since {@code after} finished; returns
   * it.
   */
  private Map<String, AuditRecord> awaitOutcomes(
      AuditReader audit,
      String bucket,
      java.util.Collection<String> keys,
      Instant after,
      int attempts)
      throws InterruptedException {
    Map<String, AuditRecord> done = new LinkedHashMap<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (done.size() < keys.size()) {
      for (String key : keys) {
        if (done.containsKey(key)) {
          continue;
        }
        List<AuditRecord> finished =
            audit.history(bucket, key, null).stream()
                .filter(r -> r.status() == Status.SUCCEEDED || r.status() == Status.FAILED)
                .toList();
        if (!finished.isEmpty()
            && (attempts == 1
                ? !finished.get(0).startedAt().isBefore(after)
                : finished.size() >= attempts && !finished.get(0).startedAt().isBefore(after))) {
          done.put(key, finished.get(0));
        }
      }
      if (System.nanoTime() > deadline) {
        List<String> missing = new ArrayList<>(keys);
        missing.removeAll(done.keySet());
        throw S3procException.runtime(
            "these uploads were not processed within "
                + WAIT.toSeconds()
                + " s: "
                + missing
                + "; see the runner's log in "
                + ctx.localState().dir());
      }
      Thread.sleep(200);
    }
    return done;
  }

  private List<DlqInspector.Peeked> awaitInDlq(QueueRef dlq, int count)
      throws InterruptedException {
    DlqInspector inspector = new DlqInspector(ctx.clients());
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      List<DlqInspector.Peeked> found = inspector.peek(dlq, 10);
      if (found.size() >= count) {
        return found;
      }
      if (System.nanoTime() > deadline) {
        throw S3procException.runtime(
            "nothing arrived in " + dlq.name() + " within " + WAIT.toSeconds() + " s");
      }
      Thread.sleep(200);
    }
  }

  private static void step(Output out, int n, String text) {
    out.line("");
    out.line("@|bold,cyan " + n + ".|@ " + text);
  }

  private static String indent(String table) {
    return table.lines().map(l -> "     " + l).reduce((a, b) -> a + "\n" + b).orElse("") + "\n";
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
