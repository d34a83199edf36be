package dev.s3proc.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.cli.testing.Cli;
import dev.s3proc.core.testing.MotoProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack recovers, and says the truth about itself: a killed worker is replaced, a killed
 * runner is reported and started again by `local up`, a runner whose moto is gone stops instead of
 * polling for ever, `local down` leaves nothing running, and what it keeps is private.
 */
class LocalRecoveryIT {
  static final String PIPELINE = "src/test/resources/chaos/pipeline.yaml";

  @TempDir Path state;
  Cli cli;

  Cli cli() {
    if (cli == null) {
      cli =
          new Cli()
              .env("S3PROC_STATE_DIR", state.toString())
              .env("S3PROC_HOME", Path.of("..").toAbsolutePath().normalize().toString());
    }
    return cli;
  }

  @AfterEach
  void down() {
    cli().run("local", "down");
  }

  @Test
  void killedWorkersAndRunnersComeBackAndDownLeavesNothingRunning() throws Exception {
    Cli.Result up =
        cli()
            .run("local", "up", "--port", Integer.toString(MotoProcess.freePort()), "-f", PIPELINE);
    assertThat(up.exitCode()).as(up.toString()).isZero();
    assertThat(up.err()).contains("chaos-images -> image handler, in a JVM of its own");
    LocalState local = new LocalState(state);
    await(() -> local.runner().map(r -> r.workers().size() == 2).orElse(false));

    // a worker killed: the runner starts another, and status says so meanwhile
    LocalState.Worker images =
        local.runner().orElseThrow().workers().stream()
            .filter(w -> w.queue().equals("chaos-images"))
            .findFirst()
            .orElseThrow();
    ProcessHandle.of(images.pid()).orElseThrow().destroyForcibly();
    await(() -> cli().run("local", "status").exitCode() == 1);
    await(() -> cli().run("local", "status").exitCode() == 0);
    Cli.Result status = cli().run("local", "status");
    assertThat(status.out()).containsPattern("chaos-images +image +running +\\d+ +1 ");

    // the runner killed: its workers end with it, status exits 1, up starts it again
    LocalState.Runner runner = local.runner().orElseThrow();
    ProcessHandle.of(runner.pid()).orElseThrow().destroyForcibly();
    await(() -> runner.workers().stream().noneMatch(w -> alive(w.pid())));
    Cli.Result stopped = cli().run("local", "status");
    assertThat(stopped.exitCode()).isEqualTo(1);
    assertThat(stopped.out()).containsPattern("runner +stopped");
    Cli.Result again = cli().run("local", "up", "-f", PIPELINE);
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.err()).contains("the runner of the local stack had stopped");
    await(() -> cli().run("local", "status").exitCode() == 0);

    // what the stack keeps is its user's alone
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state)))
        .isEqualTo("rwx------");
    try (Stream<Path> files = Files.walk(state)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
            .as(f.toString())
            .isEqualTo("rw-------");
      }
    }

    // the stack's record lost: down still stops every process it started
    List<Long> pids =
        local.started().stream().map(LocalState.Started::pid).filter(p -> alive(p)).toList();
    assertThat(pids).hasSizeGreaterThanOrEqualTo(4); // moto, runner, two workers
    Files.delete(state.resolve("local.json"));
    Cli.Result down = cli().run("local", "down");
    assertThat(down.err()).contains("left behind by an earlier stack");
    await(() -> pids.stream().noneMatch(LocalRecoveryIT::alive));
  }

  @Test
  void aRunnerWhoseMotoIsGoneStopsInsteadOfPollingForEver() throws Exception {
    Cli.Result up =
        cli()
            .run(
                "local",
                "up",
                "--port",
                Integer.toString(MotoProcess.freePort()),
                "-f",
                PIPELINE,
                "--give-up-after",
                "3s");
    assertThat(up.exitCode()).as(up.toString()).isZero();
    LocalState.Stack stack = new LocalState(state).read().orElseThrow();
    ProcessHandle.of(stack.emulatorPid()).orElseThrow().destroyForcibly();
    await(() -> !alive(stack.runnerPid()));
    assertThat(Files.readString(state.resolve("runner-" + stack.port() + ".log")))
        .contains("has not answered for 3s: stopping the runner");
    assertThat(cli().run("local", "status").exitCode()).isEqualTo(1);
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 60 s");
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }
}
