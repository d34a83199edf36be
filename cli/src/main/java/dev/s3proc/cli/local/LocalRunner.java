package dev.s3proc.cli.local;

import dev.s3proc.core.config.Durations;
import dev.s3proc.core.config.PipelineConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The local event-source mapping: for each queue of the pipeline that names a processor, a worker
 * JVM of its own (as each Lambda function has its own containers, so that one processor's memory or
 * crash never touches another's), on the Java version the template deploys. A worker that ends is
 * started again, with a back-off; when moto_server stops answering for {@code giveUpAfter}, the
 * runner stops its workers and exits rather than polling a dead endpoint for ever.
 */
public final class LocalRunner {
  public static final int MEMORY_MB = 1024;

  /** The environment variable that tells a worker which runner started it. */
  static final String RUNNER_PID = "S3PROC_RUNNER_PID";

  /** Each worker's heap: the four batches it runs at once share it. */
  static final String WORKER_HEAP = "-Xmx768m";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  /** The heavy worker's task, as config/template.yaml sizes it (recorded, priced as Fargate). */
  static final Duration HEAVY_TIMEOUT = Duration.ofHours(4);

  static final int HEAVY_MEMORY_MB = 16384;
  static final String HEAVY_VCPU = "4";

  /** What the heavy worker logs once it takes work. */
  static final String HEAVY_READY = "heavy worker ready";

  private static final Duration PROBE_EVERY = Duration.ofSeconds(2);
  private static final Duration MAX_RESTART_DELAY = Duration.ofSeconds(30);

  private final PipelineConfig config;
  private final Path pipelineFile;
  private final LocalState state;
  private final String endpoint;
  private final Map<String, String> env;
  private final PrintWriter log;
  private final Duration giveUpAfter;
  private WorkflowStarter workflows;
  private String clamdAddress;
  private dev.s3proc.cli.aws.ClientFactory clients;

  /** One queue's worker process and what the runner knows of it. */
  private final class Worker {
    final PipelineConfig.Queue queue;
    Process process;
    Instant startedAt;
    int restarts;
    long restartAtMillis;
    long delayMillis = 1_000;
    final CountDownLatch ready = new CountDownLatch(1);

    Worker(PipelineConfig.Queue queue) {
      this.queue = queue;
    }

    LocalState.Worker view() {
      boolean alive = process != null && process.isAlive();
      return new LocalState.Worker(
          queue.name(),
          queue.processor(),
          process == null ? null : process.pid(),
          startedAt,
          restarts,
          alive ? (ready.getCount() == 0 ? "running" : "starting") : "restarting");
    }
  }

  public LocalRunner(
      PipelineConfig config,
      Path pipelineFile,
      LocalState state,
      String endpoint,
      Map<String, String> env,
      PrintWriter log,
      Duration giveUpAfter) {
    this.config = config;
    this.pipelineFile = pipelineFile;
    this.state = state;
    this.endpoint = endpoint;
    this.env = env;
    this.log = log;
    this.giveUpAfter = giveUpAfter;
  }

  /**
   * Starts the workflows' executions from their events, as EventBridge would, and runs their heavy
   * queues with the heavy worker (null: no workflows).
   */
  public LocalRunner withWorkflows(
      WorkflowStarter starter, dev.s3proc.cli.aws.ClientFactory clients) {
    this.workflows = starter;
    this.clients = clients;
    return this;
  }

  /**
   * Whether a queue is a workflow's heavy queue (not also its light one): the heavy worker's, which
   * the runner runs as ECS runs it, the {@code HeavyWorker} process of the processor's jar.
   */
  public static boolean heavy(PipelineConfig config, PipelineConfig.Queue q) {
    return config.workflows().values().stream()
        .anyMatch(w -> w.heavyQueue().equals(q.name()) && !w.queue().equals(q.name()));
  }

  /**
   * The queues the runner consumes: those a rule targets, a workflow sends its steps to, or a
   * fan-out topic delivers to, that name a processor; a scan queue only when ClamAV can run here
   * ({@link LocalClamd}).
   */
  public static List<PipelineConfig.Queue> consumed(
      PipelineConfig config, Map<String, String> env) {
    boolean scans = LocalClamd.find(env).available();
    Set<String> targeted = new HashSet<>();
    config
        .buckets()
        .forEach(
            b ->
                b.rules()
                    .forEach(
                        r -> {
                          if (r.target().type() == PipelineConfig.TargetType.QUEUE) {
                            targeted.add(r.target().name());
                          }
                        }));
    config
        .workflows()
        .values()
        .forEach(
            w -> {
              targeted.add(w.queue());
              targeted.add(w.heavyQueue());
            });
    config.topics().values().forEach(t -> targeted.addAll(t.subscribers()));
    return config.queues().values().stream()
        .filter(q -> q.processor() != null && targeted.contains(q.name()))
        .filter(q -> scans || !SCAN.equals(q.processor()))
        .toList();
  }

  static final String SCAN = "scan";

  /**
   * Why the pipeline's scan queues are not consumed here, or empty when they are (or it has none).
   */
  public static java.util.Optional<String> scansSkipped(
      PipelineConfig config, Map<String, String> env) {
    boolean hasScan = config.queues().values().stream().anyMatch(q -> SCAN.equals(q.processor()));
    LocalClamd.Availability a = LocalClamd.find(env);
    return hasScan && !a.available()
        ? java.util.Optional.of(a.skipped())
        : java.util.Optional.empty();
  }

  /** Runs until {@code stop} is set, or moto is gone; 0 when stopped, 1 when it gave up. */
  public int run(AtomicBoolean stop) throws InterruptedException {
    HandlerJava.Runtime java = HandlerJava.find(env);
    Instant startedAt = Instant.now();
    if (!java.deployed()) {
      say(
          "Java "
              + HandlerJava.DEPLOYED
              + " (what config/template.yaml deploys) is not installed: the handlers run on Java "
              + java.version()
              + " here, and may decode some files differently than on Lambda");
    }
    List<Worker> workers = consumed(config, env).stream().map(Worker::new).toList();
    if (workers.stream().anyMatch(w -> SCAN.equals(w.queue.processor()))) {
      try {
        clamdAddress = LocalClamd.start(LocalClamd.find(env), state, this::say);
        say("clamd answering on " + clamdAddress);
      } catch (java.io.IOException e) {
        say(e.getMessage() + ": scans are skipped, the scan queue is not consumed");
        workers = workers.stream().filter(w -> !SCAN.equals(w.queue.processor())).toList();
      }
    }
    for (Worker w : workers) {
      start(w, java);
    }
    long readyBy = System.nanoTime() + READY_TIMEOUT.toNanos();
    for (Worker w : workers) {
      if (!w.ready.await(Math.max(1, readyBy - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        say("worker for " + w.queue.name() + " did not start: see the lines above");
      }
    }
    if (workflows != null) {
      Thread starter = new Thread(() -> startWorkflows(stop), "s3proc-workflow-starter");
      starter.setDaemon(true);
      starter.start();
    }
    say("runner ready");
    long answeredAt = System.currentTimeMillis();
    long probedAt = 0;
    int code = 0;
    while (!stop.get()) {
      publish(workers, startedAt, java);
      Thread.sleep(250);
      long now = System.currentTimeMillis();
      for (Worker w : workers) {
        if ((w.process != null && w.process.isAlive()) || stop.get()) {
          continue;
        }
        if (w.restartAtMillis == 0) {
          long ranFor = Duration.between(w.startedAt, Instant.now()).toMillis();
          w.delayMillis =
              ranFor > 60_000 ? 1_000 : Math.min(MAX_RESTART_DELAY.toMillis(), w.delayMillis * 2);
          w.restartAtMillis = now + w.delayMillis;
          say(
              "worker for "
                  + w.queue.name()
                  + (w.process == null
                      ? " could not start"
                      : " exited (code " + w.process.exitValue() + ")")
                  + "; starting it again in "
                  + Durations.format(Duration.ofMillis(w.delayMillis)));
        } else if (now >= w.restartAtMillis) {
          w.restarts++;
          w.restartAtMillis = 0;
          start(w, java);
        }
      }
      if (now - probedAt >= PROBE_EVERY.toMillis()) {
        probedAt = now;
        if (MotoServer.answers(endpoint)) {
          answeredAt = now;
        } else if (now - answeredAt >= giveUpAfter.toMillis()) {
          say(
              "moto_server at "
                  + endpoint
                  + " has not answered for "
                  + Durations.format(giveUpAfter)
                  + ": stopping the runner (start the stack again with s3proc local up)");
          code = 1;
          break;
        }
      }
    }
    for (Worker w : workers) {
      stopWorker(w);
    }
    state.clearRunner();
    return code;
  }

  private void start(Worker w, HandlerJava.Runtime java) {
    if (clients != null && heavy(config, w.queue)) {
      startHeavy(w, java);
      return;
    }
    // Full tiered compilation, not the template's C1 only: that flag is for Lambda's cold starts,
    // and a worker lives for the whole session, where C2's code leaves more of the machine's two
    // cores to moto (a 1,000-upload spike: p99 1.1 and 3.5 s, against 0.9 to 17.8 s with C1 only).
    List<String> command =
        List.of(
            java.java().toString(),
            "-XX:+UseSerialGC",
            WORKER_HEAP,
            "-cp",
            System.getProperty("java.class.path"),
            "dev.s3proc.cli.S3proc",
            "local",
            "worker",
            "--local",
            "--queue",
            w.queue.name(),
            "-f",
            pipelineFile.toAbsolutePath().toString());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put(RUNNER_PID, Long.toString(ProcessHandle.current().pid()));
    if (clamdAddress != null && SCAN.equals(w.queue.processor())) {
      pb.environment().put("CLAMD_ADDRESS", clamdAddress);
    }
    try {
      w.process = pb.start(); // its stdin stays open: the worker ends when the runner is gone
      w.startedAt = Instant.now();
      state.remember(w.process, "worker " + w.queue.name());
      pump(w);
    } catch (IOException e) {
      say("cannot start the worker for " + w.queue.name() + ": " + e.getMessage());
      w.startedAt = Instant.now();
      w.process = null; // tried again later, with a back-off
    }
  }

  /**
   * The heavy worker, as the template's ECS task runs it: {@code java -cp <jar> HeavyWorker}, one
   * file at a time, no Lambda timeout, with the task's settings (its size recorded with each
   * attempt); it stops when the runner is gone.
   */
  private void startHeavy(Worker w, HandlerJava.Runtime java) {
    try {
      String url = clients.sqs().getQueueUrl(r -> r.queueName(w.queue.name())).queueUrl();
      String dlqUrl =
          w.queue.dlq() == null
              ? null
              : clients.sqs().getQueueUrl(r -> r.queueName(w.queue.dlq().name())).queueUrl();
      String account = url.replaceAll(".*/(\\d{12})/[^/]+$", "$1");
      HandlerJars.HandlerJar jar = HandlerJars.of(HandlerJars.home(env), w.queue.processor());
      ProcessBuilder pb =
          new ProcessBuilder(
                  java.java().toString(),
                  "-XX:+UseSerialGC",
                  WORKER_HEAP,
                  "-cp",
                  jar.jar().toString(),
                  "dev.s3proc.handlers.runtime.HeavyWorker")
              .redirectErrorStream(true);
      Map<String, String> e = pb.environment();
      e.putAll(QueueWorker.environment(config, w.queue, env, dlqUrl, account));
      e.put("QUEUE_URL", url);
      e.put("HANDLER", jar.handlerClass());
      e.put("TASK_TIMEOUT", Long.toString(HEAVY_TIMEOUT.toSeconds()));
      e.put("MEMORY_MB", Integer.toString(HEAVY_MEMORY_MB));
      e.put("VCPU", HEAVY_VCPU);
      e.put(RUNNER_PID, Long.toString(ProcessHandle.current().pid()));
      w.process = pb.start();
      w.startedAt = Instant.now();
      state.remember(w.process, "heavy worker " + w.queue.name());
      pump(w);
    } catch (IOException | RuntimeException e) {
      say("cannot start the heavy worker for " + w.queue.name() + ": " + e.getMessage());
      w.startedAt = Instant.now();
      w.process = null; // tried again later, with a back-off
    }
  }

  /** Copies a worker's output into the runner's log, and notices when it is ready. */
  private void pump(Worker w) {
    Process p = w.process;
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  synchronized (log) {
                    log.println(line);
                    log.flush();
                  }
                  if (line.contains(": worker ready: ") || line.contains(HEAVY_READY)) {
                    w.ready.countDown();
                  }
                }
              } catch (IOException e) {
                // the worker is gone; the supervision loop notices
              }
              state.forget(p.pid());
            },
            "runner-log-" + w.queue.name());
    t.setDaemon(true);
    t.start();
  }

  private void stopWorker(Worker w) {
    Process p = w.process;
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    state.forget(p.pid());
  }

  private void publish(List<Worker> workers, Instant startedAt, HandlerJava.Runtime java) {
    try {
      state.write(
          new LocalState.Runner(
              ProcessHandle.current().pid(),
              startedAt,
              Instant.now(),
              java.version(),
              HandlerJava.DEPLOYED,
              workers.stream().map(Worker::view).toList()));
    } catch (RuntimeException e) {
      say("cannot record the runner's state: " + e.getMessage());
    }
  }

  /** Starts executions as their events arrive, until stopped; a failure is said once a minute. */
  private void startWorkflows(AtomicBoolean stop) {
    long saidAt = 0;
    while (!stop.get()) {
      try {
        workflows.startWaiting(this::say);
      } catch (RuntimeException e) {
        long now = System.currentTimeMillis();
        if (now - saidAt > 60_000) {
          saidAt = now;
          say("cannot start workflows: " + e.getMessage());
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private void say(String message) {
    synchronized (log) {
      log.println(Instant.now() + " runner: " + message);
      log.flush();
    }
  }
}
