package dev.s3proc.cli.cost;

import dev.s3proc.cli.aws.ClientFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * CloudWatch's AWS/Lambda Invocations and Duration for the window, against what the trail recorded:
 * invocations and seconds the trail does not explain (a handler that crashed before writing, a
 * function outside the pipeline).
 */
public final class LambdaCrossCheck {
  private final ClientFactory clients;

  public LambdaCrossCheck(ClientFactory clients) {
    this.clients = clients;
  }

  public record Result(
      boolean available,
      String note,
      long cloudWatchInvocations,
      double cloudWatchSeconds,
      long trailInvocations,
      double trailSeconds,
      long unexplainedInvocations,
      double unexplainedSeconds) {}

  public Result check(
      Instant since,
      Instant until,
      List<String> functions,
      long trailInvocations,
      double trailSeconds) {
    try {
      List<String> names = new ArrayList<>(functions);
      if (names.isEmpty()) {
        for (Metric m :
            clients
                .cloudWatch()
                .listMetricsPaginator(r -> r.namespace("AWS/Lambda").metricName("Invocations"))
                .metrics()) {
          m.dimensions().stream()
              .filter(d -> d.name().equals("FunctionName"))
              .map(Dimension::value)
              .forEach(names::add);
        }
      }
      if (names.isEmpty()) {
        return new Result(
            false,
            "CloudWatch has no AWS/Lambda metrics for this account and window (an emulator has none): cross-check skipped",
            0,
            0,
            trailInvocations,
            trailSeconds,
            0,
            0);
      }
      long invocations = 0;
      double seconds = 0;
      long period =
          Math.max(60, ((until.getEpochSecond() - since.getEpochSecond()) / 1440 + 59) / 60 * 60);
      for (String fn : names.stream().distinct().toList()) {
        invocations += (long) sum(fn, "Invocations", since, until, (int) period);
        seconds += sum(fn, "Duration", since, until, (int) period) / 1000.0;
      }
      return new Result(
          true,
          null,
          invocations,
          seconds,
          trailInvocations,
          trailSeconds,
          Math.max(0, invocations - trailInvocations),
          Math.max(0, seconds - trailSeconds));
    } catch (SdkException e) {
      return new Result(
          false,
          "CloudWatch is not reachable ("
              + e.getMessage().lines().findFirst().orElse("")
              + "): cross-check skipped",
          0,
          0,
          trailInvocations,
          trailSeconds,
          0,
          0);
    }
  }

  private double sum(String function, String metric, Instant since, Instant until, int period) {
    return clients
        .cloudWatch()
        .getMetricStatistics(
            r ->
                r.namespace("AWS/Lambda")
                    .metricName(metric)
                    .dimensions(d -> d.name("FunctionName").value(function))
                    .startTime(since)
                    .endTime(until)
                    .period(period)
                    .statistics(Statistic.SUM))
        .datapoints()
        .stream()
        .mapToDouble(Datapoint::sum)
        .sum();
  }
}
