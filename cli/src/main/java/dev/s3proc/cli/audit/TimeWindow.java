package dev.s3proc.cli.audit;

import dev.s3proc.cli.S3procException;
import dev.s3proc.core.config.Durations;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** --since / --until: a duration ago (24h, 30d), an ISO date (2026-11-01) or an instant. */
public record TimeWindow(Instant since, Instant until) {
  public static TimeWindow of(String since, String until, String defaultSince, Instant now) {
    Instant u = until == null ? now : instant("--until", until, now);
    Instant s = instant("--since", since == null ? defaultSince : since, now);
    if (!s.isBefore(u)) {
      throw S3procException.usage("--since " + s + " is not before --until " + u);
    }
    return new TimeWindow(s, u);
  }

  /** "from 2026-11-28T10:00:00Z to 2026-11-29T10:00:00Z": whole seconds, for people. */
  public static String describe(Instant since, Instant until) {
    return "from "
        + since.truncatedTo(ChronoUnit.SECONDS)
        + " to "
        + until.truncatedTo(ChronoUnit.SECONDS);
  }

  static Instant instant(String option, String text, Instant now) {
    try {
      return now.minus(Durations.parse(text));
    } catch (IllegalArgumentException notADuration) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException notAnInstant) {
        try {
          return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
          throw S3procException.usage(
              option
                  + " '"
                  + text
                  + "' is neither a duration (24h, 30d), a date (2026-11-01) nor an instant (2026-11-01T10:00:00Z)");
        }
      }
    }
  }
}
