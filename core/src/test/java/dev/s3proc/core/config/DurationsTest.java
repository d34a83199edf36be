package dev.s3proc.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parsesEveryUnit() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Durations.parse("4d")).isEqualTo(Duration.ofDays(4));
    assertThat(Durations.parse("90")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void rejectsWhatIsNotADuration() {
    assertThatThrownBy(() -> Durations.parse("5 minutes")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> Durations.parse("-1s")).hasMessageContaining("not a duration");
  }

  @Test
  void formatsTheShortestExactForm() {
    assertThat(Durations.format(Duration.ofSeconds(1800))).isEqualTo("30m");
    assertThat(Durations.format(Duration.ofDays(14))).isEqualTo("14d");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
  }
}
