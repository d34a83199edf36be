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
      String detail =
          r.errorType() != null
              ? r.errorType() + ": " + r.errorMessage()
              : r.outputs() == null || r.outputs().isEmpty() ? "" : String.join(" ", r.outputs());
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

  private static String s(Object o) {
    return o == null ? "-" : o.toString();
  }
}
