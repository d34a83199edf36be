package dev.s3proc.core.cost;

import dev.s3proc.core.audit.AuditRecord;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cost per file over a window: every attempt on a file (failed ones and skipped duplicates too)
 * adds to that file's cost. Free tiers are not applied.
 */
public record CostReport(
    Instant since,
    Instant until,
    long files,
    long attempts,
    BigDecimal totalCost,
    BigDecimal meanCostPerFile,
    BigDecimal p50CostPerFile,
    BigDecimal p95CostPerFile,
    BigDecimal maxCostPerFile,
    BigDecimal monthlyProjection,
    Map<String, BigDecimal> byService,
    String groupedBy,
    List<Group> groups,
    List<FileCost> mostExpensive,
    String pricingRegion) {

  public record FileCost(
      String bucket,
      String key,
      String workflow,
      String processor,
      int attempts,
      BigDecimal cost) {}

  public record Group(String name, long files, BigDecimal totalCost, BigDecimal meanCostPerFile) {}

  public enum By {
    workflow,
    day,
    prefix,
    processor
  }

  public static CostReport build(
      List<AuditRecord> attempts,
      CostModel model,
      Instant since,
      Instant until,
      By by,
      String pricingRegion) {
    Map<String, FileAcc> files = new LinkedHashMap<>();
    Map<String, BigDecimal> byService = new TreeMap<>();
    for (AuditRecord r : attempts) {
      Map<String, BigDecimal> cost = model.attempt(r);
      cost.forEach((s, v) -> byService.merge(s, v, BigDecimal::add));
      String id = r.bucket() + "/" + r.key() + "#" + r.versionId();
      FileAcc acc = files.computeIfAbsent(id, k -> new FileAcc(r));
      acc.cost = acc.cost.add(CostModel.total(cost));
      acc.attempts++;
      if (r.workflow() != null) {
        acc.workflow = r.workflow();
      }
      if (acc.firstStart == null || r.startedAt().isBefore(acc.firstStart)) {
        acc.firstStart = r.startedAt();
      }
    }
    List<FileAcc> all = new ArrayList<>(files.values());
    List<BigDecimal> sorted = all.stream().map(f -> f.cost).sorted().toList();
    BigDecimal total = sorted.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal mean =
        all.isEmpty()
            ? BigDecimal.ZERO
            : total.divide(BigDecimal.valueOf(all.size()), MathContext.DECIMAL64);
    double days = Math.max(Duration.between(since, until).toMillis() / 86_400_000.0, 1.0 / 24);
    BigDecimal monthly =
        total
            .divide(BigDecimal.valueOf(days), MathContext.DECIMAL64)
            .multiply(BigDecimal.valueOf(30));

    Map<String, List<FileAcc>> grouped = new TreeMap<>();
    for (FileAcc f : all) {
      grouped.computeIfAbsent(groupOf(f, by), k -> new ArrayList<>()).add(f);
    }
    List<Group> groups = new ArrayList<>();
    grouped.forEach(
        (name, list) -> {
          BigDecimal t = list.stream().map(f -> f.cost).reduce(BigDecimal.ZERO, BigDecimal::add);
          groups.add(
              new Group(
                  name,
                  list.size(),
                  round(t),
                  round(t.divide(BigDecimal.valueOf(list.size()), MathContext.DECIMAL64))));
        });
    List<FileCost> top =
        all.stream()
            .sorted(Comparator.comparing((FileAcc f) -> f.cost).reversed())
            .limit(5)
            .map(
                f ->
                    new FileCost(
                        f.bucket, f.key, f.workflow, f.processor, f.attempts, round(f.cost)))
            .toList();
    Map<String, BigDecimal> services = new LinkedHashMap<>();
    byService.forEach((k, v) -> services.put(k, round(v)));
    return new CostReport(
        since,
        until,
        all.size(),
        attempts.size(),
        round(total),
        round(mean),
        round(orZero(Percentiles.of(sorted, 50))),
        round(orZero(Percentiles.of(sorted, 95))),
        round(orZero(sorted.isEmpty() ? null : sorted.get(sorted.size() - 1))),
        round(monthly),
        services,
        by.name(),
        groups,
        top,
        pricingRegion);
  }

  private static String groupOf(FileAcc f, By by) {
    return switch (by) {
      case workflow -> f.workflow == null ? "(none)" : f.workflow;
      case processor -> f.processor == null ? "(none)" : f.processor;
      case day -> f.firstStart.atZone(ZoneOffset.UTC).toLocalDate().toString();
      case prefix -> {
        int slash = f.key.lastIndexOf('/');
        yield f.bucket + "/" + (slash < 0 ? "" : f.key.substring(0, slash + 1));
      }
    };
  }

  private static BigDecimal orZero(BigDecimal v) {
    return v == null ? BigDecimal.ZERO : v;
  }

  /**
   * Dollars to ten places: a file costs hundred-thousandths of a cent, and the figures must add up.
   */
  static BigDecimal round(BigDecimal v) {
    return v.setScale(10, RoundingMode.HALF_UP).stripTrailingZeros();
  }

  private static final class FileAcc {
    final String bucket;
    final String key;
    final String processor;
    String workflow;
    Instant firstStart;
    BigDecimal cost = BigDecimal.ZERO;
    int attempts;

    FileAcc(AuditRecord r) {
      bucket = r.bucket();
      key = r.key();
      processor = r.processor();
      workflow = r.workflow();
    }
  }
}
