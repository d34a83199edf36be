package dev.s3proc.cli.audit;

import picocli.CommandLine.Command;

@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "What happened to every file: the audit trail the handlers write.",
    subcommands = {
      ShowCommand.class,
      AuditListCommand.class,
      StatsCommand.class,
      ReconcileCommand.class
    })
public class AuditCommand {}
