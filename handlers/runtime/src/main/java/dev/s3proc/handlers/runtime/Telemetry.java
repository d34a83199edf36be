package dev.s3proc.handlers.runtime;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Structured JSON log lines and CloudWatch embedded-metric-format lines on stdout, which Lambda
 * ships to CloudWatch Logs: metrics without an API call per file.
 */
public final class Telemetry {
  private final PrintStream out;
  private final String processor;

  public Telemetry(PrintStream out, String processor) {
    this.out = out;
    this.processor = processor;
  }

  public void log(String level, String message, Map<String, Object> fields) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("timestamp", java.time.Instant.now().toString());
    line.put("level", level);
    line.put("processor", processor);
    line.put("message", message);
    line.putAll(fields);
    print(line);
  }

  /** One EMF line: Files, Failures, Duration and Bytes for this processor. */
  public void metrics(int files, int failures, long durationMs, long bytes) {
    Map<String, Object> directive =
        Map.of(
            "Namespace", "s3proc",
            "Dimensions", List.of(List.of("Processor")),
            "Metrics",
                List.of(
                    metric("Files", "Count"),
                    metric("Failures", "Count"),
                    metric("Duration", "Milliseconds"),
                    metric("Bytes", "Bytes")));
    Map<String, Object> line = new LinkedHashMap<>();
    line.put(
        "_aws",
        Map.of("Timestamp", System.currentTimeMillis(), "CloudWatchMetrics", List.of(directive)));
    line.put("Processor", processor);
    line.put("Files", files);
    line.put("Failures", failures);
    line.put("Duration", durationMs);
    line.put("Bytes", bytes);
    print(line);
  }

  private static Map<String, String> metric(String name, String unit) {
    return Map.of("Name", name, "Unit", unit);
  }

  private void print(Map<String, Object> line) {
    try {
      out.println(JSON.std.asString(line));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // maps of text and numbers always serialize
    }
  }
}
