package dev.s3proc.core.config;

import dev.s3proc.core.config.PipelineConfig.Bucket;
import dev.s3proc.core.config.PipelineConfig.Outputs;
import dev.s3proc.core.config.PipelineConfig.Queue;
import dev.s3proc.core.config.PipelineConfig.Rule;
import dev.s3proc.core.config.PipelineConfig.TargetType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The loop guard of {@code rules validate}: a rule that can fire on the processors' own outputs
 * makes every output an input again, without end (thumbnails of thumbnails, each one billed). A
 * rule fires on an output when it is on the bucket the outputs go to, listens to an event the
 * processors' writes raise, and its prefix and suffix can both match an output key.
 */
final class OutputLoops {
  /** Where a finding is reported. */
  interface Report {
    void at(Position position, String subject, String message);
  }

  /** What the processors' writes raise: object creation, and removal (outputs are replaced). */
  private static final List<String> RAISED_BY_WRITES =
      List.of(
          "s3:ObjectCreated:Put",
          "s3:ObjectCreated:CompleteMultipartUpload",
          "s3:ObjectCreated:Copy",
          "s3:ObjectRemoved:Delete");

  private OutputLoops() {}

  static void check(
      List<Bucket> buckets,
      Map<String, Queue> queues,
      Outputs outputs,
      Report error,
      Report warning) {
    for (Bucket b : buckets) {
      if (b.name() == null || !outputs.bucketFor(b.name()).equals(b.name())) {
        continue;
      }
      String where = "s3://" + b.name() + "/" + outputs.prefix();
      for (Rule r : b.rules()) {
        if (r.target() == null) {
          continue;
        }
        Optional<String> event =
            r.events().stream()
                .filter(e -> RAISED_BY_WRITES.stream().anyMatch(w -> S3Events.overlaps(e, w)))
                .findFirst();
        Optional<String> suffix =
            OutputKeys.SUFFIXES.stream().filter(s -> endsMeet(r.suffix(), s)).findFirst();
        if (event.isEmpty() || !startsMeet(r.prefix(), outputs.prefix()) || suffix.isEmpty()) {
          continue;
        }
        String match =
            "its prefix '"
                + r.prefix()
                + "' and suffix '"
                + r.suffix()
                + "' match outputs such as "
                + where
                + "thumbnails/…/w256"
                + suffix.get()
                + " on "
                + event.get();
        Optional<String> consumer = outsideConsumer(r, queues);
        if (consumer.isPresent()) {
          warning.at(
              r.position(),
              "rule " + r.id(),
              "can fire on the processors' outputs: "
                  + match
                  + "; "
                  + consumer.get()
                  + " must never write to "
                  + where
                  + ", or it loops");
        } else {
          error.at(
              r.position(),
              "rule " + r.id(),
              "fires on the processors' own outputs, so every output would be processed again,"
                  + " without end: "
                  + match
                  + "; "
                  + (outputs.prefix().isEmpty()
                      ? "every object in "
                          + b.name()
                          + " is an output: watch the uploads' bucket instead, or give outputs a"
                          + " prefix (outputs: { prefix: processed/ }) and the rule one outside it"
                      : "give the rule a prefix outside '"
                          + outputs.prefix()
                          + "' (e.g. uploads/), or send outputs to a bucket of their own with"
                          + " outputs: { bucket: NAME }"));
        }
      }
    }
  }

  /**
   * The consumer of a rule's target when it is not one of s3proc's processors (a queue with no
   * {@code processor}); empty when s3proc processes what the rule sends, or may (topics, Lambda).
   */
  private static Optional<String> outsideConsumer(Rule r, Map<String, Queue> queues) {
    if (r.target().type() != TargetType.QUEUE) {
      return Optional.empty();
    }
    Queue q = queues.get(r.target().name());
    return q != null && q.processor() != null
        ? Optional.empty()
        : Optional.of("the consumer of queue " + r.target().name() + " (not an s3proc processor)");
  }

  /** Whether some key can start with both prefixes. */
  static boolean startsMeet(String a, String b) {
    return a.startsWith(b) || b.startsWith(a);
  }

  /** Whether some key can end with both suffixes. */
  static boolean endsMeet(String a, String b) {
    return a.endsWith(b) || b.endsWith(a);
  }
}
