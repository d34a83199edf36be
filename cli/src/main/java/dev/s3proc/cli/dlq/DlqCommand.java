package dev.s3proc.cli.dlq;

import picocli.CommandLine.Command;

@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = "See, inspect and redrive dead-letter queues without ever losing a message.")
public class DlqCommand {}
