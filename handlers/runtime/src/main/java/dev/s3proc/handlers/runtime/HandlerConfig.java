package dev.s3proc.handlers.runtime;

import dev.s3proc.core.config.Durations;
import dev.s3proc.core.config.PipelineLoader;
import java.time.Duration;
import java.util.Map;

/**
 * A processor's settings, from the function's environment (set by config/template.yaml, or by the
 * local runner from the pipeline file).
 *
 * @param outputBucket where outputs go; null means the bucket of the object processed
 * @param maxReceiveCount the source queue's maxReceiveCount (MAX_RECEIVE_COUNT): on the delivery
 *     that is the last one before SQS would move the message to the DLQ, a file that must be
 *     retried is dead-lettered by the handler instead, with its reason; 0 when not known
 * @param resultsTopicArn where every finished attempt is announced (RESULTS_TOPIC_ARN), or null
 * @param maxAbandoned after this many attempts that ended without a result (killed, timed out, out
 *     of memory), a file is failed for good (CRASHED) instead of tried again (MAX_ABANDONED)
 */
public record HandlerConfig(
    String auditTable,
    Duration auditTtl,
    String outputBucket,
    String outputPrefix,
    String deadLetterQueueUrl,
    long maxObjectBytes,
    int maxReceiveCount,
    int maxAbandoned,
    String resultsTopicArn,
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
        Integer.parseInt(env.getOrDefault("MAX_RECEIVE_COUNT", "0")),
        Integer.parseInt(env.getOrDefault("MAX_ABANDONED", "2")),
        blankToNull(env.get("RESULTS_TOPIC_ARN")),
        env);
  }

  public String get(String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  /** The bucket outputs of an object in {@code sourceBucket} are written to. */
  public String outputBucket(String sourceBucket) {
    return outputBucket != null ? outputBucket : sourceBucket;
  }

  /** Whether a key is one of the processors' own outputs, which must never be processed. */
  public boolean isOutputLocation(String bucket, String key) {
    return bucket.equals(outputBucket(bucket)) && key.startsWith(outputPrefix);
  }

  /** Whether an SQS delivery with this receive count is the last before SQS dead-letters it. */
  public boolean lastDelivery(int receiveCount) {
    return maxReceiveCount > 0 && receiveCount >= maxReceiveCount;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
