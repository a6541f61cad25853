package io.labelledger.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.chain.Abi;
import io.labelledger.chain.Hex;
import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.cli.LabelLedgerCli;
import io.labelledger.demo.StoryHttp.Reply;
import io.labelledger.market.SharesTree;
import io.labelledger.provenance.StandardMerkleTree;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.LocalInputFile;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * The steps every story takes the same way, through the public API and the chain: the service's
 * chain and signing domains, wallets that sign in (SIWE) and consent (EIP-712, relayed), signed
 * answers, versions built and listed (checked against the roots the story computes itself),
 * purchases from a buyer's own wallet, exports read back, the audit bundle verified by {@code
 * labelledger audit}, and the checks and waits that stop a story with a {@link StoryFailure}.
 * One per story run; {@link #close()} releases the chain client.
 */
final class StorySteps implements AutoCloseable {
  static final long WAIT_MS = 120_000;

  final StorySetup setup;
  final StoryHttp http;
  final StoryChain chain;
  final String marketplace;
  final String paymentToken;
  private final JsonNode eip712;
  private final Map<String, Double> seconds = new LinkedHashMap<>();

  /** Reads the service's chain and signing domains and opens the story's own client of that chain. */
  StorySteps(StorySetup setup) {
    this.setup = setup;
    this.http = new StoryHttp(setup.serviceUrl());
    JsonNode chainInfo = http.get("/api/chain", null).expect(200, "chain info").json();
    this.marketplace = chainInfo.at("/contracts/marketplace").asText();
    this.paymentToken = chainInfo.at("/contracts/paymentToken").asText();
    this.eip712 = http.get("/api/eip712", null).expect(200, "eip712").json();
    this.chain = new StoryChain(setup.rpcUrl(), setup.funder(), marketplace, paymentToken,
        chainInfo.at("/contracts/consentRegistry").asText());
    if (chain.chainId() != chainInfo.get("chainId").asLong()) {
      chain.close();
      throw new StoryFailure("chain id", "the RPC endpoint is on chain " + chain.chainId() + ", the service on "
          + chainInfo.get("chainId"));
    }
  }

  // ------------------------------------------------------------------ the operator

  /** Publishes {@code text} as terms; their hash. */
  String publishTerms(String text) {
    return http.post("/api/terms", Map.of("text", text), setup.operatorToken()).expect(201, "publish terms").json()
        .get("termsHash").asText();
  }

  /** Creates a campaign from {@code body}; its id. */
  long createCampaign(Map<String, Object> body) {
    return http.post("/api/campaigns", body, setup.operatorToken()).expect(201, "create campaign").json()
        .get("id").asLong();
  }

  /** Uploads items, one JSON object a line. */
  void uploadItems(long campaignId, String lines) {
    http.send("POST", "/api/campaigns/" + campaignId + "/items", setup.operatorToken(), "application/x-ndjson",
        lines.getBytes(java.nio.charset.StandardCharsets.UTF_8)).expect(200, "upload items");
  }

  // ------------------------------------------------------------------ wallets

  static Credentials newKey() {
    try {
      ECKeyPair pair = Keys.createEcKeyPair();
      return Credentials.create(pair);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sign-In with Ethereum: personal_sign of the EIP-4361 text; the session token. */
  String signIn(Credentials key) {
    JsonNode nonce = http.get("/api/auth/nonce", null).expect(200, "nonce").json();
    String domain = nonce.get("domain").asText();
    String text = domain + " wants you to sign in with your Ethereum account:\n" + StoryChain.checksum(key)
        + "\n\nSign in to LabelLedger.\n\nURI: https://" + domain + "/\nVersion: 1\nChain ID: "
        + nonce.get("chainId").asLong() + "\nNonce: " + nonce.get("nonce").asText() + "\nIssued At: "
        + Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
    return http.post("/api/auth/siwe", Map.of("message", text, "signature", StoryChain.personalSign(text, key)), null)
        .expect(200, "sign-in").json().get("token").asText();
  }

  /** Signs a Consent to {@code terms} for 30 days and hands it to the service's relayer (202). */
  void consent(String who, Credentials key, String token, String terms) {
    long now = now();
    ObjectNode message = StoryHttp.JSON.createObjectNode()
        .put("contributor", StoryChain.checksum(key)).put("termsHash", terms)
        .put("expiresAt", now + 30 * 86_400L).put("nonce", chain.consentNonce(key.getAddress().toLowerCase(), terms))
        .put("deadline", now + 3600);
    http.post("/api/consents", signed(typedData("Consent", message), key), token).expect(202, "consent of " + who);
  }

  /** Someone in a story who signs with their own key and holds a session token. */
  interface Signer {
    String name();

    Credentials key();

    String token();

    /** The account, lower-case hex. */
    default String address() {
      return key().getAddress().toLowerCase();
    }
  }

  /** Everyone in {@code people} consents to {@code terms}; waits until the service has indexed each consent. */
  void consentAll(List<? extends Signer> people, String terms) {
    for (Signer p : people) {
      consent(p.name(), p.key(), p.token(), terms);
    }
    await("every consent relayed and indexed",
        () -> people.stream().allMatch(p -> consentValid(p.token(), terms, true)));
  }

  /** Whether the account's consent to {@code terms}, as the service indexed it, is {@code valid}. */
  boolean consentValid(String token, String terms, boolean valid) {
    for (JsonNode c : http.get("/api/consents/me", token).expect(200, "consents/me").json().path("consents")) {
      if (c.path("termsHash").asText().equalsIgnoreCase(terms)) {
        return c.path("valid").asBoolean() == valid;
      }
    }
    return !valid;
  }

  /**
   * Now for a signed message's expiry and deadline: the later of this machine's clock and the
   * chain's, since the service checks them against the one and the contract against the other.
   */
  long now() {
    return Math.max(Instant.now().getEpochSecond(), chain.latestTimestamp());
  }

  /** eth_signTypedData_v4's input for {@code primaryType}, with the domain and types the service publishes. */
  ObjectNode typedData(String primaryType, ObjectNode message) {
    ObjectNode td = StoryHttp.JSON.createObjectNode();
    ObjectNode types = td.putObject("types");
    types.set("EIP712Domain", eip712.at("/types/EIP712Domain"));
    types.set(primaryType, eip712.at("/types/" + primaryType));
    td.put("primaryType", primaryType);
    td.set("domain", eip712.at("/domains/" + eip712.at("/primaryTypes/" + primaryType).asText()));
    td.set("message", message);
    return td;
  }

  static Map<String, Object> signed(JsonNode typedData, Credentials key) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("typedData", typedData);
    body.put("signature", StoryChain.signTypedData(typedData, key));
    return body;
  }

  /** What the service acknowledged for a signed answer: the contribution's id and EIP-712 digest (lower case). */
  record Receipt(long id, String digest) {}

  /**
   * Fills {@code answer} into the Contribution typed data the task carries, signs it with {@code
   * key} and submits it (201).
   */
  Receipt submit(JsonNode task, String answer, Credentials key, String token, String who) {
    ObjectNode typed = task.get("typedData").deepCopy();
    ((ObjectNode) typed.get("message")).put("answer", answer);
    JsonNode receipt = http.post("/api/contributions", signed(typed, key), token)
        .expect(201, "contribution of " + who).json();
    return new Receipt(receipt.get("id").asLong(), receipt.get("digest").asText().toLowerCase());
  }

  /** The account's contributions as {@code contributions/me} lists them. */
  List<JsonNode> contributionsOf(String token) {
    List<JsonNode> out = new ArrayList<>();
    http.get("/api/contributions/me?limit=1000", token).expect(200, "contributions/me").json().path("contributions")
        .forEach(out::add);
    return out;
  }

  /** Whether every contribution of the account is anchored and no longer pending. */
  boolean decidedAndAnchored(String token) {
    for (JsonNode c : contributionsOf(token)) {
      if (!"anchored".equals(c.path("anchor").asText()) || "pending".equals(c.path("status").asText())) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ versions

  /** A version built and listed: the service's id and the DataMarketplace's. */
  record Listing(long id, long chainDatasetId) {}

  /**
   * Builds the next version of {@code campaignId} and lists it, checking the service's figures and
   * the listing on-chain against what the story expects: {@code digests} of the contributions it
   * should hold in contribution-id order, {@code shares} by lower-case address (one per contribution
   * under the plain rule, or as the campaign weighs them), {@code items} items.
   */
  Listing buildAndList(long campaignId, String name, BigInteger price, double confidenceBar, long items,
      List<String> digests, Map<String, Long> shares) {
    JsonNode built = http.post("/api/campaigns/" + campaignId + "/datasets", Map.of("price", price.toString(),
        "name", name, "confidenceBar", confidenceBar), setup.operatorToken()).expect(201, "build " + name).json();
    long id = built.get("id").asLong();
    checkEqual(name + " items", items, built.get("itemCount").asLong());
    checkEqual(name + " contributions", (long) digests.size(), built.get("contributionCount").asLong());
    checkEqual(name + " contributors", (long) shares.size(), built.get("contributorCount").asLong());
    long totalShares = shares.values().stream().mapToLong(Long::longValue).sum();
    checkEqual(name + " total shares", totalShares, built.get("totalShares").asLong());

    JsonNode listed = http.post("/api/datasets/" + id + "/listing", null, setup.operatorToken())
        .expect(200, "list " + name).json();
    long chainId = listed.get("chainDatasetId").asLong();
    DataMarketplace.DatasetInfo onChain = chain.dataset(chainId);
    checkEqual(name + " content root on-chain", contentRoot(digests), Hex.encode(onChain.contentRoot));
    checkEqual(name + " shares root on-chain", sharesRoot(shares), Hex.encode(onChain.sharesRoot));
    checkEqual(name + " total shares on-chain", BigInteger.valueOf(totalShares), onChain.totalShares);
    checkEqual(name + " price on-chain", price, onChain.price);
    return new Listing(id, chainId);
  }

  /** The content root as docs/auditor-guide.md states it: StandardMerkleTree over the digests (bytes32), contribution order. */
  static String contentRoot(List<String> digests) {
    List<byte[]> leaves = digests.stream().map(d -> StandardMerkleTree.leafHash(Abi.bytes32(Hex.decode(d)))).toList();
    return Hex.encode(StandardMerkleTree.of(leaves).root());
  }

  static String sharesRoot(Map<String, Long> shares) {
    List<SharesTree.Entry> entries = new ArrayList<>();
    shares.forEach((account, n) -> entries.add(new SharesTree.Entry(account, BigInteger.valueOf(n))));
    return Hex.encode(SharesTree.of(entries).root());
  }

  // ------------------------------------------------------------------ buyers

  /** A buyer's wallet and session. */
  record Buyer(String name, Credentials key, String token) {
    String address() {
      return key.getAddress();
    }
  }

  /** A fresh wallet with gas and {@code tokens} test tokens, signed in. */
  Buyer newBuyer(String name, BigInteger tokens) {
    Credentials key = newKey();
    chain.fundGas(key.getAddress());
    chain.fundTokens(key.getAddress(), tokens);
    return new Buyer(name, key, signIn(key));
  }

  /**
   * The buyer sends, from their own wallet, the approve and purchase calls the service hands out
   * for {@code datasetId}; checks they paid exactly {@code price}.
   */
  void buyWithApprove(Buyer buyer, long datasetId, BigInteger price) {
    BigInteger before = chain.tokenBalance(buyer.address());
    JsonNode how = http.get("/api/datasets/" + datasetId + "/purchase", null).expect(200, "purchase instructions")
        .json();
    for (JsonNode call : how.get("approveThenPurchase")) {
      chain.send(buyer.key(), call.get("to").asText(), call.get("data").asText(), buyer.name() + ": "
          + call.get("function").asText());
    }
    checkPaid(buyer, datasetId, price, before);
  }

  void checkPaid(Buyer buyer, long datasetId, BigInteger price, BigInteger before) {
    checkEqual(buyer.name() + " paid the price of dataset " + datasetId, price,
        before.subtract(chain.tokenBalance(buyer.address())));
  }

  // ------------------------------------------------------------------ exports

  /** Each line of a JSON Lines body, parsed. */
  static List<JsonNode> jsonLines(Reply reply, String what) {
    List<JsonNode> rows = new ArrayList<>();
    int n = 0;
    for (String line : reply.text().lines().toList()) {
      n++;
      try {
        rows.add(StoryHttp.JSON.readTree(line));
      } catch (IOException e) {
        throw new StoryFailure(what + " line " + n, "not JSON: " + e.getMessage());
      }
    }
    return rows;
  }

  /** Reads a Parquet file's footer and rows with parquet-java. */
  interface ParquetCheck {
    void check(ParquetFileReader footer, ParquetReader<Group> rows) throws IOException;
  }

  /** Writes {@code file} to the work folder and hands it to {@code check} (the file is deleted after). */
  void readParquet(byte[] file, String what, ParquetCheck check) {
    try {
      Files.createDirectories(setup.workDir());
      Path path = Files.createTempFile(setup.workDir(), "export-", ".parquet");
      try {
        Files.write(path, file);
        try (ParquetFileReader footer = ParquetFileReader.open(new LocalInputFile(path));
             ParquetReader<Group> rows = new ParquetReader.Builder<Group>(new LocalInputFile(path)) {
               @Override
               protected ReadSupport<Group> getReadSupport() {
                 return new GroupReadSupport();
               }
             }.build()) {
          check.check(footer, rows);
        }
      } finally {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new StoryFailure(what, "cannot read it back: " + e.getMessage());
    }
  }

  /**
   * The dataset card a Parquet footer carries under {@code labelledger.card}: Hugging Face YAML front
   * matter, then the Markdown card under its title.
   */
  static String checkCard(ParquetFileReader footer) {
    String card = footer.getFooter().getFileMetaData().getKeyValueMetaData().get("labelledger.card");
    check("Parquet footer carries the dataset card", card != null && card.startsWith("---\n")
        && card.contains("\n---\n\n# "), card == null ? "none" : card.substring(0, Math.min(200, card.length())));
    return card;
  }

  /** The hex digests in a Parquet row's {@code leaves} list. */
  static List<String> parquetLeaves(Group row) {
    Group leaves = row.getGroup("leaves", 0);
    List<String> digests = new ArrayList<>();
    for (int i = 0; i < leaves.getFieldRepetitionCount("list"); i++) {
      digests.add(Hex.encode(leaves.getGroup("list", i).getBinary("element", 0).getBytes()));
    }
    return digests;
  }

  // ------------------------------------------------------------------ audit

  /** {@link #audit(StoryHttp, String, long, Path)} on this story's service and chain; the report's last line. */
  String audit(long datasetId) {
    return audit(http, setup.rpcUrl(), datasetId, setup.workDir());
  }

  /**
   * The auditor's step: fetches the dataset's public audit bundle, saves it in {@code dir} and
   * verifies it with {@code labelledger audit} against the chain alone; fails the story unless it
   * exits 0. Returns the report's last line.
   */
  static String audit(StoryHttp http, String rpcUrl, long datasetId, Path dir) {
    byte[] bundle = http.get("/api/datasets/" + datasetId + "/audit-bundle", null).expect(200, "audit bundle").body();
    Path file = dir.resolve("dataset-" + datasetId + ".audit.json");
    try {
      Files.createDirectories(dir);
      Files.write(file, bundle);
    } catch (IOException e) {
      throw new StoryFailure("audit bundle", "cannot write " + file.getFileName() + ": " + e.getMessage());
    }
    var cli = LabelLedgerCli.commandLine();
    StringWriter report = new StringWriter();
    cli.setOut(new PrintWriter(report, true)).setErr(new PrintWriter(report, true));
    int exit = cli.execute("audit", "--rpc", rpcUrl, "--bundle", file.toString());
    if (exit != 0) {
      throw new StoryFailure("labelledger audit of dataset " + datasetId, "exit " + exit + ": " + report);
    }
    return file.getFileName() + " against the chain alone: " + report.toString().strip().lines().reduce((a, b) -> b)
        .orElse("");
  }

  // ------------------------------------------------------------------ checking, waiting, timing

  static void check(String name, boolean ok, String detail) {
    if (!ok) {
      throw new StoryFailure(name, detail);
    }
  }

  static void checkEqual(String name, Object expected, Object actual) {
    if (!String.valueOf(expected).equals(String.valueOf(actual))) {
      throw new StoryFailure(name, "expected " + expected + ", got " + actual);
    }
  }

  /** Polls {@code condition} until it holds; the story fails naming {@code what} after two minutes. */
  static void await(String what, BooleanSupplier condition) {
    awaitNothingLeft(what, () -> condition.getAsBoolean() ? null : "not yet");
  }

  /**
   * Polls {@code whatIsLeft} until it answers null (nothing left to wait for); after two minutes
   * the story fails naming {@code what} and the last thing it was still waiting for.
   */
  static void awaitNothingLeft(String what, Supplier<String> whatIsLeft) {
    long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
    String left;
    while ((left = whatIsLeft.get()) != null) {
      if (System.nanoTime() > deadline) {
        throw new StoryFailure(what, "not within " + WAIT_MS / 1000 + " s" + ("not yet".equals(left) ? "" : ": " + left));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoryFailure(what, "interrupted");
      }
    }
  }

  void timed(String step, Runnable r) {
    timedValue(step, () -> {
      r.run();
      return null;
    });
  }

  <T> T timedValue(String step, Supplier<T> s) {
    long t = System.nanoTime();
    T result = s.get();
    seconds.put(step, round((System.nanoTime() - t) / 1e9));
    return result;
  }

  /** Seconds per step so far, in step order, with {@code total} since {@code startNanos}. */
  Map<String, Double> seconds(long startNanos) {
    Map<String, Double> out = new LinkedHashMap<>(seconds);
    out.put("total", round((System.nanoTime() - startNanos) / 1e9));
    return out;
  }

  void recordSeconds(String what, double s) {
    seconds.put(what, round(s));
  }

  static double round(double s) {
    return Math.round(s * 10) / 10.0;
  }

  static String abbreviate(String hex) {
    return hex.length() > 12 ? hex.substring(0, 10) + "…" : hex;
  }

  @Override
  public void close() {
    chain.close();
  }
}
