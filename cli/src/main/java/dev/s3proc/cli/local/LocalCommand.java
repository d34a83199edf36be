package dev.s3proc.cli.local;

import picocli.CommandLine.Command;

@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description =
        "The whole pipeline on this machine, on the moto AWS emulator bound to 127.0.0.1.")
public class LocalCommand {}
