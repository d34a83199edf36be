package dev.s3proc.cli.local;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where the running local stack is recorded, so that {@code --local} finds it and {@code local
 * down} stops exactly what {@code local up} started. The directory is {@code S3PROC_STATE_DIR},
 * else {@code $XDG_STATE_HOME/s3proc}, else {@code ~/.local/state/s3proc}; it and every file in it
 * are private to the user (0700 and 0600): they hold logs of what was processed.
 */
public final class LocalState {
  /** Built on first use: --local is rare, and Jackson's start-up costs every command otherwise. */
  private static final class Json {
    static final ObjectMapper MAPPER =
        JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
  }

  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

  /** What {@code local up} started. */
  public record Stack(
      String endpoint,
      int port,
      long emulatorPid,
      Long runnerPid,
      String pipelineFile,
      Instant startedAt,
      String logFile) {}

  /** What the runner reports of itself and its workers, refreshed every few seconds. */
  public record Runner(
      long pid,
      Instant startedAt,
      Instant updatedAt,
      int javaVersion,
      int deployedJavaVersion,
      List<Worker> workers) {}

  /** One queue's worker JVM. */
  public record Worker(
      String queue, String processor, Long pid, Instant startedAt, int restarts, String state) {}

  /** A process s3proc started, remembered so that {@code local down} can stop it, orphan or not. */
  public record Started(long pid, String role, Instant startedAt) {}

  private final Path dir;

  public LocalState(Path dir) {
    this.dir = dir;
  }

  public static LocalState fromEnvironment(Map<String, String> env) {
    String explicit = env.get("S3PROC_STATE_DIR");
    if (explicit != null && !explicit.isBlank()) {
      return new LocalState(Path.of(explicit));
    }
    String xdg = env.get("XDG_STATE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".local", "state");
    return new LocalState(base.resolve("s3proc"));
  }

  public Path dir() {
    return dir;
  }

  public Path file() {
    return dir.resolve("local.json");
  }

  private Path runnerFile() {
    return dir.resolve("runner.json");
  }

  private Path startedDir() {
    return dir.resolve("started");
  }

  public Optional<Stack> read() {
    return read(file(), Stack.class);
  }

  public void write(Stack stack) {
    write(file(), stack);
  }

  public void clear() {
    delete(file());
    delete(runnerFile());
  }

  public Optional<Runner> runner() {
    try {
      return read(runnerFile(), Runner.class);
    } catch (UncheckedIOException e) {
      return Optional.empty(); // being replaced, or from an older s3proc: as if not reported yet
    }
  }

  public void write(Runner runner) {
    write(runnerFile(), runner);
  }

  public void clearRunner() {
    delete(runnerFile());
  }

  /** Remembers a process s3proc started. */
  public void remember(Process p, String role) {
    Instant started = p.info().startInstant().orElse(Instant.now());
    write(startedDir().resolve(p.pid() + ".json"), new Started(p.pid(), role, started));
  }

  public void forget(long pid) {
    delete(startedDir().resolve(pid + ".json"));
  }

  /** Every process remembered and not forgotten: running, or ended without cleaning up. */
  public List<Started> started() {
    List<Started> all = new ArrayList<>();
    if (!Files.isDirectory(startedDir())) {
      return all;
    }
    try (Stream<Path> files = Files.list(startedDir())) {
      for (Path f : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        try {
          read(f, Started.class).ifPresent(all::add);
        } catch (UncheckedIOException e) {
          delete(f); // half-written by a process that was killed: nothing to stop by it
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  /** A new private file in the state directory (for logs). */
  public Path privateFile(String name) {
    Path f = dir.resolve(name);
    try {
      ensureDir();
      if (!Files.exists(f)) {
        Files.createFile(f);
      }
      restrict(f, PRIVATE_FILE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return f;
  }

  private <T> Optional<T> read(Path f, Class<T> type) {
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.MAPPER.readValue(f.toFile(), type));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + f + ": remove it if no local stack is running", e);
    }
  }

  private void write(Path f, Object value) {
    try {
      ensureDir();
      Files.createDirectories(f.getParent());
      restrict(f.getParent(), PRIVATE_DIR);
      Path tmp = Files.createTempFile(f.getParent(), "s3proc", ".tmp"); // created 0600
      Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), value);
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void ensureDir() throws IOException {
    Files.createDirectories(dir);
    restrict(dir, PRIVATE_DIR);
  }

  /** Owner-only permissions, where the file system has them. */
  static void restrict(Path p, Set<PosixFilePermission> permissions) throws IOException {
    if (POSIX) {
      Files.setPosixFilePermissions(p, permissions);
    }
  }

  private static void delete(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
