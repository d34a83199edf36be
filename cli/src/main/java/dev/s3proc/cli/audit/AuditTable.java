package dev.s3proc.cli.audit;

import dev.s3proc.cli.render.Tabular;
import dev.s3proc.core.audit.AuditRecord;
import java.util.ArrayList;
import java.util.List;

/** Attempts as a table; as JSON, the records themselves (the documented contract). */
public record AuditTable(List<AuditRecord> attempts, boolean withObject) implements Tabular {
  @Override
  public List<String> columns() {
    List<String> c = new ArrayList<>();
    if (withObject) {
      c.add("OBJECT");
    }
    c.addAll(
        List.of(
            "STATUS",
            "ATTEMPT",
            "WORKFLOW",
            "PROCESSOR",
            "STARTED",
            "DURATION",
            "BILLED",
            "MEMORY",
            "REQUEST ID",
            "OUTPUTS / ERROR"));
    return c;
  }

  @Override
  public List<List<String>> rows() {
    List<List<String>> rows = new ArrayList<>();
    for (AuditRecord r : attempts) {
      List<String> row = new ArrayList<>();
      if (withObject) {
        row.add("s3://" + r.bucket() + "/" + r.key());
      }
      String detail = detail(r);
      row.addAll(
          List.of(
              r.status().name(),
              Integer.toString(r.attempt()),
              s(r.workflow()),
              s(r.processor()),
              s(r.startedAt()),
              r.durationMs() == null ? "-" : r.durationMs() + "ms",
              r.billedMs() == null ? "-" : r.billedMs() + "ms",
              r.memoryMb() == null ? "-" : r.memoryMb() + "MB",
              s(r.requestId()),
              detail));
      rows.add(row);
    }
    return rows;
  }

  /**
   * What a user reads first: the error; else a processor's verdict (INFECTED with its signature,
   * FOUND), or a compliance report's verdicts per subscriber and why; then the outputs.
   */
  static String detail(AuditRecord r) {
    String outputs =
        r.outputs() == null || r.outputs().isEmpty() ? "" : String.join(" ", r.outputs());
    if (r.status().report()) {
      List<String> verdicts = new ArrayList<>();
      r.metadata().forEach((processor, verdict) -> verdicts.add(processor + " " + verdict));
      return String.join(", ", verdicts)
          + (r.errorMessage() == null ? "" : " (" + r.errorMessage() + ")")
          + (outputs.isEmpty() ? "" : ": " + outputs);
    }
    if (r.errorType() != null) {
      return r.errorType() + ": " + r.errorMessage();
    }
    String verdict =
        r.metadata() == null
            ? null
            : r.metadata().entrySet().stream()
                .filter(e -> e.getKey().endsWith("Verdict"))
                .map(e -> e.getValue())
                .findFirst()
                .orElse(null);
    if (verdict == null) {
      return outputs;
    }
    String signature = r.metadata().get("signature");
    return verdict
        + (signature == null ? "" : " " + signature)
        + (outputs.isEmpty() ? "" : ": " + outputs);
  }

  private static String s(Object o) {
    return o == null ? "-" : o.toString();
  }
}
