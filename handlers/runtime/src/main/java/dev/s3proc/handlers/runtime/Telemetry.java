package dev.s3proc.handlers.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.Map;

/**
 * Structured JSON log lines and CloudWatch embedded-metric-format lines on stdout, which Lambda
 * ships to CloudWatch Logs: metrics without an API call per file.
 */
public final class Telemetry {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PrintStream out;
  private final String processor;

  public Telemetry(PrintStream out, String processor) {
    this.out = out;
    this.processor = processor;
  }

  public void log(String level, String message, Map<String, Object> fields) {
    ObjectNode n = JSON.createObjectNode();
    n.put("timestamp", java.time.Instant.now().toString());
    n.put("level", level);
    n.put("processor", processor);
    n.put("message", message);
    fields.forEach((k, v) -> n.putPOJO(k, v));
    out.println(n);
  }

  /** One EMF line: Files, Failures, Duration and Bytes for this processor. */
  public void metrics(int files, int failures, long durationMs, long bytes) {
    ObjectNode n = JSON.createObjectNode();
    ObjectNode aws = n.putObject("_aws");
    aws.put("Timestamp", System.currentTimeMillis());
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", "s3proc");
    directive.putArray("Dimensions").addArray().add("Processor");
    var metrics = directive.putArray("Metrics");
    metrics.addObject().put("Name", "Files").put("Unit", "Count");
    metrics.addObject().put("Name", "Failures").put("Unit", "Count");
    metrics.addObject().put("Name", "Duration").put("Unit", "Milliseconds");
    metrics.addObject().put("Name", "Bytes").put("Unit", "Bytes");
    n.put("Processor", processor);
    n.put("Files", files);
    n.put("Failures", failures);
    n.put("Duration", durationMs);
    n.put("Bytes", bytes);
    out.println(n);
  }
}
