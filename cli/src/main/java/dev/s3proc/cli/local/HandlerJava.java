package dev.s3proc.cli.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Java runtime the local workers run the handlers on: the version config/template.yaml deploys
 * them on ({@code Runtime: java25}), so that an image decodes locally as it does on Lambda, even
 * when the CLI itself runs on another Java. Looked for in JAVA25_HOME, then under /usr/lib/jvm;
 * when it is not installed, the CLI's own runtime is used and the runner says so.
 */
final class HandlerJava {
  /** The major version config/template.yaml deploys (a test keeps the two in step). */
  static final int DEPLOYED = 25;

  /** A java executable and its major version. */
  record Runtime(Path java, int version) {
    boolean deployed() {
      return version == DEPLOYED;
    }
  }

  private HandlerJava() {}

  static Runtime find(Map<String, String> env) {
    Runtime current =
        new Runtime(
            Path.of(System.getProperty("java.home"), "bin", "java"),
            java.lang.Runtime.version().feature());
    if (current.deployed()) {
      return current;
    }
    String explicit = env.get("JAVA" + DEPLOYED + "_HOME");
    if (explicit != null && !explicit.isBlank()) {
      Optional<Runtime> r = at(Path.of(explicit));
      if (r.isPresent() && r.get().deployed()) {
        return r.get();
      }
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> homes = Files.list(jvms)) {
        for (Path home : homes.sorted().toList()) {
          Optional<Runtime> r = at(home);
          if (r.isPresent() && r.get().deployed()) {
            return r.get();
          }
        }
      } catch (IOException e) {
        // not readable: the current runtime will do
      }
    }
    return current;
  }

  /** The runtime installed at a JAVA_HOME, from its release file (no JVM started to ask). */
  static Optional<Runtime> at(Path home) {
    Path java = home.resolve("bin/java");
    Path release = home.resolve("release");
    if (!Files.isExecutable(java) || !Files.isRegularFile(release)) {
      return Optional.empty();
    }
    try {
      List<String> lines = Files.readAllLines(release);
      for (String line : lines) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          String major = v.startsWith("1.") ? v.substring(2) : v;
          int end = 0;
          while (end < major.length() && Character.isDigit(major.charAt(end))) {
            end++;
          }
          return end == 0
              ? Optional.empty()
              : Optional.of(new Runtime(java, Integer.parseInt(major.substring(0, end))));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
