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
}
