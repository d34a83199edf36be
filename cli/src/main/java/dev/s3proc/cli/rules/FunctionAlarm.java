package dev.s3proc.cli.rules;

import java.util.List;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;

/**
 * The alarms on a processor's function the seed names, the same ones {@code config/template.yaml}
 * declares: failed invocations, throttles, duration near the timeout, the error rate against the
 * 99.5 % target, and the file failure rate the handlers report (a failed file is a batch item, not
 * a Lambda error). Each over five minutes, missing data not breaching.
 */
enum FunctionAlarm {
  ERRORS("errors", "AWS/Lambda", "FunctionName", "Errors", null),
  THROTTLES("throttles", "AWS/Lambda", "FunctionName", "Throttles", null),
  DURATION_P99("duration-p99", "AWS/Lambda", "FunctionName", "Duration", null),
  ERROR_RATE("error-rate", "AWS/Lambda", "FunctionName", "Errors", "Invocations"),
  FILE_FAILURE_RATE("file-failure-rate", "s3proc", "Processor", "Failures", "Files"),
  /** A workflow's state machine: an execution failed (a step failed for good). */
  EXECUTIONS_FAILED("executions-failed", "AWS/States", "StateMachineArn", "ExecutionsFailed", null);

  static final int PERIOD_SECONDS = 300;

  /** Over 0.5 % failed: the 99.5 % success target. */
  static final double RATE_THRESHOLD_PERCENT = 0.5;

  /** p99 duration over this share of the function's timeout. */
  static final double NEAR_TIMEOUT = 0.8;

  final String suffix;
  final String namespace;
  final String dimension;
  final String metric;
  final String denominator;
  final String expression;

  FunctionAlarm(
      String suffix, String namespace, String dimension, String metric, String denominator) {
    this.suffix = suffix;
    this.namespace = namespace;
    this.dimension = dimension;
    this.metric = metric;
    this.denominator = denominator;
    // the same ids and expression as the template's, so that either may update the other's alarm
    this.expression =
        denominator == null ? null : "100 * " + id(metric) + " / MAX([" + id(denominator) + ", 1])";
  }

  private static String id(String metricName) {
    return metricName.toLowerCase(java.util.Locale.ROOT);
  }

  boolean isRate() {
    return expression != null;
  }

  /** The threshold for a function whose timeout is {@code timeoutSeconds}. */
  double threshold(int timeoutSeconds) {
    return switch (this) {
      case ERRORS, THROTTLES, EXECUTIONS_FAILED -> 0;
      case DURATION_P99 -> Math.round(timeoutSeconds * 1000 * NEAR_TIMEOUT);
      case ERROR_RATE, FILE_FAILURE_RATE -> RATE_THRESHOLD_PERCENT;
    };
  }

  /** The request that creates or replaces the alarm on {@code subject} (function or processor). */
  PutMetricAlarmRequest request(String name, String description, String subject, double threshold) {
    PutMetricAlarmRequest.Builder r =
        PutMetricAlarmRequest.builder()
            .alarmName(name)
            .alarmDescription(description)
            .evaluationPeriods(1)
            .threshold(threshold)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
            .treatMissingData("notBreaching");
    if (isRate()) {
      return r.metrics(
              MetricDataQuery.builder()
                  .id("rate")
                  .label(this == ERROR_RATE ? "error rate (%)" : "file failure rate (%)")
                  .expression(expression)
                  .returnData(true)
                  .build(),
              sum(metric, subject),
              sum(denominator, subject))
          .build();
    }
    r.namespace(namespace)
        .metricName(metric)
        .dimensions(Dimension.builder().name(dimension).value(subject).build())
        .period(PERIOD_SECONDS);
    return (this == DURATION_P99 ? r.extendedStatistic("p99") : r.statistic("Sum")).build();
  }

  private MetricDataQuery sum(String metricName, String subject) {
    return MetricDataQuery.builder()
        .id(id(metricName))
        .returnData(false)
        .metricStat(
            MetricStat.builder()
                .metric(
                    Metric.builder()
                        .namespace(namespace)
                        .metricName(metricName)
                        .dimensions(
                            List.of(Dimension.builder().name(dimension).value(subject).build()))
                        .build())
                .period(PERIOD_SECONDS)
                .stat("Sum")
                .build())
        .build();
  }

  /**
   * Whether an alarm read back from CloudWatch is this one, on {@code subject}, at {@code
   * threshold}.
   */
  boolean matches(LiveState.Alarm live, String subject, double threshold) {
    boolean shape =
        isRate()
            ? expression.equals(live.expression())
            : live.period() == PERIOD_SECONDS
                && (this == DURATION_P99
                    ? "p99".equals(live.extendedStatistic())
                    : "Sum".equals(live.statistic()));
    return shape
        && namespace.equals(live.namespace())
        && metric.equals(live.metric())
        && subject.equals(live.dimensions().get(dimension))
        && live.threshold() == threshold
        && "GreaterThanThreshold".equals(live.comparison())
        && live.evaluationPeriods() == 1;
  }
}
