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
import java.util.List;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * N uploads at R per second through the local pipeline (moto, the runner, the image handler jar):
 * upload-to-SUCCEEDED latency p50/p95/p99. Run with bench/local-pipeline.sh.
 */
public final class PipelineBenchmark {
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    double rate = Double.parseDouble(args[1]);
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
      try (ClientFactory aws = new ClientFactory(options, new LocalState(state))) {
        byte[] photo = Files.readAllBytes(Path.of("config/samples/logo.png"));
        Instant start = Instant.now();
        long intervalNanos = (long) (1e9 / rate);
        long next = System.nanoTime();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          while (System.nanoTime() < next) {
            Thread.onSpinWait();
          }
          next += intervalNanos;
          String key = "uploads/images/bench-" + i + ".png";
          aws.s3()
              .putObject(r -> r.bucket("terminus-uploads").key(key), RequestBody.fromBytes(photo));
          keys.add(key);
        }
        double uploadSeconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        AuditTrail trail = new AuditTrail(aws.dynamoDb(), "s3proc-audit", Duration.ofDays(90));
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        List<AuditRecord> all;
        while (true) {
          all = new ArrayList<>();
          java.util.concurrent.ExecutorService pool =
              java.util.concurrent.Executors.newFixedThreadPool(8);
          List<AuditRecord> sink = java.util.Collections.synchronizedList(all);
          trail.window(start.minusSeconds(5), Instant.now().plusSeconds(5), sink::addAll, pool);
          pool.shutdown();
          long done =
              all.stream()
                  .filter(r -> r.status() == AuditRecord.Status.SUCCEEDED)
                  .map(AuditRecord::key)
                  .distinct()
                  .count();
          if (done >= n || System.nanoTime() > deadline) {
            break;
          }
          Thread.sleep(1000);
        }
        AuditStats stats = AuditStats.of(all, start.minusSeconds(5), Instant.now());
        AuditStats.Summary s = stats.overall();
        System.out.printf(
            "%d uploads at %.0f/s (uploaded in %.1f s): %d succeeded, %d failed%n",
            n, rate, uploadSeconds, s.succeeded(), s.failed());
        System.out.printf(
            "upload-to-SUCCEEDED latency: p50 %d ms, p95 %d ms, p99 %d ms, max %d ms (target p99 <= 5000 ms)%n",
            s.latencyP50Ms(), s.latencyP95Ms(), s.latencyP99Ms(), s.latencyMaxMs());
      }
    } finally {
      cli.run("local", "down");
    }
    System.exit(0);
  }
}
