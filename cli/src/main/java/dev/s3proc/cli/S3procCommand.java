package dev.s3proc.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;

@Command(
    name = "s3proc",
    mixinStandardHelpOptions = true,
    versionProvider = S3procCommand.Version.class,
    description =
        "Run an event-driven S3 file-processing pipeline: notification rules, dead-letter queues, audit trail, cost.",
    footer = {
      "",
      "Exit codes: 0 ok, 1 AWS/runtime error, 2 usage error, 3 invalid configuration,",
      "            4 plan --detailed-exitcode found changes, 5 cost over budget."
    })
public class S3procCommand {
  @Mixin final GlobalOptions options;

  public S3procCommand(Context context) {
    this.options = context.options();
  }

  /** The version from the jar manifest. */
  public static class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = S3procCommand.class.getPackage().getImplementationVersion();
      return new String[] {
        "s3proc "
            + (v == null ? "development build" : v)
            + " (Java "
            + Runtime.version()
            + ", "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.arch")
            + ")"
      };
    }
  }
}
