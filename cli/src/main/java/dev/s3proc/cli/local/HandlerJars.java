package dev.s3proc.cli.local;

import dev.s3proc.cli.S3procException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the handler jars of an s3proc checkout are, by processor, and building them when they are
 * missing or older than their sources. The CLI loads them as Lambda would; it never links to their
 * code.
 */
public final class HandlerJars {
  private HandlerJars() {}

  public record HandlerJar(String processor, Path jar, String handlerClass) {}

  /** The s3proc checkout: S3PROC_HOME (set by the launcher), else the working directory. */
  public static Path home(Map<String, String> env) {
    String home = env.get("S3PROC_HOME");
    Path p = home != null && !home.isBlank() ? Path.of(home) : Path.of("");
    if (!Files.isDirectory(p.resolve("handlers"))) {
      throw S3procException.runtime(
          "cannot find the s3proc checkout with the handler jars ("
              + p.toAbsolutePath()
              + "): run s3proc through its ./s3proc launcher, or set S3PROC_HOME");
    }
    return p.toAbsolutePath().normalize();
  }

  public static HandlerJar of(Path home, String processor) {
    String cls =
        "dev.s3proc.handlers."
            + processor
            + "."
            + Character.toUpperCase(processor.charAt(0))
            + processor.substring(1)
            + "Handler";
    return new HandlerJar(
        processor,
        home.resolve("handlers/" + processor + "/target/s3proc-" + processor + "-handler.jar"),
        cls);
  }

  /**
   * Builds the jars of these processors with the Maven wrapper when any is missing or stale. Two
   * s3proc processes never build at once: they would overwrite each other's jars.
   */
  public static void ensureBuilt(
      Path home, List<String> processors, java.util.function.Consumer<String> progress) {
    if (processors.stream().noneMatch(p -> stale(home, p))) {
      return;
    }
    Path lockFile = home.resolve("handlers/target/.s3proc-build.lock");
    try {
      Files.createDirectories(lockFile.getParent());
      try (java.nio.channels.FileChannel channel =
              java.nio.channels.FileChannel.open(
                  lockFile,
                  java.nio.file.StandardOpenOption.CREATE,
                  java.nio.file.StandardOpenOption.WRITE);
          java.nio.channels.FileLock lock = channel.lock()) {
        List<String> stale =
            processors.stream().filter(p -> stale(home, p)).toList(); // another may have built them
        if (!stale.isEmpty()) {
          build(home, stale, progress);
        }
      }
    } catch (IOException e) {
      throw S3procException.runtime(
          "cannot build the handler jars in " + home + ": " + e.getMessage());
    }
  }

  private static void build(
      Path home, List<String> stale, java.util.function.Consumer<String> progress)
      throws IOException {
    progress.accept(
        "building the handler jars ("
            + String.join(", ", stale)
            + "): the first time takes a minute");
    String modules = String.join(",", stale.stream().map(p -> "handlers/" + p).toList());
    ProcessBuilder pb =
        new ProcessBuilder(
                home.resolve("mvnw").toString(),
                "-q",
                "-B",
                "-pl",
                modules,
                "-am",
                "package",
                "-DskipTests",
                "-Dspotless.check.skip=true")
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    try {
      int code = pb.start().waitFor();
      if (code != 0) {
        throw S3procException.runtime(
            "building the handler jars failed (exit "
                + code
                + "): run ./mvnw -B package -DskipTests to see why");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw S3procException.runtime("interrupted while building the handler jars");
    }
  }

  private static boolean stale(Path home, String processor) {
    Path jar = of(home, processor).jar();
    if (!Files.exists(jar)) {
      return true;
    }
    try {
      long built = Files.getLastModifiedTime(jar).toMillis();
      for (String dir :
          List.of(
              "handlers/" + processor + "/src/main",
              "handlers/runtime/src/main",
              "core/src/main")) {
        Path d = home.resolve(dir);
        if (!Files.isDirectory(d)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(d)) {
          if (files.anyMatch(f -> f.toFile().lastModified() > built)) {
            return true;
          }
        }
      }
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
