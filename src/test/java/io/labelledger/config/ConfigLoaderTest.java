package io.labelledger.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String TOKEN = "operator-token-long-enough";
  private static final String KEY = "0x4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b23b1d";

  @TempDir
  Path dir;

  private AppConfig load(Map<String, String> env) {
    return new ConfigLoader(env, dir).load();
  }

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("LABELLEDGER_OPERATOR_TOKEN", TOKEN);
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private void assertProblem(Map<String, String> env, String fragment) {
    assertThatThrownBy(() -> load(env))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).anySatisfy(p -> assertThat(p).contains(fragment)));
  }

  @Test
  void bundledDefaultsNeedOnlyAnOperatorToken() {
    AppConfig config = load(env());
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.database().embedded()).isTrue();
    assertThat(config.limits().jsonBodyBytes()).isEqualTo(65536);
    assertThat(config.auth().sessionTtlSeconds()).isEqualTo(3600);
    assertThat(config.auth().operatorToken().reveal()).isEqualTo(TOKEN);
    assertThat(config.chain().relayerKey()).isNull();
  }

  @Test
  void missingOperatorTokenIsNamed() {
    assertProblem(Map.of(), "auth.operatorToken: is required");
  }

  @Test
  void userFileOverridesDefaultsAndEnvironmentOverridesTheFile() throws Exception {
    Files.writeString(dir.resolve("labelledger.yaml"), "http:\n  port: 9000\n  host: 127.0.0.1\nauth:\n  siweDomain: example.org\n");
    AppConfig fromFile = load(env());
    assertThat(fromFile.http().port()).isEqualTo(9000);
    assertThat(fromFile.http().host()).isEqualTo("127.0.0.1");
    assertThat(fromFile.auth().siweDomain()).isEqualTo("example.org");
    assertThat(load(env("LABELLEDGER_HTTP_PORT", "9100")).http().port()).isEqualTo(9100);
  }

  @Test
  void fileNamedByLabelledgerConfigIsUsed() throws Exception {
    Files.writeString(dir.resolve("other.yaml"), "limits:\n  rateLimit:\n    burst: 7\n");
    assertThat(load(env("LABELLEDGER_CONFIG", "other.yaml")).limits().rateLimit().burst()).isEqualTo(7);
    assertProblem(env("LABELLEDGER_CONFIG", "missing.yaml"), "LABELLEDGER_CONFIG: no such file");
  }

  @Test
  void outOfRangeValueNamesKeyAndVariable() {
    assertProblem(env("LABELLEDGER_HTTP_PORT", "70000"), "http.port (from LABELLEDGER_HTTP_PORT)");
  }

  @Test
  void valueOfTheWrongTypeNamesKey() {
    assertProblem(env("LABELLEDGER_HTTP_PORT", "eighty"), "http.port (from LABELLEDGER_HTTP_PORT): expected an integer");
  }

  @Test
  void unknownKeyInTheFileIsNamed() throws Exception {
    Files.writeString(dir.resolve("labelledger.yaml"), "http:\n  prot: 9000\n");
    assertProblem(env(), "http.prot: unknown key");
  }

  @Test
  void secretsWrittenInTheFileAreRefused() throws Exception {
    Files.writeString(dir.resolve("labelledger.yaml"), "chain:\n  relayerKey: \"" + KEY + "\"\n");
    assertProblem(env(), "chain.relayerKey: secrets may not be written");
  }

  @Test
  void secretsAreReadFromFilesNamedByTheEnvironmentOrTheConfig() throws Exception {
    Files.writeString(dir.resolve("token"), TOKEN + "-from-file\n");
    Files.writeString(dir.resolve("key"), KEY + "\n");
    Files.writeString(dir.resolve("labelledger.yaml"), "chain:\n  relayerKeyFile: key\n");
    Map<String, String> env = Map.of("LABELLEDGER_OPERATOR_TOKEN_FILE", "token");
    AppConfig config = load(env);
    assertThat(config.auth().operatorToken().reveal()).isEqualTo(TOKEN + "-from-file");
    assertThat(config.chain().relayerKey().reveal()).isEqualTo(KEY);
  }

  @Test
  void secretGivenTwiceIsAmbiguous() throws Exception {
    Files.writeString(dir.resolve("token"), TOKEN);
    assertProblem(env("LABELLEDGER_OPERATOR_TOKEN_FILE", "token"), "not both");
  }

  @Test
  void malformedRelayerKeyIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> load(env("LABELLEDGER_RELAYER_KEY", "0xnot-a-key-secret")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("chain.relayerKey")
        .hasMessageNotContaining("not-a-key-secret");
  }

  @Test
  void shortOperatorTokenIsRefused() {
    assertProblem(Map.of("LABELLEDGER_OPERATOR_TOKEN", "short"), "at least 16");
  }

  @Test
  void printedConfigurationHidesSecrets() {
    AppConfig config = load(env("LABELLEDGER_RELAYER_KEY", KEY, "LABELLEDGER_DB_PASSWORD", "db-password-value"));
    String printed = config.toString();
    assertThat(printed).doesNotContain(TOKEN).doesNotContain(KEY.substring(2)).doesNotContain("db-password-value");
    assertThat(printed).contains("operatorToken=***");
  }

  @Test
  void emptyVariablesCountAsUnset() throws Exception {
    Files.writeString(dir.resolve("labelledger.yaml"), "http:\n  port: 9000\n");
    // what `export LABELLEDGER_X=` leaves behind: the file's or the bundled value stands
    AppConfig config = load(env("LABELLEDGER_HTTP_PORT", "", "LABELLEDGER_DB_URL", "", "LABELLEDGER_DB_USER", "",
        "LABELLEDGER_DB_EMBEDDED_PORT", " ", "LABELLEDGER_CONFIG", "", "LABELLEDGER_RELAYER_KEY", "",
        "LABELLEDGER_DB_PASSWORD_FILE", "", "LABELLEDGER_ANCHORER_KEY", "", "LABELLEDGER_ANCHORER_KEY_FILE", ""));
    assertThat(config.http().port()).isEqualTo(9000);
    assertThat(config.database().embedded()).isTrue();
    assertThat(config.database().user()).isEqualTo("postgres");
    assertThat(config.database().embeddedPort()).isEqualTo(54329);
    assertThat(config.database().password()).isNull();
    assertThat(config.chain().relayerKey()).isNull();
    assertThat(config.anchor().key()).isNull();
  }

  @Test
  void emptySecretVariableLeavesItsFileVariableInCharge() throws Exception {
    Files.writeString(dir.resolve("token"), TOKEN + "-from-file\n");
    AppConfig config = load(Map.of("LABELLEDGER_OPERATOR_TOKEN", "", "LABELLEDGER_OPERATOR_TOKEN_FILE", "token"));
    assertThat(config.auth().operatorToken().reveal()).isEqualTo(TOKEN + "-from-file");
    assertProblem(Map.of("LABELLEDGER_OPERATOR_TOKEN", ""), "auth.operatorToken: is required");
  }

  @Test
  void imageOriginsAreBareOriginsOnly() {
    assertThat(load(env()).http().imageOriginList()).as("none by default").isEmpty();
    assertThat(load(env("LABELLEDGER_IMAGE_ORIGINS", "https://img.example.com, http://127.0.0.1:8081 https://img.example.com"))
        .http().imageOriginList()).containsExactly("https://img.example.com", "http://127.0.0.1:8081");
    // anything that could widen the policy beyond the hosts named, or add a directive, is refused
    for (String widening : List.of("https:", "*", "https://*.example.com", "https://img.example.com/path",
        "https://a.example; script-src *", "'unsafe-inline'", "data:", "https://a.comhttps://b.com")) {
      assertProblem(env("LABELLEDGER_IMAGE_ORIGINS", widening), "http.imageOrigins (from LABELLEDGER_IMAGE_ORIGINS)");
    }
  }

  @Test
  void confirmationsDefaultToNoneOnLocalChainsAndToASafeDepthElsewhere() throws Exception {
    String keys = "0x" + "1".repeat(64);
    assertThat(load(env()).work().confirmations()).as("the service's own Ganache").isZero();
    assertThat(load(env("LABELLEDGER_RPC_URL", "http://a:8545", "LABELLEDGER_RELAYER_KEY", KEY,
        "LABELLEDGER_ANCHORER_KEY", keys)).work().confirmations()).as("a node on chain id 1337").isZero();
    assertThat(load(env("LABELLEDGER_RPC_URL", "http://a:8545", "LABELLEDGER_CHAIN_ID", "31337",
        "LABELLEDGER_RELAYER_KEY", KEY, "LABELLEDGER_ANCHORER_KEY", keys)).work().confirmations())
        .as("Hardhat").isZero();
    assertThat(load(env("LABELLEDGER_RPC_URL", "http://a:8545", "LABELLEDGER_CHAIN_ID", "11155111",
        "LABELLEDGER_RELAYER_KEY", KEY, "LABELLEDGER_ANCHORER_KEY", keys)).work().confirmations())
        .as("Sepolia").isEqualTo(12);
    assertThat(load(env("LABELLEDGER_RPC_URL", "http://a:8545", "LABELLEDGER_CHAIN_ID", "11155111",
        "LABELLEDGER_CONFIRMATIONS", "0", "LABELLEDGER_RELAYER_KEY", KEY, "LABELLEDGER_ANCHORER_KEY", keys))
        .work().confirmations()).as("set explicitly").isZero();
    Files.writeString(dir.resolve("labelledger.yaml"), "chain:\n  rpcUrl: [http://a:8545]\n  chainId: 8453\n"
        + "work:\n  confirmations: 3\n");
    assertThat(load(env("LABELLEDGER_RELAYER_KEY", KEY, "LABELLEDGER_ANCHORER_KEY", keys)).work().confirmations())
        .isEqualTo(3);
    Files.writeString(dir.resolve("labelledger.yaml"), "chain:\n  rpcUrl: [http://a:8545]\n  chainId: 8453\n");
    assertThat(load(env("LABELLEDGER_RELAYER_KEY", KEY, "LABELLEDGER_ANCHORER_KEY", keys)).work().confirmations())
        .isEqualTo(12);
  }

  @Test
  void rpcUrlTakesACommaSeparatedListFromTheEnvironmentAndAListFromTheFile() throws Exception {
    String keys = "0x" + "1".repeat(64);
    assertThat(load(env("LABELLEDGER_RPC_URL", " http://a:8545 , https://b.example/v3/key ,",
        "LABELLEDGER_RELAYER_KEY", KEY, "LABELLEDGER_ANCHORER_KEY", keys)).chain().rpcUrl())
        .containsExactly("http://a:8545", "https://b.example/v3/key");
    Files.writeString(dir.resolve("labelledger.yaml"), "chain:\n  rpcUrl:\n    - http://a:8545\n    - http://b:8545\n");
    AppConfig fromFile = load(env("LABELLEDGER_RELAYER_KEY", KEY, "LABELLEDGER_ANCHORER_KEY", keys));
    assertThat(fromFile.chain().rpcUrl()).containsExactly("http://a:8545", "http://b:8545");
    assertThat(fromFile.chain().local()).isFalse();
    Files.delete(dir.resolve("labelledger.yaml"));
    assertThat(load(env()).chain().local()).as("the bundled empty string: a local chain").isTrue();
    assertProblem(env("LABELLEDGER_RPC_URL", "http://a:8545,ftp://b", "LABELLEDGER_RELAYER_KEY", KEY,
        "LABELLEDGER_ANCHORER_KEY", keys), "must be an http(s) URL");
  }

  @Test
  void feeSettingsComeFromTheEnvironmentAndAreChecked() {
    FeeConfig fees = load(env("LABELLEDGER_MAX_FEE_GWEI", "42.5", "LABELLEDGER_TX_REPLACE_AFTER_MS", "5000",
        "LABELLEDGER_TX_BUMP_PERCENT", "12")).chain().fees();
    assertThat(fees.maxFeeGwei()).isEqualTo(42.5);
    assertThat(fees.replaceAfterMs()).isEqualTo(5000);
    assertThat(fees.bumpPercent()).isEqualTo(12);
    assertThat(load(env()).chain().fees()).isEqualTo(new FeeConfig(500, 200, 50, 0.1, 30_000, 25));
    assertProblem(env("LABELLEDGER_TX_BUMP_PERCENT", "5"), "chain.fees.bumpPercent (from LABELLEDGER_TX_BUMP_PERCENT)");
  }
}
