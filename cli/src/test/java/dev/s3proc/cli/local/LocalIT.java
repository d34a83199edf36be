package dev.s3proc.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.cli.testing.Cli;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** local up/status/down start and stop a real moto_server, as a user would. */
class LocalIT {
  @TempDir Path state;
  Cli cli;

  Cli cli() {
    if (cli == null) {
      cli =
          new Cli()
              .env("S3PROC_STATE_DIR", state.toString())
              .env(
                  "S3PROC_HOME",
                  java.nio.file.Path.of("..").toAbsolutePath().normalize().toString());
    }
    return cli;
  }

  @AfterEach
  void stopWhateverIsLeft() {
    cli().run("local", "down");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void upAppliesThePipelineAndDownLeavesNoProcessBehind() throws IOException {
    int port = freePort();
    Cli.Result up =
        cli().run("local", "up", "--port", Integer.toString(port), "-f", "../config/pipeline.yaml");
    assertThat(up.exitCode()).as(up.toString()).isZero();
    assertThat(up.out()).isEqualTo("endpoint: http://127.0.0.1:" + port + "\n");
    assertThat(up.err()).contains("applied ../config/pipeline.yaml");

    long pid = new LocalState(state).read().orElseThrow().emulatorPid();
    assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

    Cli.Result plan =
        cli()
            .run(
                "rules", "plan", "--local", "-f", "../config/pipeline.yaml", "--detailed-exitcode");
    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out()).contains("No changes.");

    Cli.Result status = cli().run("local", "status", "-o", "json");
    assertThat(status.exitCode()).isZero();
    assertThat(status.out())
        .contains("\"running\" : true", "\"answering\" : true", "http://127.0.0.1:" + port);

    Cli.Result again = cli().run("local", "up", "--port", Integer.toString(port));
    assertThat(again.exitCode()).isZero();
    assertThat(again.err()).contains("already running");

    Cli.Result down = cli().run("local", "down");
    assertThat(down.exitCode()).isZero();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(Files.exists(state.resolve("local.json"))).isFalse();

    Cli.Result after = cli().run("local", "status");
    assertThat(after.exitCode()).isEqualTo(1);
    assertThat(after.out()).contains("not running");
    assertThat(cli().run("rules", "plan", "--local", "-f", "../config/pipeline.yaml").err())
        .contains("no local stack is running: start one with `s3proc local up`");
  }

  @Test
  void missingMotoServerSaysHowToInstallIt() throws IOException {
    Cli.Result r =
        cli()
            .env("PATH", "/nonexistent")
            .run(
                "local",
                "up",
                "--port",
                Integer.toString(freePort()),
                "-f",
                "../config/pipeline.yaml");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("pip install 'moto[server]'");
  }

  @Test
  void aBusyPortIsReportedAndNothingStarts() throws IOException {
    try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Cli.Result r =
          cli()
              .run(
                  "local",
                  "up",
                  "--port",
                  Integer.toString(busy.getLocalPort()),
                  "-f",
                  "../config/pipeline.yaml");
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err())
          .contains("port " + busy.getLocalPort() + " on 127.0.0.1 is already in use");
      assertThat(Files.exists(state.resolve("local.json"))).isFalse();
    }
  }
}
