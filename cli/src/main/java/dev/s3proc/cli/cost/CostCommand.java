package dev.s3proc.cli.cost;

import picocli.CommandLine.Command;

@Command(
    name = "cost",
    mixinStandardHelpOptions = true,
    description = "What processing cost, per file, against a budget.")
public class CostCommand {}
