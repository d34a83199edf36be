package dev.s3proc.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3proc.cli.S3procException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeWindowTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:15:30.123456789Z");

  @Test
  void sinceAndUntilTakeDurationsDatesAndInstants() {
    TimeWindow w = TimeWindow.of("24h", null, "1d", NOW);
    assertThat(w.since()).isEqualTo(Instant.parse("2026-11-27T10:15:30.123456789Z"));
    assertThat(w.until()).isEqualTo(NOW);
    assertThat(TimeWindow.of("2026-11-01", "2026-11-02T00:00:00Z", "1d", NOW).since())
        .isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
  }

  @Test
  void aWindowIsDescribedInWholeSeconds() {
    TimeWindow w = TimeWindow.of("1d", null, "1d", NOW);
    assertThat(TimeWindow.describe(w.since(), w.until()))
        .isEqualTo("from 2026-11-27T10:15:30Z to 2026-11-28T10:15:30Z");
  }

  @Test
  void badInputNamesTheOptionAndWhatItAccepts() {
    assertThatThrownBy(() -> TimeWindow.of("yesterday", null, "1d", NOW))
        .isInstanceOf(S3procException.class)
        .hasMessageContaining("--since 'yesterday' is neither a duration");
    assertThatThrownBy(() -> TimeWindow.of("1h", "2h", "1d", NOW))
        .isInstanceOf(S3procException.class)
        .hasMessageContaining("is not before --until");
  }
}
