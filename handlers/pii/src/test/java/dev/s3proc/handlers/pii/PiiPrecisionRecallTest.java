package dev.s3proc.handlers.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Precision and recall of every type on the project's labelled set ({@code labelled.txt}, made by
 * {@code make-labelled.py}: values marked {@code [[TYPE:value]]} among look-alikes that must not
 * match). A finding counts against its line: per line and type, as many findings as marks are
 * right, more are false positives, fewer are misses. The goal is 0.95 for both, on every type.
 */
class PiiPrecisionRecallTest {
  static final Pattern MARK = Pattern.compile("\\[\\[([A-Z_]+):(.*?)]]");

  record Score(int truePositives, int falsePositives, int falseNegatives) {
    double precision() {
      return truePositives + falsePositives == 0
          ? 1
          : (double) truePositives / (truePositives + falsePositives);
    }

    double recall() {
      return truePositives + falseNegatives == 0
          ? 1
          : (double) truePositives / (truePositives + falseNegatives);
    }
  }

  /** Scores by type on the labelled set; {@code mistakes} hears of each line that was wrong. */
  static Map<PiiScanner.Type, Score> score(String set, List<String> mistakes) throws IOException {
    PiiScanner scanner = new PiiScanner("US");
    Map<PiiScanner.Type, int[]> tally = new EnumMap<>(PiiScanner.Type.class);
    for (PiiScanner.Type t : PiiScanner.Type.values()) {
      tally.put(t, new int[3]);
    }
    List<String> lines =
        Files.readAllLines(Path.of("src/test/resources/pii/" + set), StandardCharsets.UTF_8);
    for (String marked : lines) {
      if (marked.startsWith("#")) {
        continue;
      }
      Map<PiiScanner.Type, Integer> expected = new EnumMap<>(PiiScanner.Type.class);
      Matcher m = MARK.matcher(marked);
      StringBuilder clean = new StringBuilder();
      while (m.find()) {
        expected.merge(PiiScanner.Type.valueOf(m.group(1)), 1, Integer::sum);
        m.appendReplacement(clean, Matcher.quoteReplacement(m.group(2)));
      }
      m.appendTail(clean);
      Map<PiiScanner.Type, Integer> found = PiiScanner.counts(scanner.scan(clean.toString(), 0));
      for (PiiScanner.Type t : PiiScanner.Type.values()) {
        int e = expected.getOrDefault(t, 0);
        int f = found.get(t);
        int[] s = tally.get(t);
        s[0] += Math.min(e, f);
        s[1] += Math.max(0, f - e);
        s[2] += Math.max(0, e - f);
        if (e != f) {
          mistakes.add(t + " expected " + e + " found " + f + ": " + clean);
        }
      }
    }
    Map<PiiScanner.Type, Score> scores = new EnumMap<>(PiiScanner.Type.class);
    tally.forEach((t, s) -> scores.put(t, new Score(s[0], s[1], s[2])));
    return scores;
  }

  /**
   * The hand-written held-out set (see its header): too small for a figure per type (one to nine
   * values each), so it is held to the goal over all types together. Its one known miss: a French
   * number written without +33 is not a number in the default region (US).
   */
  @Test
  void theHeldOutSetMeetsTheGoalOverAllTypes() throws IOException {
    List<String> mistakes = new ArrayList<>();
    Map<PiiScanner.Type, Score> scores = score("heldout.txt", mistakes);
    String table = table(scores);
    System.out.println("held-out set\n" + table + String.join("\n", mistakes));
    Score all =
        scores.values().stream()
            .reduce(
                new Score(0, 0, 0),
                (a, b) ->
                    new Score(
                        a.truePositives() + b.truePositives(),
                        a.falsePositives() + b.falsePositives(),
                        a.falseNegatives() + b.falseNegatives()));
    assertThat(all.precision())
        .as("precision\n" + table + String.join("\n", mistakes))
        .isGreaterThanOrEqualTo(0.95);
    assertThat(all.recall())
        .as("recall\n" + table + String.join("\n", mistakes))
        .isGreaterThanOrEqualTo(0.95);
  }

  static String table(Map<PiiScanner.Type, Score> scores) {
    StringBuilder table = new StringBuilder("type            TP  FP  FN  precision  recall\n");
    scores.forEach(
        (t, s) ->
            table.append(
                String.format(
                    "%-14s %4d %3d %3d  %9.3f  %6.3f%n",
                    t,
                    s.truePositives(),
                    s.falsePositives(),
                    s.falseNegatives(),
                    s.precision(),
                    s.recall())));
    return table.toString();
  }

  @Test
  void everyTypeIsFoundAndOnlyWhereItIs() throws IOException {
    List<String> mistakes = new ArrayList<>();
    Map<PiiScanner.Type, Score> scores = score("labelled.txt", mistakes);
    String table = table(scores);
    System.out.println(table);
    scores.forEach(
        (t, s) -> {
          assertThat(s.truePositives()).as(t + " has labelled examples").isPositive();
          assertThat(s.precision())
              .as(t + " precision\n" + table + String.join("\n", mistakes))
              .isGreaterThanOrEqualTo(0.95);
          assertThat(s.recall())
              .as(t + " recall\n" + table + String.join("\n", mistakes))
              .isGreaterThanOrEqualTo(0.95);
        });
  }
}
