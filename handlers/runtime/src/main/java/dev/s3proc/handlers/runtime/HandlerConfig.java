package dev.s3proc.handlers.runtime;

import dev.s3proc.core.config.Durations;
import dev.s3proc.core.config.PipelineLoader;
import java.time.Duration;
import java.util.Map;

/** A processor's settings, from the function's environment (set by config/template.yaml). */
public record HandlerConfig(
    String auditTable,
    Duration auditTtl,
    String outputBucket,
    String outputPrefix,
    String deadLetterQueueUrl,
    long maxObjectBytes,
    Map<String, String> env) {

  public static HandlerConfig fromEnvironment(Map<String, String> env) {
    return new HandlerConfig(
        env.getOrDefault("AUDIT_TABLE", PipelineLoader.DEFAULT_AUDIT_TABLE),
        Durations.parse(env.getOrDefault("AUDIT_TTL", "90d")),
        blankToNull(env.get("OUTPUT_BUCKET")),
        env.getOrDefault("OUTPUT_PREFIX", "processed/"),
        blankToNull(env.get("DEAD_LETTER_QUEUE_URL")),
        Long.parseLong(
            env.getOrDefault("MAX_OBJECT_BYTES", Long.toString(5L * 1024 * 1024 * 1024))),
        env);
  }

  public String get(String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
