package dev.s3proc.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3proc.core.audit.AuditRecord;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cost arithmetic against cases computed by hand from config/pricing.yaml. */
class CostModelTest {
  static final Pricing PRICES = Pricing.load(Path.of("../config/pricing.yaml"));
  final CostModel model = new CostModel(PRICES);

  static AuditRecord attempt(long billedMs, int memoryMb, String arch, Map<String, Long> requests) {
    return attempt(billedMs, memoryMb, arch, requests, null);
  }

  static AuditRecord attempt(
      long billedMs, int memoryMb, String arch, Map<String, Long> requests, Double vcpu) {
    return new AuditRecord(
        "b",
        "k",
        null,
        1L,
        "e",
        "s3:ObjectCreated:Put",
        Instant.EPOCH,
        null,
        "w",
        "image",
        AuditRecord.Status.SUCCEEDED,
        1,
        "a",
        Instant.EPOCH,
        Instant.EPOCH,
        billedMs,
        billedMs,
        memoryMb,
        arch,
        "r",
        List.of(),
        null,
        null,
        0L,
        0L,
        requests,
        Map.of(),
        null,
        null,
        vcpu);
  }

  @Test
  void anImageThroughSqsCostsWhatTheHandComputationSays() {
    // 800 ms at 1024 MB = 0.8 GB-s x $0.0000166667 = $0.00001333336
    // 1 Lambda request = $0.0000002; 3 SQS = $0.0000012; 4 WRU = $0.0000025
    // 1 GET = $0.0000004; 2 PUT = $0.00001
    // total = 0.00001333336 + 0.0000002 + 0.0000012 + 0.0000025 + 0.0000004 + 0.00001 =
    // 0.00002763336
    Map<String, BigDecimal> cost =
        model.attempt(
            attempt(
                800,
                1024,
                "x86_64",
                Map.of("lambda", 1L, "sqs", 3L, "dynamoWrite", 4L, "s3Get", 1L, "s3Put", 2L)));
    assertThat(cost.get("lambda")).isEqualByComparingTo("0.00001353336");
    assertThat(cost.get("sqs")).isEqualByComparingTo("0.0000012");
    assertThat(cost.get("dynamodb")).isEqualByComparingTo("0.0000025");
    assertThat(cost.get("s3")).isEqualByComparingTo("0.0000104");
    assertThat(CostModel.total(cost)).isEqualByComparingTo("0.00002763336");
  }

  @Test
  void arm64IsPricedAsArm64AndMissingCountersCostNothing() {
    // 2000 ms at 512 MB = 1 GB-s x $0.0000133334
    Map<String, BigDecimal> cost = model.attempt(attempt(2000, 512, "arm64", Map.of()));
    assertThat(cost.get("lambda")).isEqualByComparingTo("0.0000133334");
    assertThat(CostModel.total(cost)).isEqualByComparingTo("0.0000133334");
  }

  @Test
  void snsEventBridgeAndStepFunctions() {
    // 1 SNS = $0.0000005, 1 EventBridge = $0.000001, 5 transitions = $0.000125
    Map<String, BigDecimal> cost =
        model.attempt(
            attempt(0, 128, "x86_64", Map.of("sns", 1L, "eventBridge", 1L, "stepTransitions", 5L)));
    assertThat(CostModel.total(cost)).isEqualByComparingTo("0.0001265");
  }

  @Test
  void theHeavyWorkersAttemptIsPricedAsItsFargateTaskNotAsLambda() {
    // 90 s on a 4 vCPU / 16 GB task: 360 vCPU-s x $0.04048/3600 = $0.004048,
    // 1440 GB-s x $0.004445/3600 = $0.001778; total $0.005826
    Map<String, BigDecimal> cost =
        model.attempt(attempt(90_000, 16_384, "x86_64", Map.of("lambda", 0L), 4.0));
    assertThat(cost.get("fargate")).isEqualByComparingTo("0.005826");
    assertThat(cost.get("lambda")).isEqualByComparingTo("0");
    assertThat(CostModel.gbSeconds(attempt(90_000, 16_384, "x86_64", Map.of(), 4.0))).isZero();
    // the same on Graviton: 360 x 0.03238/3600 + 1440 x 0.00356/3600 = 0.003238 + 0.001424
    assertThat(model.attempt(attempt(90_000, 16_384, "arm64", Map.of(), 4.0)).get("fargate"))
        .isEqualByComparingTo("0.004662");
  }

  @Test
  void percentilesAreNearestRank() {
    List<Integer> values = java.util.stream.IntStream.rangeClosed(1, 100).boxed().toList();
    assertThat(Percentiles.of(values, 50)).isEqualTo(50);
    assertThat(Percentiles.of(values, 95)).isEqualTo(95);
    assertThat(Percentiles.of(values, 99)).isEqualTo(99);
    assertThat(Percentiles.of(values, 100)).isEqualTo(100);
    assertThat(Percentiles.of(List.of(7), 99)).isEqualTo(7);
  }

  @Test
  void aPricingFileMissingAPriceIsRejectedByName(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("p.yaml");
    Files.writeString(f, "region: eu-west-1\nprices:\n  s3Get: { price: 0.00042, per: 1000 }\n");
    assertThatThrownBy(() -> Pricing.load(f))
        .hasMessageContaining("missing prices lambdaGbSecondX86");
  }

  @Test
  void aNegativePriceOrABrokenFileIsRejectedInOneLine(@TempDir Path tmp) throws Exception {
    Path negative = tmp.resolve("negative.yaml");
    Files.writeString(
        negative,
        Files.readString(Path.of("../config/pricing.yaml"))
            .replaceFirst("price: [0-9.]+", "price: -5.0"));
    assertThatThrownBy(() -> Pricing.load(negative))
        .hasMessageContaining("is negative (-5.0)")
        .hasMessageNotContaining("\n");
    Path broken = tmp.resolve("broken.yaml");
    Files.writeString(broken, "region: us-east-1\nprices:\n  s3Get: { price: [0.1\n");
    assertThatThrownBy(() -> Pricing.load(broken))
        .hasMessageStartingWith(broken + ":4:1: not a readable pricing file: YAML syntax:")
        .hasMessageNotContaining("\n");
  }
}
