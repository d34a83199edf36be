package dev.s3proc.cli.bench;

import dev.s3proc.cli.GlobalOptions;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.local.LocalState;
import dev.s3proc.cli.testing.Cli;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditTrail;
import dev.s3proc.core.cost.AuditStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * N uploads at R per second through the local pipeline (moto, the runner, the image handler jar):
 * upload-to-SUCCEEDED latency p50/p95/p99, each round on a fresh stack, with the machine's load and
 * the emulator's CPU beside it. Run with bench/local-pipeline.sh.
 *
 * <p>The benchmark itself stays off the emulator while the uploads are processed: it watches the
 * image queue's two counters (one cheap request a second) and reads the audit trail once, at the
 * end. Latency is the trail's own figure (event time to the end of the attempt), so when it is read
 * does not change it; reading it every second did change it, since moto answers an index Query by
 * walking the whole table, under the same lock as the pipeline's requests.
 */
public final class PipelineBenchmark {
  private static final int WARM_UP = 50;

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    double rate = Double.parseDouble(args[1]);
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    System.out.printf(
        "%d uploads of config/samples/logo.png at %.0f/s, %d round(s), %d cores%n",
        n, rate, rounds, Runtime.getRuntime().availableProcessors());
    for (int round = 1; round <= rounds; round++) {
      round(round, n, rate);
    }
    System.exit(0);
  }

  private static void round(int round, int n, double rate) throws Exception {
    Path state = Files.createTempDirectory("s3proc-bench");
    Cli cli =
        new Cli()
            .env("S3PROC_STATE_DIR", state.toString())
            .env("S3PROC_HOME", Path.of("").toAbsolutePath().toString());
    int port;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Cli.Result up = cli.run("local", "up", "--port", Integer.toString(port), "-q");
    if (up.exitCode() != 0) {
      throw new IllegalStateException(up.toString());
    }
    try {
      GlobalOptions options = new GlobalOptions();
      new CommandLine(options).parseArgs("--local");
      LocalState local = new LocalState(state);
      long motoPid = local.read().orElseThrow().emulatorPid();
      try (ClientFactory aws = new ClientFactory(options, local)) {
        byte[] photo = Files.readAllBytes(Path.of("config/samples/logo.png"));
        String queue = aws.sqs().getQueueUrl(r -> r.queueName("image-processing")).queueUrl();
        // A warm-up of WARM_UP uploads at the same rate, drained before the clock starts: the
        // spike meets a running pipeline, as on AWS, not JVMs still compiling their first files.
        upload(aws, photo, "warm-up", WARM_UP, rate);
        drain(aws, queue);
        long workerPid = imageWorkerPid(local);
        double motoCpuBefore = cpuSeconds(motoPid);
        double workerCpuBefore = cpuSeconds(workerPid);
        double[] loadBefore = loadAverage();
        Instant start = Instant.now();
        upload(aws, photo, "bench", n, rate);
        double uploadSeconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        drain(aws, queue);
        double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        double motoCpu = cpuSeconds(motoPid) - motoCpuBefore;
        double workerCpu = cpuSeconds(workerPid) - workerCpuBefore;
        double[] loadAfter = loadAverage();
        List<AuditRecord> all = List.of();
        for (int tries = 0; tries < 10; tries++) {
          all =
              readWindow(aws, start).stream()
                  .filter(r -> r.key().startsWith("uploads/images/bench-"))
                  .toList();
          if (succeeded(all) >= n) {
            break;
          }
          Thread.sleep(2000);
        }
        AuditStats.Summary s =
            AuditStats.of(all, start.minusSeconds(5), Instant.now().plusSeconds(5)).overall();
        System.out.printf(
            "round %d: uploaded in %.1f s, queue empty after %.1f s: %d succeeded, %d failed;"
                + " p50 %d ms, p95 %d ms, p99 %d ms, max %d ms (target p99 <= 5000 ms);"
                + " load average %.2f before, %.2f after; moto %.1f CPU-s (%.0f%% of a core),"
                + " the image worker %.1f CPU-s (%.0f ms a file)%n",
            round,
            uploadSeconds,
            seconds,
            s.succeeded(),
            s.failed(),
            s.latencyP50Ms(),
            s.latencyP95Ms(),
            s.latencyP99Ms(),
            s.latencyMaxMs(),
            loadBefore[0],
            loadAfter[0],
            motoCpu,
            100 * motoCpu / seconds,
            workerCpu,
            1000 * workerCpu / n);
      }
    } finally {
      cli.run("local", "down");
    }
  }

  private static void upload(ClientFactory aws, byte[] photo, String name, int n, double rate) {
    long intervalNanos = (long) (1e9 / rate);
    long next = System.nanoTime();
    for (int i = 0; i < n; i++) {
      // parked, not spinning: a spin took one of the machine's two cores from the pipeline
      for (long wait = next - System.nanoTime(); wait > 0; wait = next - System.nanoTime()) {
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
      }
      next += intervalNanos;
      String key = "uploads/images/" + name + "-" + i + ".png";
      aws.s3().putObject(r -> r.bucket("terminus-uploads").key(key), RequestBody.fromBytes(photo));
    }
  }

  /** Waits (up to 5 minutes) until the queue holds nothing, visible or in flight. */
  private static void drain(ClientFactory aws, String queue) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline && pending(aws, queue) > 0) {
      Thread.sleep(1000);
    }
  }

  /** Messages in the queue, visible or in flight. */
  private static long pending(ClientFactory aws, String queue) {
    var attributes =
        aws.sqs()
            .getQueueAttributes(
                r ->
                    r.queueUrl(queue)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return attributes.values().stream().mapToLong(Long::parseLong).sum();
  }

  private static List<AuditRecord> readWindow(ClientFactory aws, Instant start) {
    AuditTrail trail = new AuditTrail(aws.dynamoDb(), "s3proc-audit", Duration.ofDays(90));
    List<AuditRecord> all = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    trail.window(start.minusSeconds(5), Instant.now().plusSeconds(5), all::addAll, pool);
    pool.shutdown();
    return List.copyOf(all);
  }

  private static long succeeded(List<AuditRecord> all) {
    return all.stream()
        .filter(r -> r.status() == AuditRecord.Status.SUCCEEDED)
        .map(AuditRecord::key)
        .distinct()
        .count();
  }

  /** The JVM the runner started for the image queue. */
  private static long imageWorkerPid(LocalState local) {
    return local.runner().orElseThrow().workers().stream()
        .filter(w -> w.queue().equals("image-processing") && w.pid() != null)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no worker on image-processing"))
        .pid();
  }

  /** A process's user and system CPU seconds, from /proc. */
  private static double cpuSeconds(long pid) throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  private static double[] loadAverage() throws java.io.IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1])};
  }
}
