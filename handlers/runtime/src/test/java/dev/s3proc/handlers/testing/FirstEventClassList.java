package dev.s3proc.handlers.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

/**
 * A handler jar's list of the classes its first event loads ({@code
 * META-INF/s3proc/first-event.classes}, which the runtime preloads on a thread of its own): records
 * a first event in a new JVM running the shaded jar on moto, as a cold Lambda runs it, and holds
 * the packaged list to it. With {@code -Ds3proc.write-first-event-classes} it writes the list into
 * the module's resources instead (then build the jar again).
 */
public final class FirstEventClassList {
  static final String RESOURCE = "META-INF/s3proc/first-event.classes";
  private static final Pattern LOADED = Pattern.compile("^\\[(\\d+)\\] (\\S+) source: (\\S+)");

  /** A first event's run: the classes it loaded from the jar, in order, and by which thread. */
  public record Run(String output, List<String> classes, Map<String, Long> threads, long main) {}

  private final HandlerHarness h;
  private final Path jar;
  private final Path module;

  public FirstEventClassList(HandlerHarness h) {
    this.h = h;
    this.jar = Path.of(System.getProperty("s3proc.handler.jar"));
    this.module = Path.of(System.getProperty("s3proc.module"));
  }

  /**
   * Uploads {@code bytes} under {@code key} and runs {@code handler}'s first event on it in a new
   * JVM from the shaded jar, with or without the preloading; the event must succeed.
   */
  public Run firstEvent(
      String handler, Map<String, String> env, String key, byte[] bytes, boolean preload)
      throws IOException, InterruptedException {
    String etag = h.put(key, bytes);
    Path dir = Files.createTempDirectory("s3proc-first-event");
    Path event = dir.resolve("event.json");
    Path log = dir.resolve("classes.log");
    Path out = dir.resolve("output.txt");
    Files.writeString(
        event,
        """
        {"Records":[{"eventSource":"aws:s3","eventTime":"%s","eventName":"ObjectCreated:Put",\
        "s3":{"bucket":{"name":"%s"},"object":{"key":"%s","size":%d,"eTag":"%s",\
        "sequencer":"%X"}}}]}"""
            .formatted(
                Instant.now(),
                HandlerHarness.BUCKET,
                URLEncoder.encode(key, StandardCharsets.UTF_8),
                bytes.length,
                etag,
                System.nanoTime()));
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-Ds3proc.preload=" + preload,
                "-Xlog:class+load=info:file=" + log + ":tid",
                "-cp",
                jar.toString(),
                "dev.s3proc.handlers.runtime.LocalInvoke",
                handler,
                event.toString())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    Map<String, String> child = pb.environment();
    child.remove("JAVA_TOOL_OPTIONS");
    child.putAll(env);
    child.put("AWS_ACCESS_KEY_ID", "s3proc-test");
    child.put("AWS_SECRET_ACCESS_KEY", "s3proc-test");
    child.put("AWS_REGION", "us-east-1");
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    String output = Files.readString(out);
    assertThat(p.isAlive()).as("the first event's JVM still running after 60 s").isFalse();
    assertThat(output).as("the first event, from the jar " + jar).contains("\"SUCCEEDED\"");
    List<String> lines = Files.readAllLines(log);
    for (Path f : List.of(event, log, out, dir)) {
      Files.deleteIfExists(f);
    }

    Set<String> classes = new LinkedHashSet<>();
    Map<String, Long> threads = new HashMap<>();
    long main = -1;
    String jarSource = "file:" + jar.toAbsolutePath();
    for (String line : lines) {
      Matcher m = LOADED.matcher(line);
      if (!m.find() || !m.group(3).equals(jarSource)) {
        continue;
      }
      String name = m.group(2);
      long tid = Long.parseLong(m.group(1));
      if (name.startsWith("dev.s3proc.handlers.runtime.LocalInvoke")) {
        main = tid; // the local stand-in for Lambda's runtime: not in a deployed function's list
        continue;
      }
      if (classes.add(name)) {
        threads.put(name, tid);
      }
    }
    return new Run(output, new ArrayList<>(classes), threads, main);
  }

  /** The list packaged in the jar. */
  public List<String> packaged() throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      var entry = zip.getEntry(RESOURCE);
      assertThat(entry).as(RESOURCE + " in " + jar).isNotNull();
      String text = new String(zip.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
      return text.lines()
          .map(String::strip)
          .filter(s -> !s.isEmpty() && !s.startsWith("#"))
          .toList();
    }
  }

  /**
   * Records the first event without preloading and holds the packaged list to it (or writes it): at
   * most one class in twenty may be missing from the list, or listed and not loaded.
   */
  public void check(String handler, Map<String, String> env, String key, byte[] bytes)
      throws IOException, InterruptedException {
    Run run = firstEvent(handler, env, key, bytes, false);
    Path resource = module.resolve("src/main/resources").resolve(RESOURCE);
    if (System.getProperty("s3proc.write-first-event-classes") != null) {
      Files.createDirectories(resource.getParent());
      Files.writeString(
          resource,
          "# the classes a first event loads from this jar, in order: written by FirstEventClassesIT\n"
              + String.join("\n", run.classes())
              + "\n");
      return;
    }
    List<String> listed = packaged();
    List<String> missing = run.classes().stream().filter(c -> !listed.contains(c)).toList();
    List<String> stale = listed.stream().filter(c -> !run.classes().contains(c)).toList();
    String again =
        "; the code or a library changed: write the list again with ./mvnw verify -pl handlers/"
            + module.getFileName()
            + " -Dit.test=FirstEventClassesIT -Ds3proc.write-first-event-classes, then build";
    assertThat(missing.size())
        .as(
            missing.size()
                + " of the "
                + run.classes().size()
                + " classes the first event loads are not in "
                + resource
                + " (first: "
                + missing.stream().limit(5).toList()
                + ")"
                + again)
        .isLessThanOrEqualTo(run.classes().size() / 20);
    assertThat(stale.size())
        .as(
            stale.size()
                + " classes in "
                + resource
                + " were not loaded by the first event (first: "
                + stale.stream().limit(5).toList()
                + ")"
                + again)
        .isLessThanOrEqualTo(listed.size() / 20);
  }

  /**
   * Runs the first event with the preloading on: it must still succeed, and most of the listed
   * classes must have been loaded by a thread other than the one running the event.
   */
  public void preloads(String handler, Map<String, String> env, String key, byte[] bytes)
      throws IOException, InterruptedException {
    Run run = firstEvent(handler, env, key, bytes, true);
    List<String> listed = packaged();
    long elsewhere =
        listed.stream()
            .filter(c -> run.threads().containsKey(c) && run.threads().get(c) != run.main())
            .count();
    assertThat(elsewhere)
        .as("listed classes loaded off the event's thread, of " + listed.size())
        .isGreaterThan(listed.size() / 2);
  }
}
