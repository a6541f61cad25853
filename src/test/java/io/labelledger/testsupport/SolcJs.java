package io.labelledger.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The project's solc-js (node/node_modules/solc), as an explorer's source verification runs it. */
public final class SolcJs {
  private SolcJs() {}

  /**
   * Compiles a standard-JSON input with no import callback (everything must be in the input, as an
   * explorer requires) and returns {@code contract}'s creation bytecode in {@code file}, as hex.
   */
  public static String creationBytecode(Path input, String file, String contract) throws Exception {
    Path root = ChainExtension.ProjectPaths.root();
    String script = "const solc=require(process.argv[1]);const fs=require('fs');"
        + "const o=JSON.parse(solc.compile(fs.readFileSync(process.argv[2],'utf8')));"
        + "const e=(o.errors||[]).filter(x=>x.severity==='error');if(e.length){console.error(e[0].formattedMessage);"
        + "process.exit(1)}process.stdout.write(o.contracts[process.argv[3]][process.argv[4]].evm.bytecode.object)";
    Process p = new ProcessBuilder("node", "-e", script, root.resolve("node/node_modules/solc").toString(),
        input.toString(), file, contract).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String bytecode = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("solc-js on " + input).isZero();
    return bytecode;
  }
}
