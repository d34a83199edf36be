package dev.s3proc.cli.local;

import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.rules.PipelineDeployer;
import dev.s3proc.cli.rules.Plan;
import dev.s3proc.core.config.PipelineConfig;
import dev.s3proc.core.config.PipelineLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The local stack: moto_server on 127.0.0.1 with the pipeline applied to it, and the event-source
 * runner that feeds its queues to the handler jars.
 */
public final class LocalStack {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RUNNER_TIMEOUT = Duration.ofSeconds(60);

  private final LocalState state;
  private final ClientFactory clients;
  private final Map<String, String> env;

  private Duration giveUpAfter = Duration.ofSeconds(60);

  public LocalStack(LocalState state, ClientFactory clients, Map<String, String> env) {
    this.state = state;
    this.clients = clients;
    this.env = env;
  }

  /** How long the runner it starts waits for an unanswering moto before it stops. */
  public LocalStack giveUpAfter(Duration d) {
    this.giveUpAfter = d;
    return this;
  }

  /** What {@code local status} reports. */
  public record Status(
      boolean running,
      String endpoint,
      Long emulatorPid,
      boolean answering,
      Long runnerPid,
      boolean runnerRunning,
      Instant startedAt,
      String pipelineFile,
      String logFile,
      List<WorkerStatus> workers,
      List<QueueDepth> queues) {
    /** Whether every component is up: moto answering, the runner and each of its workers. */
    public boolean healthy() {
      return running
          && answering
          && (runnerPid == null || runnerRunning)
          && workers.stream().allMatch(WorkerStatus::alive);
    }
  }

  /** One queue's worker, as the runner last reported it and as the process table has it now. */
  public record WorkerStatus(
      String queue,
      String processor,
      Long pid,
      boolean alive,
      int restarts,
      String state,
      int javaVersion,
      int deployedJavaVersion) {}

  public record QueueDepth(String queue, long visible, long inFlight) {}

  public Optional<LocalState.Stack> running() {
    return state.read().filter(s -> alive(s.emulatorPid()));
  }

  private static boolean onPath(String path, String tool) {
    for (String dir : (path == null ? "" : path).split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static boolean alive(Long pid) {
    return pid != null && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * Starts moto_server, records it, creates the pipeline's buckets, applies the pipeline and starts
   * the runner. On any failure after the start, stops what it started and forgets it.
   */
  public LocalState.Stack up(
      int port, PipelineConfig config, Path pipelineFile, Path home, Consumer<String> progress) {
    List<String> processors =
        LocalRunner.consumed(config, env).stream()
            .map(PipelineConfig.Queue::processor)
            .distinct()
            .toList();
    Path moto =
        MotoServer.find(env.get("PATH"))
            .orElseThrow(
                () ->
                    S3procException.runtime(
                        "moto_server is not installed or not on the PATH: install it with pip install 'moto[server]'"));
    HandlerJars.ensureBuilt(home, processors, progress);
    if (!MotoServer.portFree(port)) {
      throw S3procException.runtime(
          "port "
              + port
              + " on 127.0.0.1 is already in use: stop what listens there, or pass --port");
    }
    String endpoint = "http://127.0.0.1:" + port;
    Path log = state.privateFile("moto-" + port + ".log");
    Process process;
    try {
      process = MotoServer.start(moto, port, log, env.get("PATH"));
    } catch (IOException e) {
      throw S3procException.runtime("cannot start moto_server: " + e.getMessage());
    }
    state.remember(process, "moto_server");
    LocalState.Stack stack =
        new LocalState.Stack(
            endpoint,
            port,
            process.pid(),
            null,
            pipelineFile.toAbsolutePath().toString(),
            Instant.now(),
            log.toString());
    Long runner = null;
    try {
      MotoServer.awaitReady(endpoint, process, START_TIMEOUT, log);
      state.write(stack);
      progress.accept("moto_server answering on " + endpoint + " (pid " + process.pid() + ")");
      clients.useLocalStack();
      clients.defaultRegion(config.region());
      if (!config.workflows().isEmpty()) {
        try {
          WorkflowStarter.enableExecutions(endpoint);
        } catch (IllegalStateException e) {
          throw S3procException.runtime(
              e.getMessage()
                  + " at "
                  + endpoint
                  + ": the workflows could not run locally; see "
                  + log
                  + " (moto 5.2 or later is needed)");
        }
      }
      for (PipelineConfig.Bucket b : config.buckets()) {
        createBucket(b.name(), config.region());
      }
      if (config.outputs().bucket() != null) {
        createBucket(config.outputs().bucket(), config.region());
      }
      if (config.quarantine() != null) {
        createBucket(config.quarantine().bucket(), config.region());
      }
      // before apply: moto stops delivering an event at the first rule whose target is a state
      // machine (it cannot start one), so the twin rules must come first on the bus
      new WorkflowStarter(clients, config).wire(progress);
      PipelineDeployer deployer = new PipelineDeployer(clients);
      Plan plan = deployer.plan(config);
      if (!plan.problems().isEmpty()) {
        throw S3procException.runtime(
            "cannot apply " + pipelineFile + " to the local stack: " + plan.problems().get(0));
      }
      deployer.apply(config, plan, c -> {});
      progress.accept("applied " + pipelineFile + ": " + plan.summary().replace(" to ", " "));
      if (!config.workflows().isEmpty() && !onPath(env.get("PATH"), "ffmpeg")) {
        progress.accept(
            "ffmpeg is not installed: video steps will fail with UNAVAILABLE (install it: apt-get"
                + " install ffmpeg); the rest of the pipeline runs");
      }
      LocalRunner.scansSkipped(config, env).ifPresent(progress);
      if (!processors.isEmpty()) {
        runner = startRunner(stack, pipelineFile, config.region(), home);
        stack = withRunner(stack, runner);
        state.write(stack);
        for (PipelineConfig.Queue q : LocalRunner.consumed(config, env)) {
          progress.accept(
              LocalRunner.heavy(config, q)
                  ? "runner: "
                      + q.name()
                      + " -> "
                      + q.processor()
                      + " heavy worker, as its ECS task runs it (one file at a time, no Lambda"
                      + " timeout)"
                  : "runner: "
                      + q.name()
                      + " -> "
                      + q.processor()
                      + " handler, in a JVM of its own (retries after "
                      + QueueWorker.LOCAL_VISIBILITY_SECONDS
                      + " s locally)");
        }
      }
      for (PipelineConfig.Bucket b : config.buckets()) {
        for (PipelineConfig.Rule r : b.rules()) {
          if (r.target().type() == PipelineConfig.TargetType.LAMBDA) {
            progress.accept(
                "rule "
                    + r.id()
                    + " -> lambda "
                    + r.target().name()
                    + ": not run locally (moto cannot run Lambda functions)");
          } else if (r.target().type() == PipelineConfig.TargetType.TOPIC) {
            PipelineConfig.Topic fanOut = config.topics().get(r.target().name());
            progress.accept(
                "rule "
                    + r.id()
                    + " -> topic "
                    + r.target().name()
                    + (fanOut == null
                        ? ": delivered by moto to the topic's subscribers; no processor runs locally"
                        : " -> " + String.join(", ", fanOut.subscribers()) + " (fan-out)"));
          }
        }
      }
      return stack;
    } catch (RuntimeException e) {
      if (runner != null) {
        MotoServer.stop(runner, stack.startedAt());
      }
      MotoServer.stop(process.pid(), stack.startedAt());
      state.clear();
      throw e;
    }
  }

  private static LocalState.Stack withRunner(LocalState.Stack s, Long runner) {
    return new LocalState.Stack(
        s.endpoint(),
        s.port(),
        s.emulatorPid(),
        runner,
        s.pipelineFile(),
        s.startedAt(),
        s.logFile());
  }

  /**
   * Starts the runner again for a recorded stack whose runner has died: what {@code local up} does
   * when moto is running and the runner is not. Empty when the runner is running, or the stack runs
   * no processor.
   */
  public Optional<Long> restartRunner(LocalState.Stack stack, Path home) {
    if (stack.runnerPid() == null || alive(stack.runnerPid())) {
      return Optional.empty();
    }
    PipelineLoader.Result r = PipelineLoader.load(Path.of(stack.pipelineFile()));
    if (r.config() == null) {
      throw S3procException.runtime(
          "cannot restart the runner: "
              + stack.pipelineFile()
              + " is no longer valid (run s3proc rules validate -f "
              + stack.pipelineFile()
              + ")");
    }
    List<String> processors =
        LocalRunner.consumed(r.config(), env).stream()
            .map(PipelineConfig.Queue::processor)
            .distinct()
            .toList();
    HandlerJars.ensureBuilt(home, processors, m -> {});
    long pid = startRunner(stack, Path.of(stack.pipelineFile()), r.config().region(), home);
    state.write(withRunner(stack, pid));
    return Optional.of(pid);
  }

  /**
   * Starts the runner: this same CLI, in its own JVM and session, logging to the state directory.
   */
  private long startRunner(LocalState.Stack stack, Path pipelineFile, String region, Path home) {
    Path log = state.privateFile("runner-" + stack.port() + ".log");
    List<String> command = new ArrayList<>();
    MotoServer.find(env.get("PATH"), "setsid").ifPresent(p -> command.add(p.toString()));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-XX:+UseSerialGC",
            "-Xmx128m",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.s3proc.cli.S3proc",
            "local",
            "runner",
            "--local",
            "--give-up-after",
            dev.s3proc.core.config.Durations.format(giveUpAfter),
            "-f",
            pipelineFile.toAbsolutePath().toString()));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> childEnv = pb.environment();
    childEnv.put("S3PROC_STATE_DIR", state.dir().toAbsolutePath().toString());
    childEnv.put("S3PROC_HOME", home.toString());
    childEnv.put("AWS_ENDPOINT_URL", stack.endpoint());
    childEnv.put("AWS_REGION", region);
    childEnv.put("AWS_ACCESS_KEY_ID", "s3proc-local");
    childEnv.put("AWS_SECRET_ACCESS_KEY", "s3proc-local");
    childEnv.remove("AWS_SESSION_TOKEN");
    childEnv.remove("AWS_PROFILE");
    // Per-service endpoints the user set reach the handlers (the SDK's AWS_ENDPOINT_URL_<SERVICE>),
    // e.g. a proxy in front of DynamoDB to see the pipeline under faults; the runner's own polling
    // always goes to the stack.
    env.forEach(
        (k, v) -> {
          if (k.startsWith("AWS_ENDPOINT_URL_")) {
            childEnv.put(k, v);
          }
        });
    if (env.containsKey(LocalClamd.DATABASE_ENV)) { // the signatures the scans use
      childEnv.put(LocalClamd.DATABASE_ENV, env.get(LocalClamd.DATABASE_ENV));
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw S3procException.runtime("cannot start the local runner: " + e.getMessage());
    }
    state.remember(p, "runner");
    long from;
    try {
      from = java.nio.file.Files.size(log); // a restarted runner appends to the same log
    } catch (IOException e) {
      from = 0;
    }
    long deadline = System.nanoTime() + RUNNER_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw S3procException.runtime(
            "the local runner exited at start (code " + p.exitValue() + "); see " + log);
      }
      try {
        byte[] written = Files.exists(log) ? Files.readAllBytes(log) : new byte[0];
        int start = (int) Math.min(from, written.length);
        if (new String(written, start, written.length - start, StandardCharsets.UTF_8)
            .contains("runner ready")) {
          return p.pid();
        }
        p.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (IOException e) {
        // not written yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    p.destroyForcibly();
    throw S3procException.runtime(
        "the local runner did not start within " + RUNNER_TIMEOUT.toSeconds() + " s; see " + log);
  }

  private void createBucket(String bucket, String region) {
    try {
      if (Region.US_EAST_1.id().equals(region)) {
        clients.s3().createBucket(r -> r.bucket(bucket));
      } else {
        clients
            .s3()
            .createBucket(
                r -> r.bucket(bucket).createBucketConfiguration(c -> c.locationConstraint(region)));
      }
    } catch (BucketAlreadyOwnedByYouException e) {
      // already there: nothing to do
    }
  }

  /** What {@code down} stopped: the recorded stack, and processes an earlier stack left behind. */
  public record Stopped(Optional<LocalState.Stack> stack, List<LocalState.Started> orphans) {}

  /**
   * Stops what {@code up} started and forgets it, and every other process s3proc remembers starting
   * that still runs (runners and workers whose stack was lost, or whose record was removed by
   * hand).
   */
  public Stopped down() {
    Optional<LocalState.Stack> stack = state.read();
    Set<Long> recorded = new java.util.HashSet<>();
    stack.ifPresent(
        s -> {
          if (s.runnerPid() != null) {
            MotoServer.stop(s.runnerPid(), s.startedAt());
            recorded.add(s.runnerPid());
          }
          MotoServer.stop(s.emulatorPid(), s.startedAt());
          recorded.add(s.emulatorPid());
          state.clear();
        });
    List<LocalState.Started> orphans = new ArrayList<>();
    for (LocalState.Started p : state.started()) {
      boolean stopped = MotoServer.stop(p.pid(), p.startedAt());
      if (stopped && !recorded.contains(p.pid()) && !p.role().startsWith("worker")) {
        orphans.add(p);
      }
      state.forget(p.pid());
    }
    return new Stopped(stack, orphans);
  }

  public Status status() {
    Optional<LocalState.Stack> recorded = state.read();
    if (recorded.isEmpty()) {
      return new Status(
          false, null, null, false, null, false, null, null, null, List.of(), List.of());
    }
    LocalState.Stack s = recorded.get();
    boolean alive = alive(s.emulatorPid());
    boolean answering = alive && MotoServer.answers(s.endpoint());
    List<QueueDepth> depths = new ArrayList<>();
    if (answering) {
      clients.useLocalStack();
      PipelineLoader.Result r = PipelineLoader.load(Path.of(s.pipelineFile()));
      if (r.config() != null) {
        clients.defaultRegion(r.config().region());
        for (PipelineConfig.Queue q : r.config().queues().values()) {
          depths.add(depth(q.name()));
          if (q.dlq() != null) {
            depths.add(depth(q.dlq().name()));
          }
        }
      }
    }
    List<WorkerStatus> workers = new ArrayList<>();
    boolean runnerAlive = alive(s.runnerPid());
    state
        .runner()
        .filter(r -> runnerAlive && r.pid() == s.runnerPid())
        .ifPresent(
            r ->
                r.workers()
                    .forEach(
                        w ->
                            workers.add(
                                new WorkerStatus(
                                    w.queue(),
                                    w.processor(),
                                    w.pid(),
                                    alive(w.pid()),
                                    w.restarts(),
                                    alive(w.pid()) ? w.state() : "down",
                                    r.javaVersion(),
                                    r.deployedJavaVersion()))));
    return new Status(
        alive,
        s.endpoint(),
        s.emulatorPid(),
        answering,
        s.runnerPid(),
        runnerAlive,
        s.startedAt(),
        s.pipelineFile(),
        s.logFile(),
        workers,
        depths);
  }

  private QueueDepth depth(String queue) {
    try {
      String url = clients.sqs().getQueueUrl(r -> r.queueName(queue)).queueUrl();
      Map<String, String> a =
          clients
              .sqs()
              .getQueueAttributes(
                  r ->
                      r.queueUrl(url)
                          .attributeNames(
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
              .attributesAsStrings();
      return new QueueDepth(
          queue,
          Long.parseLong(a.getOrDefault("ApproximateNumberOfMessages", "0")),
          Long.parseLong(a.getOrDefault("ApproximateNumberOfMessagesNotVisible", "0")));
    } catch (RuntimeException e) {
      return new QueueDepth(queue, -1, -1);
    }
  }
}
