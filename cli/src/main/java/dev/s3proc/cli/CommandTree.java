package dev.s3proc.cli;

import dev.s3proc.cli.audit.AuditCommand;
import dev.s3proc.cli.audit.AuditListCommand;
import dev.s3proc.cli.audit.ReconcileCommand;
import dev.s3proc.cli.audit.ShowCommand;
import dev.s3proc.cli.audit.StatsCommand;
import dev.s3proc.cli.cost.CostCommand;
import dev.s3proc.cli.cost.ReportCommand;
import dev.s3proc.cli.demo.DemoCommand;
import dev.s3proc.cli.dlq.DlqCommand;
import dev.s3proc.cli.dlq.DlqExportCommand;
import dev.s3proc.cli.dlq.ListCommand;
import dev.s3proc.cli.dlq.PeekCommand;
import dev.s3proc.cli.dlq.PurgeCommand;
import dev.s3proc.cli.dlq.RedriveCommand;
import dev.s3proc.cli.local.DownCommand;
import dev.s3proc.cli.local.LocalCommand;
import dev.s3proc.cli.local.RunnerCommand;
import dev.s3proc.cli.local.UpCommand;
import dev.s3proc.cli.local.WorkerCommand;
import dev.s3proc.cli.rules.ApplyCommand;
import dev.s3proc.cli.rules.ExportCommand;
import dev.s3proc.cli.rules.GraphCommand;
import dev.s3proc.cli.rules.PlanCommand;
import dev.s3proc.cli.rules.RulesCommand;
import dev.s3proc.cli.rules.TestCommand;
import dev.s3proc.cli.rules.ValidateCommand;
import dev.s3proc.cli.status.StatusCommand;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;

/**
 * Every command, in one place, in the order help lists them. picocli reads a command's annotations,
 * fields and types when it builds the command, ~10 ms each on a cold JVM, so a run builds only the
 * branch its arguments name: {@code s3proc dlq list} builds three commands, not thirty. Help,
 * completions, man pages and anything the branch does not name get the whole tree.
 */
final class CommandTree {
  private record Node(Class<?> type, List<Node> children) {
    String name() {
      return type.getAnnotation(Command.class).name();
    }
  }

  private static Node node(Class<?> type, Node... children) {
    return new Node(type, List.of(children));
  }

  private static final Node ROOT =
      node(
          S3procCommand.class,
          node(
              RulesCommand.class,
              node(ValidateCommand.class),
              node(PlanCommand.class),
              node(ApplyCommand.class),
              node(ExportCommand.class),
              node(TestCommand.class),
              node(GraphCommand.class)),
          node(
              DlqCommand.class,
              node(ListCommand.class),
              node(PeekCommand.class),
              node(RedriveCommand.class),
              node(DlqExportCommand.class),
              node(PurgeCommand.class)),
          node(
              AuditCommand.class,
              node(ShowCommand.class),
              node(AuditListCommand.class),
              node(StatsCommand.class),
              node(ReconcileCommand.class)),
          node(CostCommand.class, node(ReportCommand.class)),
          node(StatusCommand.class),
          node(
              LocalCommand.class,
              node(UpCommand.class),
              node(DownCommand.class),
              node(dev.s3proc.cli.local.StatusCommand.class),
              node(RunnerCommand.class),
              node(WorkerCommand.class)),
          node(DemoCommand.class),
          node(HelpCommand.class));

  private CommandTree() {}

  /** The whole tree. */
  static CommandLine build(IFactory factory) {
    return build(ROOT, factory, List.of(), false);
  }

  /**
   * The commands {@code args} can reach: at each level, the one subcommand the next argument names,
   * or all of them when it names none (an option, a typo, nothing), so that usage help and "did you
   * mean" see every sibling. {@code help} gets the whole tree, {@code --version} none of it.
   */
  static CommandLine branch(IFactory factory, String... args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return new CommandLine(ROOT.type(), factory);
    }
    return build(ROOT, factory, List.of(args), true);
  }

  private static CommandLine build(Node node, IFactory factory, List<String> args, boolean prune) {
    CommandLine line = new CommandLine(node.type(), factory);
    Node chosen = null;
    if (prune && !args.isEmpty()) {
      for (Node child : node.children()) {
        if (child.name().equals(args.get(0))) {
          chosen = child;
        }
      }
    }
    boolean narrow = chosen != null && chosen.type() != HelpCommand.class;
    for (Node child : node.children()) {
      if (!narrow || child == chosen) {
        List<String> rest = child == chosen ? args.subList(1, args.size()) : List.of();
        line.addSubcommand(build(child, factory, rest, narrow));
      }
    }
    return line;
  }
}
