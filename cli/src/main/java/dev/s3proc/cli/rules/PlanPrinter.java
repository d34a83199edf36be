package dev.s3proc.cli.rules;

import dev.s3proc.cli.Output;
import dev.s3proc.cli.rules.Plan.Action;
import dev.s3proc.cli.rules.Plan.Change;

/** Prints a plan the way an operator reads it: one line per change, its details indented. */
final class PlanPrinter {
  private PlanPrinter() {}

  static void print(Plan plan, Output out) {
    if (out.format() != dev.s3proc.cli.GlobalOptions.Format.table) {
      out.result(plan);
      return;
    }
    for (Change c : plan.changes()) {
      line(out, c);
    }
    for (Change c : plan.kept()) {
      line(out, c);
    }
    for (String note : plan.notes()) {
      out.line("@|faint note: " + Output.escape(note) + "|@");
    }
    for (String problem : plan.problems()) {
      out.line("@|red,bold cannot apply:|@ " + Output.escape(problem));
    }
    if (plan.changes().isEmpty()) {
      out.line("@|green No changes.|@ The account matches pipeline " + plan.pipeline() + ".");
    } else {
      out.line("@|bold Plan:|@ " + plan.summary() + ".");
    }
  }

  private static void line(Output out, Change c) {
    String color =
        switch (c.action()) {
          case CREATE -> "green";
          case UPDATE -> "yellow";
          case DELETE -> "red";
          case KEEP -> "faint";
        };
    out.line(
        "@|"
            + color
            + " "
            + c.action().symbol
            + " "
            + c.action().verb
            + "|@ "
            + c.resource()
            + " @|bold "
            + Output.escape(c.name())
            + "|@");
    for (String d : c.details()) {
      out.line(
          "      "
              + (c.action() == Action.KEEP
                  ? "@|faint " + Output.escape(d) + "|@"
                  : Output.escape(d)));
    }
  }
}
