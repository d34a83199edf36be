package dev.s3proc.cli.rules;

import picocli.CommandLine.Command;

@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description =
        "S3 bucket notification rules and workflow triggers from YAML, merged safely with the"
            + " rules s3proc does not own.")
public class RulesCommand {}
