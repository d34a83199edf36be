package dev.s3proc.cli.local;

import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.rules.PipelineDeployer;
import dev.s3proc.cli.rules.Plan;
import dev.s3proc.core.config.PipelineConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/** The local stack: moto_server on 127.0.0.1 with the pipeline applied to it. */
public final class LocalStack {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final LocalState state;
  private final ClientFactory clients;
  private final String pathEnv;

  public LocalStack(LocalState state, ClientFactory clients, String pathEnv) {
    this.state = state;
    this.clients = clients;
    this.pathEnv = pathEnv;
  }

  /** What {@code local status} reports. */
  public record Status(
      boolean running,
      String endpoint,
      Long emulatorPid,
      boolean answering,
      Instant startedAt,
      String pipelineFile,
      String logFile) {}

  public Optional<LocalState.Stack> running() {
    return state
        .read()
        .filter(s -> ProcessHandle.of(s.emulatorPid()).map(ProcessHandle::isAlive).orElse(false));
  }

  /**
   * Starts moto_server, records it, creates the pipeline's buckets and applies the pipeline. On any
   * failure after the start, stops what it started and forgets it.
   */
  public LocalState.Stack up(
      int port, PipelineConfig config, Path pipelineFile, Consumer<String> progress) {
    Path moto =
        MotoServer.find(pathEnv)
            .orElseThrow(
                () ->
                    S3procException.runtime(
                        "moto_server is not installed or not on the PATH: install it with pip install 'moto[server]'"));
    if (!MotoServer.portFree(port)) {
      throw S3procException.runtime(
          "port "
              + port
              + " on 127.0.0.1 is already in use: stop what listens there, or pass --port");
    }
    String endpoint = "http://127.0.0.1:" + port;
    Path log = state.dir().resolve("moto-" + port + ".log");
    Process process;
    try {
      process = MotoServer.start(moto, port, log, pathEnv);
    } catch (IOException e) {
      throw S3procException.runtime("cannot start moto_server: " + e.getMessage());
    }
    LocalState.Stack stack =
        new LocalState.Stack(
            endpoint,
            port,
            process.pid(),
            null,
            pipelineFile.toString(),
            Instant.now(),
            log.toString());
    try {
      MotoServer.awaitReady(endpoint, process, START_TIMEOUT, log);
      state.write(stack);
      progress.accept("moto_server answering on " + endpoint + " (pid " + process.pid() + ")");
      clients.useLocalStack();
      clients.defaultRegion(config.region());
      for (PipelineConfig.Bucket b : config.buckets()) {
        createBucket(b.name(), config.region());
      }
      PipelineDeployer deployer = new PipelineDeployer(clients);
      Plan plan = deployer.plan(config);
      if (!plan.problems().isEmpty()) {
        throw S3procException.runtime(
            "cannot apply " + pipelineFile + " to the local stack: " + plan.problems().get(0));
      }
      deployer.apply(config, plan, c -> {});
      progress.accept("applied " + pipelineFile + ": " + plan.summary().replace(" to ", " "));
      return stack;
    } catch (RuntimeException e) {
      MotoServer.stop(process.pid(), "moto");
      state.clear();
      throw e;
    }
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

  /** Stops what {@code up} started and forgets it; empty when nothing was recorded. */
  public Optional<LocalState.Stack> down() {
    Optional<LocalState.Stack> stack = state.read();
    stack.ifPresent(
        s -> {
          if (s.runnerPid() != null) {
            MotoServer.stop(s.runnerPid(), "java");
          }
          MotoServer.stop(s.emulatorPid(), "moto");
          state.clear();
        });
    return stack;
  }

  public Status status() {
    return state
        .read()
        .map(
            s -> {
              boolean alive =
                  ProcessHandle.of(s.emulatorPid()).map(ProcessHandle::isAlive).orElse(false);
              return new Status(
                  alive,
                  s.endpoint(),
                  s.emulatorPid(),
                  alive && MotoServer.answers(s.endpoint()),
                  s.startedAt(),
                  s.pipelineFile(),
                  s.logFile());
            })
        .orElse(new Status(false, null, null, false, null, null, null));
  }
}
