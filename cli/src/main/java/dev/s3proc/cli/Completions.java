package dev.s3proc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Generates the shell completion scripts from the picocli model. The build runs it with {@code
 * ./mvnw -q -pl cli -am -Pcompletions process-classes}; a test fails when the committed scripts
 * under {@code completions/} are stale.
 */
public final class Completions {
  private Completions() {}

  /** The bash script; zsh loads the same script through bashcompinit. */
  public static String bash() {
    StringWriter sink = new StringWriter();
    PrintWriter w = new PrintWriter(sink);
    CommandLine cmd = CliFactory.create(new CliFactory.Io(w, w, null, Map.of(), false));
    return AutoComplete.bash("s3proc", cmd);
  }

  public static String zsh() {
    return "#compdef s3proc\n"
        + "# zsh completion for s3proc: the generated bash completion, loaded through bashcompinit.\n"
        + "autoload -U +X compinit && compinit\n"
        + "autoload -U +X bashcompinit && bashcompinit\n"
        + "source \"${0:A:h}/s3proc.bash\"\n";
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "completions");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("s3proc.bash"), bash(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("_s3proc"), zsh(), StandardCharsets.UTF_8);
  }
}
