package dev.s3proc.cli.rules;

import picocli.CommandLine.Command;

@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description =
        "S3 bucket notification rules and workflow triggers from YAML, merged safely with the"
            + " rules s3proc does not own.",
    subcommands = {
      ValidateCommand.class,
      PlanCommand.class,
      ApplyCommand.class,
      ExportCommand.class,
      TestCommand.class,
      GraphCommand.class
    })
public class RulesCommand {}
