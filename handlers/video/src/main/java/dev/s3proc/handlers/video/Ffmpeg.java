package dev.s3proc.handlers.video;

import dev.s3proc.handlers.runtime.PermanentFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * ffprobe and ffmpeg, run as processes with a deadline: found on the PATH, or in the directory
 * {@code FFMPEG_HOME} names (the container image and the Lambda layer put them in {@code
 * /opt/bin}). A tool that is missing fails the step with a reason that says what to install;
 * nothing pretends to have probed or transcoded.
 */
final class Ffmpeg {
  /** What a run printed; its output is the tool's stdout, its errors the first lines of stderr. */
  record Run(int exitCode, String out, String err) {}

  private final Path home;

  Ffmpeg(Path home) {
    this.home = home;
  }

  static Ffmpeg fromEnvironment() {
    String h = System.getenv("FFMPEG_HOME");
    return new Ffmpeg(h == null || h.isBlank() ? null : Path.of(h));
  }

  /** The tool's executable, or null when it is not installed where this worker looks. */
  Path find(String tool) {
    if (home != null) {
      Path p = home.resolve(tool);
      return Files.isExecutable(p) ? p : null;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return Path.of(dir, tool);
      }
    }
    return null;
  }

  /**
   * Runs {@code tool args} until it exits or the deadline passes (then it is killed: a TIMEOUT
   * failure, since the same file would time out again).
   */
  Run run(String tool, List<String> args, Instant deadline) throws PermanentFailure, IOException {
    Path exe = find(tool);
    if (exe == null) {
      throw new PermanentFailure(
          "UNAVAILABLE",
          tool
              + " is not installed on this worker ("
              + (home != null ? "FFMPEG_HOME=" + home : "not on the PATH")
              + "): install ffmpeg (Debian: apt-get install ffmpeg), then redrive the file");
    }
    List<String> command = new ArrayList<>();
    command.add(exe.toString());
    command.addAll(args);
    Path out = Files.createTempFile("s3proc-" + tool, ".out");
    Path err = Files.createTempFile("s3proc-" + tool, ".err");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      long wait = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
      boolean exited;
      try {
        exited = p.waitFor(wait, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException(tool + " was interrupted", e);
      }
      if (!exited) {
        p.destroyForcibly();
        throw new PermanentFailure(
            "TIMEOUT",
            tool
                + " did not finish before the attempt's deadline: a file this long belongs on the"
                + " heavy worker (lower workflows.video.heavyAbove in the pipeline file)");
      }
      return new Run(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          firstLines(Files.readString(err, StandardCharsets.UTF_8)));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The first few lines of a tool's complaints: enough for a reason, never a whole log. */
  static String firstLines(String err) {
    String[] lines = err.strip().split("\n");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(3, lines.length); i++) {
      if (!lines[i].isBlank()) {
        b.append(b.length() == 0 ? "" : "; ").append(lines[i].strip());
      }
    }
    return b.length() > 600 ? b.substring(0, 600) + "..." : b.toString();
  }
}
