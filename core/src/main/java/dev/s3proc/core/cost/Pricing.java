package dev.s3proc.core.cost;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Unit prices, each with its date and source, from a pricing file such as config/pricing.yaml. */
public record Pricing(String region, Map<String, Price> prices) {
  /** Every price the cost model needs; a pricing file must give them all. */
  public static final List<String> REQUIRED =
      List.of(
          "lambdaGbSecondX86",
          "lambdaGbSecondArm64",
          "lambdaRequests",
          "sqsRequests",
          "sqsFifoRequests",
          "dynamoWriteUnits",
          "dynamoReadUnits",
          "s3Put",
          "s3Get",
          "stepFunctionsTransitions",
          "fargateVcpuSecondX86",
          "fargateGbSecondX86",
          "fargateVcpuSecondArm64",
          "fargateGbSecondArm64",
          "snsRequests",
          "eventBridgeEvents");

  /** The price of {@code per} units, e.g. $0.20 per 1,000,000 requests. */
  public record Price(BigDecimal price, long per, String date, String source) {
    public BigDecimal unit() {
      return price.divide(BigDecimal.valueOf(per), MathContext.DECIMAL64);
    }
  }

  /** The price of {@code quantity} units, multiplied before it is divided (no rounding drift). */
  public BigDecimal of(String name, BigDecimal quantity) {
    Price p = prices.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no price for " + name);
    }
    return p.price().multiply(quantity).divide(BigDecimal.valueOf(p.per()), MathContext.DECIMAL64);
  }

  public BigDecimal unit(String name) {
    Price p = prices.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no price for " + name);
    }
    return p.unit();
  }

  /**
   * Reads a pricing file.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  @SuppressWarnings("unchecked")
  public static Pricing load(Path file) {
    Object root;
    try {
      String text = dev.s3proc.core.config.TextFiles.read(file, 256 << 10);
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (dev.s3proc.core.config.TextFiles.Refused e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage());
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": pricing file not found");
    } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
      var mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      throw new IllegalArgumentException(
          file
              + (mark == null ? "" : ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1))
              + ": not a readable pricing file: YAML syntax: "
              + oneLine(e.getProblem() != null ? e.getProblem() : e.getMessage()));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          file + ": not a readable pricing file: " + oneLine(String.valueOf(e.getMessage())));
    }
    if (!(root instanceof Map<?, ?> top) || !(top.get("prices") instanceof Map<?, ?> raw)) {
      throw new IllegalArgumentException(
          file + ": expected 'region' and a 'prices' mapping (see config/pricing.yaml)");
    }
    Map<String, Price> prices = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : raw.entrySet()) {
      String name = String.valueOf(e.getKey());
      if (!(e.getValue() instanceof Map<?, ?> m) || m.get("price") == null) {
        throw new IllegalArgumentException(
            file + ": price " + name + " needs at least 'price' (and 'per', 'date', 'source')");
      }
      Price price;
      try {
        price =
            new Price(
                new BigDecimal(String.valueOf(m.get("price"))),
                m.get("per") == null ? 1 : Long.parseLong(String.valueOf(m.get("per"))),
                String.valueOf(m.get("date")),
                String.valueOf(m.get("source")));
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException(
            file
                + ": price "
                + name
                + " is not a number: "
                + oneLine(String.valueOf(m.get("price"))));
      }
      if (price.price().signum() < 0) {
        throw new IllegalArgumentException(
            file
                + ": price "
                + name
                + " is negative ("
                + price.price()
                + "): prices are in US dollars, 0 or more");
      }
      if (price.per() <= 0) {
        throw new IllegalArgumentException(
            file
                + ": price "
                + name
                + " has per "
                + price.per()
                + ": it is a count of units, 1 or more");
      }
      prices.put(name, price);
    }
    List<String> missing = REQUIRED.stream().filter(n -> !prices.containsKey(n)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(file + ": missing prices " + String.join(", ", missing));
    }
    return new Pricing(
        String.valueOf(((Map<String, Object>) top).getOrDefault("region", "?")), prices);
  }

  private static String oneLine(String s) {
    String line = s.replaceAll("\\s+", " ").trim();
    return line.length() <= 200 ? line : line.substring(0, 200) + "…";
  }
}
