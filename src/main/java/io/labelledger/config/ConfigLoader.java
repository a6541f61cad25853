package io.labelledger.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.web3j.utils.Numeric;

/**
 * Reads the configuration once: bundled defaults, then the user's YAML file, then environment
 * variables, then secrets from the environment or from files; maps the result onto the
 * {@link AppConfig} record tree and validates it. Every problem names its key (and the variable
 * it came from), and all problems are reported together.
 */
public final class ConfigLoader {
  public static final String DEFAULTS_RESOURCE = "/labelledger-defaults.yaml";
  public static final String CONFIG_FILE_VAR = "LABELLEDGER_CONFIG";
  public static final String DEFAULT_FILE_NAME = "labelledger.yaml";

  /** Plain settings overridable from the environment: variable → dotted key. */
  static final Map<String, String> ENV_KEYS = orderedMap(
      "LABELLEDGER_DATA_DIR", "dataDir",
      "LABELLEDGER_HTTP_HOST", "http.host",
      "LABELLEDGER_HTTP_PORT", "http.port",
      "LABELLEDGER_IMAGE_ORIGINS", "http.imageOrigins",
      "LABELLEDGER_DB_URL", "database.url",
      "LABELLEDGER_DB_USER", "database.user",
      "LABELLEDGER_DB_EMBEDDED_PORT", "database.embeddedPort",
      "LABELLEDGER_DB_POOL_SIZE", "database.poolSize",
      "LABELLEDGER_DB_POOL_WAIT_QUEUE", "database.poolWaitQueue",
      "LABELLEDGER_RPC_URL", "chain.rpcUrl",
      "LABELLEDGER_CHAIN_ID", "chain.chainId",
      "LABELLEDGER_CHAIN_PORT", "chain.localPort",
      "LABELLEDGER_FEE_BPS", "chain.feeBps",
      "LABELLEDGER_PUBLIC_RPC_URL", "chain.publicRpcUrl",
      "LABELLEDGER_DEPLOYMENT_FILE", "chain.deploymentFile",
      "LABELLEDGER_MAX_FEE_GWEI", "chain.fees.maxFeeGwei",
      "LABELLEDGER_BASE_FEE_MULTIPLIER_PERCENT", "chain.fees.baseFeeMultiplierPercent",
      "LABELLEDGER_PRIORITY_FEE_PERCENTILE", "chain.fees.priorityFeePercentile",
      "LABELLEDGER_PRIORITY_FEE_FLOOR_GWEI", "chain.fees.priorityFeeFloorGwei",
      "LABELLEDGER_TX_REPLACE_AFTER_MS", "chain.fees.replaceAfterMs",
      "LABELLEDGER_TX_BUMP_PERCENT", "chain.fees.bumpPercent",
      "LABELLEDGER_SIWE_DOMAIN", "auth.siweDomain",
      "LABELLEDGER_SESSION_TTL_SECONDS", "auth.sessionTtlSeconds",
      "LABELLEDGER_NONCE_TTL_SECONDS", "auth.nonceTtlSeconds",
      "LABELLEDGER_CLOCK_SKEW_SECONDS", "auth.clockSkewSeconds",
      "LABELLEDGER_SESSION_CACHE_SECONDS", "auth.sessionCacheSeconds",
      "LABELLEDGER_OPERATORS", "auth.operators",
      "LABELLEDGER_JSON_BODY_LIMIT", "limits.jsonBodyBytes",
      "LABELLEDGER_UPLOAD_BODY_LIMIT", "limits.uploadBodyBytes",
      "LABELLEDGER_UPLOAD_BATCH_SIZE", "limits.uploadBatchSize",
      "LABELLEDGER_RATE_LIMIT_PER_SECOND", "limits.rateLimit.requestsPerSecond",
      "LABELLEDGER_RATE_LIMIT_BURST", "limits.rateLimit.burst",
      "LABELLEDGER_LEASE_TTL_SECONDS", "work.leaseTtlSeconds",
      "LABELLEDGER_SUBMITTED_AT_SKEW_SECONDS", "work.submittedAtSkewSeconds",
      "LABELLEDGER_COMMIT_WRITERS", "work.commitWriters",
      "LABELLEDGER_RELAY_INTERVAL_MS", "work.relayIntervalMs",
      "LABELLEDGER_RELAY_BATCH_SIZE", "work.relayBatchSize",
      "LABELLEDGER_INDEX_INTERVAL_MS", "work.indexIntervalMs",
      "LABELLEDGER_CONFIRMATIONS", "work.confirmations",
      "LABELLEDGER_EXPORT_PARALLEL_PARQUET", "datasets.exportParallelParquet",
      "LABELLEDGER_SAMPLE_SIZE", "datasets.sampleSize",
      "LABELLEDGER_CLAIM_INTERVAL_SECONDS", "datasets.claimIntervalSeconds",
      "LABELLEDGER_PURCHASE_INDEX_INTERVAL_MS", "datasets.purchaseIndexIntervalMs",
      "LABELLEDGER_ANCHOR_INTERVAL_MS", "anchor.intervalMs",
      "LABELLEDGER_ANCHOR_MAX_BATCH_SIZE", "anchor.maxBatchSize",
      "LABELLEDGER_ANCHOR_MAX_BATCH_AGE_MS", "anchor.maxBatchAgeMs",
      "LABELLEDGER_ANCHOR_REPLACE_AFTER_MS", "anchor.replaceAfterMs",
      "LABELLEDGER_ANCHOR_GAS_BUMP_PERCENT", "anchor.gasBumpPercent",
      "LABELLEDGER_ANCHOR_MAX_GAS_PRICE_GWEI", "anchor.maxGasPriceGwei",
      "LABELLEDGER_QUALITY_INTERVAL_MS", "quality.intervalMs",
      "LABELLEDGER_QUALITY_BATCH_SIZE", "quality.batchSize",
      "LABELLEDGER_QUALITY_REESTIMATE_INTERVAL_MS", "quality.reestimateIntervalMs",
      "LABELLEDGER_QUALITY_FLOOR_MIN_GOLD", "quality.floorMinGold",
      "LABELLEDGER_QUALITY_DEFAULT_ACCURACY", "quality.defaultAccuracy",
      "LABELLEDGER_QUALITY_SMOOTHING", "quality.smoothing",
      "LABELLEDGER_QUALITY_DIAGONAL_PRIOR", "quality.diagonalPrior",
      "LABELLEDGER_BLOB_KIND", "blobs.kind",
      "LABELLEDGER_BLOB_DIR", "blobs.dir",
      "LABELLEDGER_BLOB_ENDPOINT", "blobs.endpoint",
      "LABELLEDGER_BLOB_REGION", "blobs.region",
      "LABELLEDGER_BLOB_BUCKET", "blobs.bucket",
      "LABELLEDGER_BLOB_ACCESS_KEY", "blobs.accessKey",
      "LABELLEDGER_BLOB_PATH_STYLE", "blobs.pathStyle",
      "LABELLEDGER_BLOB_PREFIX", "blobs.prefix",
      "LABELLEDGER_BLOB_UPLOADS_PER_HOUR", "blobs.uploadsPerHour",
      "LABELLEDGER_BLOB_UPLOADS_IN_FLIGHT", "blobs.uploadsInFlight",
      "LABELLEDGER_BLOB_UPLOAD_IDLE_SECONDS", "blobs.uploadIdleSeconds",
      "LABELLEDGER_BLOB_SWEEP_INTERVAL_MS", "blobs.sweepIntervalMs",
      "LABELLEDGER_BLOB_ERASURE_INTERVAL_MS", "blobs.erasureIntervalMs");

  /** Secrets: dotted key → environment variable (the variable + "_FILE" names a file holding it). */
  static final Map<String, String> SECRET_KEYS = orderedMap(
      "database.password", "LABELLEDGER_DB_PASSWORD",
      "chain.relayerKey", "LABELLEDGER_RELAYER_KEY",
      "anchor.key", "LABELLEDGER_ANCHORER_KEY",
      "auth.operatorToken", "LABELLEDGER_OPERATOR_TOKEN",
      "blobs.secretKey", "LABELLEDGER_BLOB_SECRET_KEY");

  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  private final Map<String, String> env;
  private final Path workingDir;

  /**
   * @param env the process environment (a map, so tests can pass their own)
   * @param workingDir where {@code labelledger.yaml} and relative file names are looked up
   */
  public ConfigLoader(Map<String, String> env, Path workingDir) {
    this.env = withoutBlankSettings(env);
    this.workingDir = workingDir;
  }

  /**
   * A {@code LABELLEDGER_*} variable that is empty (what a shell's {@code export X=} leaves) or only
   * blanks counts as unset, as {@code ${X:-default}} does in a shell: the file's or the bundled value
   * stands, and an empty secret variable does not collide with its {@code _FILE} variable.
   */
  private static Map<String, String> withoutBlankSettings(Map<String, String> env) {
    Map<String, String> kept = new LinkedHashMap<>();
    env.forEach((name, value) -> {
      if (!(name.startsWith("LABELLEDGER_") && value.isBlank())) {
        kept.put(name, value);
      }
    });
    return Map.copyOf(kept);
  }

  public static AppConfig fromEnvironment() {
    return new ConfigLoader(System.getenv(), Path.of("").toAbsolutePath()).load();
  }

  public AppConfig load() {
    List<String> problems = new ArrayList<>();
    ObjectNode tree = readDefaults();
    Path userFile = userFile(problems);
    if (userFile != null) {
      JsonNode user = readFile(userFile, problems);
      if (user != null && !user.isNull()) {
        if (!user.isObject()) {
          problems.add(userFile + ": must be a YAML mapping");
        } else {
          rejectInlineSecrets((ObjectNode) user, userFile, problems);
          merge(tree, (ObjectNode) user);
        }
      }
    }
    Map<String, String> origins = new LinkedHashMap<>();
    ENV_KEYS.forEach((var, key) -> {
      String value = env.get(var);
      if (value != null) {
        put(tree, key, value);
        origins.put(key, var);
      }
    });
    SECRET_KEYS.forEach((key, var) -> resolveSecret(tree, key, var, problems));
    defaultConfirmations(tree);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    AppConfig config = map(tree, origins);
    validate(config, origins);
    return config;
  }

  /** {@code work.confirmations} when neither the file nor the environment sets it. */
  static final int CONFIRMATIONS_ON_LOCAL_CHAINS = 0;
  static final int CONFIRMATIONS_ELSEWHERE = 12;
  /** Chain ids of development chains (Ganache, Hardhat), which reorganise only when a test tells them to. */
  static final java.util.Set<Long> DEVELOPMENT_CHAIN_IDS = java.util.Set.of(1337L, 31337L);

  /**
   * Fills in {@code work.confirmations} when unset: 0 on the service's own Ganache (no
   * {@code chain.rpcUrl}) and on development chain ids, else {@value #CONFIRMATIONS_ELSEWHERE}, so that
   * a public chain's short reorganisations are waited out instead of shown and rolled back.
   */
  private static void defaultConfirmations(ObjectNode tree) {
    JsonNode set = get(tree, "work.confirmations");
    if (set != null && !set.isNull()) {
      return;
    }
    JsonNode urls = get(tree, "chain.rpcUrl");
    boolean ownGanache = urls == null || urls.isNull() || (urls.isTextual() && urls.asText().isBlank())
        || (urls.isArray() && urls.isEmpty());
    JsonNode chainId = get(tree, "chain.chainId");
    long id = chainId == null ? -1 : chainId.isNumber() ? chainId.asLong() : parseLong(chainId.asText());
    boolean local = ownGanache || DEVELOPMENT_CHAIN_IDS.contains(id);
    put(tree, "work.confirmations", Integer.toString(local ? CONFIRMATIONS_ON_LOCAL_CHAINS : CONFIRMATIONS_ELSEWHERE));
  }

  private static long parseLong(String text) {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      return -1; // reported by the mapping with the key's name
    }
  }

  private ObjectNode readDefaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("bundled defaults missing: " + DEFAULTS_RESOURCE);
      }
      return (ObjectNode) yaml.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("bundled defaults unreadable: " + DEFAULTS_RESOURCE, e);
    }
  }

  private Path userFile(List<String> problems) {
    String named = env.get(CONFIG_FILE_VAR);
    if (named != null && !named.isBlank()) {
      Path file = workingDir.resolve(named);
      if (!Files.isRegularFile(file)) {
        problems.add(CONFIG_FILE_VAR + ": no such file: " + named);
        return null;
      }
      return file;
    }
    Path local = workingDir.resolve(DEFAULT_FILE_NAME);
    return Files.isRegularFile(local) ? local : null;
  }

  private JsonNode readFile(Path file, List<String> problems) {
    try {
      return yaml.readTree(file.toFile());
    } catch (IOException e) {
      problems.add(file.getFileName() + ": not valid YAML: " + originalMessage(e));
      return null;
    }
  }

  private static String originalMessage(IOException e) {
    return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
  }

  private void rejectInlineSecrets(ObjectNode user, Path file, List<String> problems) {
    SECRET_KEYS.forEach((key, var) -> {
      if (get(user, key) != null) {
        problems.add(key + ": secrets may not be written in " + file.getFileName()
            + "; use " + key + "File, " + var + " or " + var + "_FILE");
      }
    });
  }

  /** Secret from VAR, or from the file named by VAR_FILE, or from the file named by key + "File". */
  private void resolveSecret(ObjectNode tree, String key, String var, List<String> problems) {
    String fileKey = key + "File";
    JsonNode fileNode = get(tree, fileKey);
    remove(tree, fileKey);
    String direct = env.get(var);
    String fromVar = env.get(var + "_FILE");
    if (direct != null && fromVar != null) {
      problems.add(key + ": set either " + var + " or " + var + "_FILE, not both");
      return;
    }
    String value = direct;
    if (value == null) {
      String fileName = fromVar != null ? fromVar : fileNode != null && !fileNode.isNull() ? fileNode.asText() : null;
      String source = fromVar != null ? var + "_FILE" : fileKey;
      if (fileName != null) {
        Path file = workingDir.resolve(fileName);
        try {
          value = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
          problems.add(key + ": cannot read the file named by " + source + ": " + fileName);
          return;
        }
      }
    }
    if (value != null && !value.isEmpty()) {
      put(tree, key, value);
    }
  }

  private AppConfig map(ObjectNode tree, Map<String, String> origins) {
    try {
      return yaml.treeToValue(tree, AppConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(List.of(path(e) + ": unknown key (known: "
          + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")"));
    } catch (InvalidFormatException e) {
      String key = path(e);
      throw new ConfigException(List.of(key + origin(origins, key) + ": expected "
          + typeName(e.getTargetType()) + " but got '" + e.getValue() + "'"));
    } catch (MismatchedInputException e) {
      String key = path(e);
      throw new ConfigException(List.of(key + origin(origins, key) + ": expected "
          + typeName(e.getTargetType()) + " (" + e.getOriginalMessage() + ")"));
    } catch (JsonProcessingException e) {
      throw new ConfigException(List.of("configuration: " + e.getOriginalMessage()));
    }
  }

  private static void validate(AppConfig config, Map<String, String> origins) {
    try (ValidatorFactory factory = Validation.byDefaultProvider().configure()
        .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory()) {
      List<String> problems = new ArrayList<>();
      for (ConstraintViolation<AppConfig> v : factory.getValidator().validate(config)) {
        String key = v.getPropertyPath().toString();
        problems.add(key + origin(origins, key) + ": " + v.getMessage());
      }
      Secret relayerKey = config.chain().relayerKey();
      if (relayerKey != null && !relayerKey.reveal().matches("(0x)?[0-9a-fA-F]{64}")) {
        problems.add("chain.relayerKey: must be a private key of 32 bytes in hex (the value is not shown)");
      }
      Secret anchorerKey = config.anchor().key();
      if (anchorerKey != null && !anchorerKey.reveal().matches("(0x)?[0-9a-fA-F]{64}")) {
        problems.add("anchor.key: must be a private key of 32 bytes in hex (the value is not shown)");
      } else if (anchorerKey != null && relayerKey != null
          && Numeric.cleanHexPrefix(anchorerKey.reveal()).equalsIgnoreCase(Numeric.cleanHexPrefix(relayerKey.reveal()))) {
        problems.add("anchor.key: must differ from chain.relayerKey (two senders on one key would fight over nonces)");
      }
      if (config.chain().deployed() && config.chain().local()) {
        problems.add("chain.deploymentFile: only with chain.rpcUrl (the local chain deploys its own contracts)");
      } else if (config.chain().deployed() && !Files.isRegularFile(Path.of(config.chain().deploymentFile()))) {
        problems.add("chain.deploymentFile: no such file: " + config.chain().deploymentFile());
      }
      if (anchorerKey == null && !config.chain().local()) {
        problems.add("anchor.key: required with chain.rpcUrl (set LABELLEDGER_ANCHORER_KEY or LABELLEDGER_ANCHORER_KEY_FILE)");
      }
      Secret operatorToken = config.auth().operatorToken();
      if (operatorToken != null && operatorToken.length() < 16) {
        problems.add("auth.operatorToken: must be at least 16 characters long");
      }
      BlobConfig blobs = config.blobs();
      if (blobs.s3()) {
        if (blobs.bucket().isBlank()) {
          problems.add("blobs.bucket: required with blobs.kind s3 (set LABELLEDGER_BLOB_BUCKET)");
        }
        if (blobs.region().isBlank()) {
          problems.add("blobs.region: required with blobs.kind s3 (set LABELLEDGER_BLOB_REGION)");
        }
        if (blobs.accessKey().isBlank() || blobs.secretKey() == null) {
          problems.add("blobs.secretKey: blobs.kind s3 needs an access key and a secret key (set LABELLEDGER_BLOB_ACCESS_KEY "
              + "and LABELLEDGER_BLOB_SECRET_KEY or LABELLEDGER_BLOB_SECRET_KEY_FILE)");
        }
      }
      if (!problems.isEmpty()) {
        problems.sort(null);
        throw new ConfigException(problems);
      }
    }
  }

  private static String origin(Map<String, String> origins, String key) {
    String var = origins.get(key);
    return var == null ? "" : " (from " + var + ")";
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  private static String typeName(Class<?> type) {
    if (type == null) {
      return "a value";
    }
    if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
      return "an integer";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    return "a " + type.getSimpleName() + " mapping";
  }

  private static void merge(ObjectNode into, ObjectNode from) {
    Iterator<Map.Entry<String, JsonNode>> fields = from.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode existing = into.get(field.getKey());
      if (existing instanceof ObjectNode target && field.getValue() instanceof ObjectNode source) {
        merge(target, source);
      } else {
        into.set(field.getKey(), field.getValue());
      }
    }
  }

  private static JsonNode get(ObjectNode root, String dotted) {
    JsonNode node = root;
    for (String part : dotted.split("\\.")) {
      node = node == null ? null : node.get(part);
    }
    return node;
  }

  private static void put(ObjectNode root, String dotted, String value) {
    String[] parts = dotted.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      node = child instanceof ObjectNode o ? o : node.putObject(parts[i]);
    }
    node.put(parts[parts.length - 1], value);
  }

  private static void remove(ObjectNode root, String dotted) {
    int dot = dotted.lastIndexOf('.');
    JsonNode parent = dot < 0 ? root : get(root, dotted.substring(0, dot));
    if (parent instanceof ObjectNode o) {
      o.remove(dotted.substring(dot + 1));
    }
  }

  private static Map<String, String> orderedMap(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(map);
  }
}
