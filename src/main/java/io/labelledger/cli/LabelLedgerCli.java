package io.labelledger.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code labelledger} command. Each operation is a subcommand class listed in
 * {@code subcommands} below; add a new one there.
 *
 * <p>Exit codes: 0 success; 2 unusable input (a bad argument, or an {@link InputException}
 * from a subcommand: a missing or malformed file), reported as one line on stderr; 1 a bug, with
 * its stack trace.
 */
@Command(name = "labelledger", mixinStandardHelpOptions = true, version = "labelledger 0.1.0",
    description = "LabelLedger: crowdsourced data labelling with on-chain consent and provenance.",
    subcommands = {HelpCommand.class, AggregateCommand.class, BuyCommand.class, AuditCommand.class,
        DeployCommand.class})
public final class LabelLedgerCli implements Runnable {
  @Spec
  private CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command tree with the project's error handling; tests run it in-process. */
  public static CommandLine commandLine() {
    return new CommandLine(new LabelLedgerCli())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          if (e instanceof InputException) {
            cmd.getErr().println("labelledger " + cmd.getCommandName() + ": " + e.getMessage());
            return ExitCode.USAGE;
          }
          throw e;
        });
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }
}
