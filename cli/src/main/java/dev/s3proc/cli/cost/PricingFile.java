package dev.s3proc.cli.cost;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.ExitCode;
import dev.s3proc.cli.S3procException;
import dev.s3proc.core.cost.Pricing;
import java.nio.file.Files;
import java.nio.file.Path;

/** The price list: --pricing FILE, else config/pricing.yaml here or in the s3proc checkout. */
public final class PricingFile {
  private PricingFile() {}

  public static Pricing load(Context ctx, Path override) {
    Path p = override;
    if (p == null) {
      p = Path.of("config", "pricing.yaml");
      String home = ctx.env().get("S3PROC_HOME");
      if (!Files.exists(p) && home != null) {
        p = Path.of(home, "config", "pricing.yaml");
      }
    }
    try {
      return Pricing.load(p);
    } catch (IllegalArgumentException e) {
      throw new S3procException(ExitCode.INVALID_CONFIG, e.getMessage());
    }
  }
}
