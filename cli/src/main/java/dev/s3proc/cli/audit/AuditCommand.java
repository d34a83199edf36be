package dev.s3proc.cli.audit;

import picocli.CommandLine.Command;

@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "What happened to every file: the audit trail the handlers write.")
public class AuditCommand {}
