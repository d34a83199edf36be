package dev.s3proc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** A run builds only its command's branch: that branch must be the command the whole tree has. */
class CommandTreeTest {
  private static CliFactory.Io io() {
    PrintWriter w = new PrintWriter(new StringWriter());
    return new CliFactory.Io(w, w, null, Map.of(), false);
  }

  private static void leaves(CommandLine c, List<List<String>> paths, List<String> path) {
    if (c.getSubcommands().isEmpty()) {
      paths.add(path);
    }
    c.getSubcommands()
        .forEach(
            (name, sub) -> {
              List<String> next = new ArrayList<>(path);
              next.add(name);
              leaves(sub, paths, next);
            });
  }

  private static List<String> options(CommandLine c) {
    return c.getCommandSpec().options().stream().map(OptionSpec::longestName).sorted().toList();
  }

  @Test
  void everyCommandsBranchHoldsTheCommandTheWholeTreeHas() {
    CommandLine whole = CliFactory.create(io());
    List<List<String>> paths = new ArrayList<>();
    leaves(whole, paths, List.of());
    assertThat(paths)
        .hasSizeGreaterThan(20)
        .contains(List.of("dlq", "list"), List.of("local", "worker"));
    for (List<String> path : paths) {
      CommandLine branch = CliFactory.create(io(), path.toArray(String[]::new));
      CommandLine fromWhole = whole;
      CommandLine fromBranch = branch;
      for (String name : path) {
        fromWhole = fromWhole.getSubcommands().get(name);
        fromBranch = fromBranch.getSubcommands().get(name);
        assertThat(fromBranch).as("%s in the branch of %s", name, path).isNotNull();
      }
      // the global options (--region, --endpoint-url, -o ...) are inherited in a branch too
      assertThat(options(fromBranch)).as("options of %s", path).isEqualTo(options(fromWhole));
      assertThat(fromBranch.getCommandSpec().qualifiedName())
          .isEqualTo(fromWhole.getCommandSpec().qualifiedName());
    }
  }

  @Test
  void aBranchLeavesOutTheOtherCommandsButHelpAndTyposSeeThemAll() {
    CommandLine dlqList = CliFactory.create(io(), new String[] {"dlq", "list"});
    assertThat(dlqList.getSubcommands().keySet()).containsExactly("dlq");
    assertThat(dlqList.getSubcommands().get("dlq").getSubcommands().keySet())
        .containsExactly("list");
    CommandLine typo = CliFactory.create(io(), new String[] {"dlq", "lst"});
    assertThat(typo.getSubcommands().get("dlq").getSubcommands().keySet())
        .contains("list", "peek", "redrive", "export", "purge");
    CommandLine help = CliFactory.create(io(), new String[] {"help", "dlq"});
    assertThat(help.getSubcommands().keySet()).contains("rules", "dlq", "audit", "local", "help");
    CommandLine version = CliFactory.create(io(), new String[] {"--version"});
    assertThat(version.getSubcommands()).isEmpty();
  }
}
