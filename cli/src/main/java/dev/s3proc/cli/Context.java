package dev.s3proc.cli;

import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.local.LocalState;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every command is given through its constructor: the global options, the output, the one
 * client factory, and where the local stack's state lives.
 */
public final class Context {
  private final GlobalOptions options;
  private final Output output;
  private final ClientFactory clients;
  private final LocalState localState;
  private final Map<String, String> env;

  public Context(
      GlobalOptions options,
      Output output,
      ClientFactory clients,
      LocalState localState,
      Map<String, String> env) {
    this.options = options;
    this.output = output;
    this.clients = clients;
    this.localState = localState;
    this.env = env;
  }

  public GlobalOptions options() {
    return options;
  }

  public Output out() {
    return output;
  }

  public ClientFactory clients() {
    return clients;
  }

  public LocalState localState() {
    return localState;
  }

  public Map<String, String> env() {
    return env;
  }

  /** The working directory relative paths are resolved against. */
  public Path workingDirectory() {
    return Path.of("").toAbsolutePath();
  }
}
