package dev.s3proc.cli;

import java.net.URI;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The options every command takes, as the AWS CLI spells them. */
public class GlobalOptions {
  public enum Format {
    table,
    json,
    yaml,
    csv
  }

  @Option(
      names = "--profile",
      scope = ScopeType.INHERIT,
      paramLabel = "NAME",
      description = "AWS profile from ~/.aws/config (default: AWS_PROFILE or the default chain).")
  String profile;

  @Option(
      names = "--region",
      scope = ScopeType.INHERIT,
      paramLabel = "REGION",
      description = "AWS region (default: the pipeline's region, AWS_REGION or the profile's).")
  String region;

  @Option(
      names = "--endpoint-url",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description =
          "Send every request to this endpoint (default: AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, else AWS).")
  URI endpointUrl;

  @Option(
      names = "--local",
      scope = ScopeType.INHERIT,
      description = "Use the running `s3proc local` stack.")
  boolean local;

  @Option(
      names = {"-o", "--output"},
      scope = ScopeType.INHERIT,
      paramLabel = "FORMAT",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: table).")
  Format output;

  @Option(
      names = "--no-color",
      scope = ScopeType.INHERIT,
      description = "No colors (also when NO_COLOR is set or output is not a terminal).")
  boolean noColor;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Request ids, timings and stack traces on errors.")
  boolean verbose;

  @Option(
      names = {"-q", "--quiet"},
      scope = ScopeType.INHERIT,
      description = "Only results and errors: no progress, hints or warnings.")
  boolean quiet;

  public String profile() {
    return profile;
  }

  public String region() {
    return region;
  }

  public URI endpointUrl() {
    return endpointUrl;
  }

  public boolean local() {
    return local;
  }

  public Format output() {
    return output == null ? Format.table : output;
  }

  public boolean outputGiven() {
    return output != null;
  }

  public boolean noColor() {
    return noColor;
  }

  public boolean verbose() {
    return verbose;
  }

  public boolean quiet() {
    return quiet;
  }
}
