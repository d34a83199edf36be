package dev.s3proc.cli.local;

import dev.s3proc.cli.S3procException;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Starts, probes and stops a detached {@code moto_server} on 127.0.0.1. */
public final class MotoServer {
  private MotoServer() {}

  /** The moto_server executable on the PATH. */
  public static Optional<Path> find(String path) {
    return find(path, "moto_server");
  }

  public static boolean portFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Starts moto_server detached from this process (its own session), logging to a file. */
  public static Process start(Path motoServer, int port, Path log, String pathEnv)
      throws IOException {
    List<String> command = new ArrayList<>();
    Optional<Path> setsid = find(pathEnv, "setsid");
    setsid.ifPresent(p -> command.add(p.toString()));
    Files.createDirectories(log.getParent());
    command.addAll(
        dev.s3proc.core.emulator.MotoCommand.of(motoServer, "127.0.0.1", port, log.getParent()));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return pb.start();
  }

  public static Optional<Path> find(String path, String name) {
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Whether moto answers on the endpoint. */
  public static boolean answers(String endpoint) {
    try {
      HttpURLConnection c =
          (HttpURLConnection) URI.create(endpoint + "/moto-api/").toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(2000);
      int code = c.getResponseCode();
      c.disconnect();
      return code < 500;
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits until moto answers, or the process dies, or the deadline passes. */
  public static void awaitReady(String endpoint, Process process, Duration timeout, Path log) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (answers(endpoint)) {
        return;
      }
      if (!process.isAlive()) {
        throw S3procException.runtime(
            "moto_server exited at start (code " + process.exitValue() + "); see " + log);
      }
      try {
        process.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    process.destroy();
    throw S3procException.runtime(
        "moto_server did not answer on "
            + endpoint
            + " within "
            + timeout.toSeconds()
            + "s; see "
            + log);
  }

  /**
   * Stops a process this tool started, if it is still the one it started: a process with the
   * recorded pid that began before {@code notBefore} is another one that reused the pid, and is
   * left alone. True when it was running.
   */
  public static boolean stop(long pid, java.time.Instant notBefore) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return false;
    }
    ProcessHandle p = handle.get();
    Optional<java.time.Instant> started = p.info().startInstant();
    if (started.isPresent()
        && notBefore != null
        && started.get().isBefore(notBefore.minusSeconds(5))) {
      return false; // the pid was reused by something else: leave it alone
    }
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    try {
      p.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      try {
        p.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // reported by the caller's own check, if it matters
      }
    }
    children.forEach(ProcessHandle::destroyForcibly);
    return true;
  }
}
