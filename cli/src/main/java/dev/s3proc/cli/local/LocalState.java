package dev.s3proc.cli.local;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Where the running local stack is recorded, so that {@code --local} finds it and {@code local
 * down} stops exactly what {@code local up} started. The directory is {@code S3PROC_STATE_DIR},
 * else {@code $XDG_STATE_HOME/s3proc}, else {@code ~/.local/state/s3proc}.
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

  /** What {@code local up} started. */
  public record Stack(
      String endpoint,
      int port,
      long emulatorPid,
      Long runnerPid,
      String pipelineFile,
      Instant startedAt,
      String logFile) {}

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

  public Optional<Stack> read() {
    Path f = file();
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.MAPPER.readValue(f.toFile(), Stack.class));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + f + ": remove it if no local stack is running", e);
    }
  }

  public void write(Stack stack) {
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "local", ".json");
      Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), stack);
      Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void clear() {
    try {
      Files.deleteIfExists(file());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
