package dev.s3proc.cli.audit;

import java.time.Instant;
import picocli.CommandLine.Option;

/** --since and --until, shared by every command that reads a time window of the trail. */
public class WindowOptions {
  @Option(
      names = "--since",
      paramLabel = "D",
      description =
          "Start: a duration ago (24h, 30d), a date (2026-11-01) or an instant (default: 24h; 30d for cost report).")
  String since;

  @Option(names = "--until", paramLabel = "D", description = "End (default: now).")
  String until;

  public TimeWindow window(String defaultSince) {
    return TimeWindow.of(since, until, defaultSince, Instant.now());
  }

  /**
   * The window, starting no earlier than what the trail keeps ({@code retention}, the audit table's
   * TTL): a window reaching further back reads nothing more, only costs one Query per day and shard
   * more (--since 36500d was 292,000 of them), so it is cut there, and a note says so.
   */
  public TimeWindow window(
      String defaultSince, java.time.Duration retention, dev.s3proc.cli.Output out) {
    TimeWindow w = window(defaultSince);
    Instant kept = Instant.now().minus(retention).minus(java.time.Duration.ofDays(1));
    if (!w.since().isBefore(kept)) {
      return w;
    }
    if (!w.until().isAfter(kept)) {
      throw dev.s3proc.cli.S3procException.usage(
          "the window ends before anything the trail keeps (audit.ttl "
              + dev.s3proc.core.config.Durations.format(retention)
              + "): attempts older than that are deleted");
    }
    out.info(
        "reading from "
            + kept.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            + ": the trail keeps attempts for audit.ttl "
            + dev.s3proc.core.config.Durations.format(retention)
            + ", so nothing older is there");
    return new TimeWindow(kept, w.until());
  }
}
