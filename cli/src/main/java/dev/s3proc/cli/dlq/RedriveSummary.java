package dev.s3proc.cli.dlq;

import dev.s3proc.cli.render.Tabular;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a redrive did.
 *
 * @param skipped distinct messages left in the DLQ because the filter did not match them
 * @param arrivedDuringRun messages that reached the DLQ after the run began (a consumer failing
 *     them again at once): left for the next run, so that a redrive always ends
 * @param failures reason to count, for messages that could not be sent (they stay in the DLQ)
 * @param duplicatesAtMost how many messages could have been sent twice had the run been killed: the
 *     batches in flight at once
 * @param wouldMove for --dry-run, the ids of the messages that would move
 */
public record RedriveSummary(
    String mode,
    String source,
    String target,
    String filter,
    long moved,
    long skipped,
    long arrivedDuringRun,
    long failed,
    Map<String, Long> failures,
    double seconds,
    double messagesPerSecond,
    long duplicatesAtMost,
    boolean dryRun,
    boolean interrupted,
    List<String> wouldMove,
    String duplicatesNote)
    implements Tabular {

  @Override
  public List<String> columns() {
    return List.of("MODE", "FROM", "TO", "MOVED", "SKIPPED", "FAILED", "SECONDS", "MSG/S");
  }

  @Override
  public List<List<String>> rows() {
    List<List<String>> rows = new ArrayList<>();
    rows.add(
        List.of(
            mode + (dryRun ? " (dry run)" : ""),
            source,
            target,
            Long.toString(moved),
            Long.toString(skipped),
            Long.toString(failed),
            String.format("%.1f", seconds),
            String.format("%.0f", messagesPerSecond)));
    return rows;
  }
}
