package dev.s3proc.handlers.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * A clamd of the tests' own (Debian's clamav-daemon; .ci/run installs it) on a free port, with a
 * signature database made here — the official one cannot be downloaded on these machines: EICAR's
 * MD5 (sigtool --md5) and a body signature of a marker string. One per test JVM, shared by the
 * module's tests, stopped and its directory removed when the JVM exits.
 *
 * @param address what CLAMD_ADDRESS says to reach it
 */
record TestClamd(Process process, String address) {
  private static TestClamd shared;

  /** The test JVM's clamd, started on first use. */
  static synchronized TestClamd shared() throws Exception {
    if (shared == null) {
      Path dir = Files.createTempDirectory("s3proc-clamd");
      shared = start(dir);
      Process process = shared.process();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    process.destroy();
                    try (var files = Files.walk(dir)) {
                      process.waitFor(10, TimeUnit.SECONDS);
                      files
                          .sorted(java.util.Comparator.reverseOrder())
                          .forEach(f -> f.toFile().delete());
                    } catch (Exception e) {
                      // a temporary directory left behind
                    }
                  }));
    }
    return shared;
  }

  /** Starts clamd with the test signatures in {@code dir}; waits until it answers. */
  private static TestClamd start(Path dir) throws Exception {
    Path exe = Path.of("/usr/sbin/clamd");
    assertThat(exe)
        .as("clamd is installed (apt-get install clamav clamav-daemon; .ci/run installs it)")
        .isExecutable();
    Path db = Files.createDirectories(dir.resolve("db"));
    Path eicar = dir.resolve("eicar.com");
    Files.writeString(eicar, ScanHandlerIT.EICAR, StandardCharsets.US_ASCII);
    Process sigtool =
        new ProcessBuilder("sigtool", "--md5", eicar.toString())
            .redirectOutput(db.resolve("s3proc-test.hdb").toFile())
            .start();
    assertThat(sigtool.waitFor()).isZero();
    Files.writeString(
        db.resolve("s3proc-test.ndb"),
        "S3proc.Test.Marker:0:*:"
            + HexFormat.of().formatHex(ScanHandlerIT.MARKER.getBytes(StandardCharsets.US_ASCII))
            + "\n");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path conf = dir.resolve("clamd.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "Foreground yes",
            "TCPSocket " + port,
            "TCPAddr 127.0.0.1",
            "DatabaseDirectory " + db,
            "LogFile " + dir.resolve("clamd.log"),
            "PidFile " + dir.resolve("clamd.pid"),
            "StreamMaxLength 1M",
            "AlertEncrypted yes",
            ""));
    Process clamd =
        new ProcessBuilder(exe.toString(), "--config-file=" + conf)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("clamd.out").toFile())
            .start();
    Clamd client = new Clamd("tcp://127.0.0.1:" + port, Duration.ofSeconds(5));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        client.version();
        return new TestClamd(clamd, "tcp://127.0.0.1:" + port);
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline || !clamd.isAlive()) {
          throw new AssertionError(
              "clamd did not start: " + Files.readString(dir.resolve("clamd.out")), e);
        }
        Thread.sleep(200);
      }
    }
  }
}
