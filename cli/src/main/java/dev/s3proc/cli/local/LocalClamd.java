package dev.s3proc.cli.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * ClamAV's daemon for the local scan processor, as the template's scanner image runs it: started by
 * the runner on a loopback port with the signature database found here, or — when ClamAV is not
 * installed or has no database — not at all, with the reason in one line, and the scan queue left
 * unconsumed (nothing pretends to have scanned).
 */
final class LocalClamd {
  /** A directory of ClamAV signature files to use instead of {@value #DEFAULT_DATABASE}. */
  static final String DATABASE_ENV = "S3PROC_CLAMAV_DB";

  static final String DEFAULT_DATABASE = "/var/lib/clamav";

  /** How long clamd may take to load its database (the official one takes about 20 s). */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

  /** clamd and the database it would load, or why scans are skipped. */
  record Availability(Path clamd, Path database, String skipped) {
    boolean available() {
      return skipped == null;
    }
  }

  private LocalClamd() {}

  static Availability find(Map<String, String> env) {
    Optional<Path> clamd = executable(env.get("PATH"));
    Path db = Path.of(env.getOrDefault(DATABASE_ENV, DEFAULT_DATABASE));
    if (clamd.isEmpty()) {
      return new Availability(
          null,
          db,
          "ClamAV is not installed (apt-get install clamav clamav-daemon): scans are skipped");
    }
    if (!hasSignatures(db)) {
      return new Availability(
          clamd.get(),
          db,
          "ClamAV has no signature database in "
              + db
              + " (run freshclam, or set "
              + DATABASE_ENV
              + " to a directory of signatures): scans are skipped");
    }
    return new Availability(clamd.get(), db, null);
  }

  /** Starts clamd on a free loopback port and waits until it answers; its address. */
  static String start(Availability a, LocalState state, java.util.function.Consumer<String> say)
      throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path conf = state.privateFile("clamd.conf");
    Path log = state.privateFile("clamd.log");
    Path out = state.privateFile("clamd.out");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "Foreground yes",
            "TCPSocket " + port,
            "TCPAddr 127.0.0.1",
            "DatabaseDirectory " + a.database(),
            "LogFile " + log,
            // an encrypted archive is reported (and recorded UNSCANNABLE), never passed as clean
            "AlertEncrypted yes",
            ""));
    say.accept(
        "clamd: loading the signatures in " + a.database() + " (the official ones take ~20 s)");
    Process p =
        new ProcessBuilder(a.clamd().toString(), "--config-file=" + conf)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
            .start();
    state.remember(p, "clamd");
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (!pong(port)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        state.forget(p.pid());
        throw new IOException(
            "clamd did not start; see " + out + (p.isAlive() ? " (timed out)" : ""));
      }
      Thread.sleep(250);
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  p.destroy();
                  state.forget(p.pid());
                }));
    return "tcp://127.0.0.1:" + port;
  }

  private static boolean pong(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      s.setSoTimeout(2000);
      OutputStream o = s.getOutputStream();
      o.write("zPING\0".getBytes(StandardCharsets.US_ASCII));
      o.flush();
      InputStream in = s.getInputStream();
      return new String(in.readNBytes(4), StandardCharsets.US_ASCII).equals("PONG");
    } catch (IOException e) {
      return false;
    }
  }

  /** Debian installs clamd in /usr/sbin, which is not on every user's PATH. */
  private static Optional<Path> executable(String path) {
    for (String dir : ((path == null ? "" : path) + ":/usr/sbin").split(":")) {
      Path p = dir.isEmpty() ? null : Path.of(dir, "clamd");
      if (p != null && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static boolean hasSignatures(Path db) {
    if (!Files.isDirectory(db)) {
      return false;
    }
    try (Stream<Path> files = Files.list(db)) {
      return files.anyMatch(
          f -> f.getFileName().toString().matches(".*\\.(cvd|cld|cud|hdb|hsb|ndb|ldb|cdb|mdb)"));
    } catch (IOException e) {
      return false;
    }
  }
}
