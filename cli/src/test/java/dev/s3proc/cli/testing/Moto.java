package dev.s3proc.cli.testing;

import dev.s3proc.cli.GlobalOptions;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.local.LocalState;
import dev.s3proc.core.testing.MotoProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import picocli.CommandLine;

/**
 * A real moto_server on a free 127.0.0.1 port (core's {@link MotoProcess}), started once per test
 * JVM and reset before each test. Credentials and region come to the CLI the way a user's would:
 * the SDK's system properties.
 */
public final class Moto implements BeforeEachCallback {
  public static String endpoint() {
    return MotoProcess.endpoint();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    MotoProcess.reset();
  }

  /** Runs the CLI against this moto, as a user would with {@code --endpoint-url}. */
  public static Cli.Result run(Cli cli, String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--endpoint-url";
    all[args.length + 1] = endpoint();
    return cli.run(all);
  }

  /** Clients for the test's own setup and checks, from the production factory. */
  public static ClientFactory clients() {
    GlobalOptions options = new GlobalOptions();
    new CommandLine(options).parseArgs("--endpoint-url", endpoint(), "--region", "us-east-1");
    return new ClientFactory(options, new LocalState(Path.of("target", "no-local-state")));
  }
}
