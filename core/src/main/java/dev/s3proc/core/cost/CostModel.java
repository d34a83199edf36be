package dev.s3proc.core.cost;

import dev.s3proc.core.audit.AuditRecord;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cost of one processing attempt, by service, from what the trail recorded and a price list.
 * Lambda compute is billed milliseconds times configured memory (GB-seconds); the heavy worker's
 * Fargate task (an attempt with {@code vcpu}) is billed its vCPU-seconds and GB-seconds over the
 * attempt; every other service is priced per request as counted by the handler.
 */
public final class CostModel {
  private static final BigDecimal MS_PER_S = BigDecimal.valueOf(1000);
  private static final BigDecimal MB_PER_GB = BigDecimal.valueOf(1024);
  private final Pricing pricing;

  public CostModel(Pricing pricing) {
    this.pricing = pricing;
  }

  /**
   * Dollars by service for one attempt: lambda, fargate, sqs, dynamodb, s3, sns, eventbridge,
   * stepfunctions.
   */
  public Map<String, BigDecimal> attempt(AuditRecord r) {
    Map<String, Long> q = r.requests() == null ? Map.of() : r.requests();
    Map<String, BigDecimal> cost = new LinkedHashMap<>();
    BigDecimal seconds =
        r.billedMs() == null
            ? BigDecimal.ZERO
            : BigDecimal.valueOf(r.billedMs()).divide(MS_PER_S, MathContext.DECIMAL64);
    BigDecimal gbSeconds =
        r.memoryMb() == null
            ? BigDecimal.ZERO
            : seconds.multiply(
                BigDecimal.valueOf(r.memoryMb()).divide(MB_PER_GB, MathContext.DECIMAL64));
    String arch = "arm64".equals(r.architecture()) ? "Arm64" : "X86";
    BigDecimal lambda = times(q, "lambda", "lambdaRequests");
    BigDecimal fargate = BigDecimal.ZERO;
    if (r.vcpu() == null) {
      lambda = lambda.add(pricing.of("lambdaGbSecond" + arch, gbSeconds));
    } else {
      fargate =
          pricing
              .of("fargateVcpuSecond" + arch, seconds.multiply(BigDecimal.valueOf(r.vcpu())))
              .add(pricing.of("fargateGbSecond" + arch, gbSeconds));
    }
    cost.put("lambda", lambda);
    cost.put("fargate", fargate);
    cost.put("sqs", times(q, "sqs", "sqsRequests").add(times(q, "sqsFifo", "sqsFifoRequests")));
    cost.put(
        "dynamodb",
        times(q, "dynamoWrite", "dynamoWriteUnits").add(times(q, "dynamoRead", "dynamoReadUnits")));
    cost.put("s3", times(q, "s3Put", "s3Put").add(times(q, "s3Get", "s3Get")));
    cost.put("sns", times(q, "sns", "snsRequests"));
    cost.put("eventbridge", times(q, "eventBridge", "eventBridgeEvents"));
    cost.put("stepfunctions", times(q, "stepTransitions", "stepFunctionsTransitions"));
    return cost;
  }

  /** Lambda GB-seconds of an attempt, for the CloudWatch cross-check. */
  public static double gbSeconds(AuditRecord r) {
    return r.billedMs() == null || r.memoryMb() == null || r.vcpu() != null
        ? 0
        : r.billedMs() / 1000.0 * r.memoryMb() / 1024.0;
  }

  private BigDecimal times(Map<String, Long> q, String counter, String price) {
    Long n = q.get(counter);
    return n == null || n == 0 ? BigDecimal.ZERO : pricing.of(price, BigDecimal.valueOf(n));
  }

  public static BigDecimal total(Map<String, BigDecimal> byService) {
    return byService.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
  }
}
