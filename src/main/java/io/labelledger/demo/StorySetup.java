package io.labelledger.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import org.web3j.crypto.Credentials;

/**
 * Where a story runs and the keys it holds besides its people's own: the service and its operator
 * token, the chain's JSON-RPC endpoint, a funded key that pays its wallets' gas and test tokens,
 * the treasury's key (null: fees are not withdrawn), a folder for files it writes, and where it
 * prints its summary.
 */
public record StorySetup(String serviceUrl, String operatorToken, String rpcUrl, Credentials funder,
    Credentials treasury, Path workDir, PrintStream out) {}
